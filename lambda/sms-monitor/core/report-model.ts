import type { CollectedRegistration } from './collect';
import type { Change, ChangeKind, StateDiff } from './diff';
import { registrationConsoleUrl, registrationsConsoleUrl, safeAwsLink, STATUS_DOCS_URL } from './links';
import { type DeniedReason, registrationKey } from './ports';
import { registrationTypeName } from './registration-types';
import { STATUSES, statusInfo, type StatusInfo, statusOrder } from './statuses';
import { cleanLine, cleanText } from './text';
import { formatDateTime } from './time';

// The view the templates render. Every string from the API passes through cleanText/cleanLine here
// and is HTML-escaped by the templates; links pass through safeAwsLink or are built from validated
// parts. Nothing in this file produces markup.

export interface ReasonView {
  readonly reason: string;
  readonly shortDescription: string;
  readonly longDescription: string;
  readonly documentationTitle: string;
  /** A safe https AWS link, or null (then `documentationText` holds the raw value as text). */
  readonly documentationUrl: string | null;
  readonly documentationText: string;
}

export interface ChangeView {
  readonly kind: ChangeKind;
  readonly label: string;
  readonly id: string;
  readonly region: string;
  readonly typeName: string;
  readonly from: string;
  readonly to: string;
  readonly detail: string;
}

export interface EntryView {
  readonly id: string;
  readonly region: string;
  readonly typeName: string;
  /** The raw status (shown for the unknown bucket). */
  readonly statusText: string;
  readonly version: string;
  readonly createdAt: string;
  /** For ordering only. */
  readonly createdMs: number;
  readonly consoleUrl: string;
  readonly change: ChangeView | null;
  readonly denied: {
    readonly version: string;
    readonly deniedAt: string;
    readonly reasons: readonly ReasonView[];
    readonly feedback: string;
  } | null;
  readonly versionUnavailable: string;
  readonly approvedAt: string;
  readonly recentlyApproved: boolean;
  readonly attributes: readonly { readonly name: string; readonly value: string }[];
}

export interface GroupView {
  readonly typeName: string;
  readonly count: number;
  readonly entries: readonly EntryView[];
}

export interface SectionView {
  readonly code: string;
  readonly label: string;
  readonly description: string;
  readonly tone: StatusInfo['tone'];
  readonly actionNeeded: boolean;
  readonly count: number;
  readonly groups: readonly GroupView[];
}

export interface SummaryRow {
  readonly code: string;
  readonly label: string;
  readonly tone: StatusInfo['tone'];
  readonly actionNeeded: boolean;
  readonly counts: readonly number[];
  readonly total: number;
}

export interface ReportView {
  readonly title: string;
  readonly subject: string;
  readonly account: string;
  readonly generatedAt: string;
  readonly timeZone: string;
  /** True when sent only as the weekly digest (nothing changed). */
  readonly digest: boolean;
  readonly regions: readonly string[];
  readonly total: number;
  readonly actionNeeded: number;
  readonly summaryRows: readonly SummaryRow[];
  readonly summaryTotals: readonly number[];
  readonly changes: {
    readonly tracked: boolean;
    readonly firstReport: boolean;
    readonly count: number;
    readonly newCount: number;
    readonly changedCount: number;
    readonly resolvedCount: number;
    readonly removedCount: number;
    readonly items: readonly ChangeView[];
    readonly more: number;
  };
  readonly sections: readonly SectionView[];
  readonly consoleLinks: readonly { readonly region: string; readonly url: string }[];
  readonly statusDocsUrl: string;
  readonly recentlyCompletedDays: number;
}

export interface ReportInput {
  readonly registrations: readonly CollectedRegistration[];
  readonly regions: readonly string[];
  /** The state diff; undefined when change tracking is off (local command without a table). */
  readonly diff?: StateDiff;
  readonly now: Date;
  readonly timeZone: string;
  readonly account?: string;
  readonly recentlyCompletedDays: number;
  readonly digest?: boolean;
  /** Changes listed in the summary; the rest are counted ("and N more"). */
  readonly maxListedChanges?: number;
}

const CHANGE_LABELS: Record<ChangeKind, string> = {
  new: 'New',
  changed: 'Changed',
  resolved: 'Resolved',
  removed: 'No longer listed',
};
const CHANGE_ORDER: Record<ChangeKind, number> = { new: 0, changed: 1, resolved: 2, removed: 3 };

export function buildReportView(input: ReportInput): ReportView {
  const { now, timeZone } = input;
  const regions = [...input.regions];

  // Sections by status (report order), groups by readable type name.
  const sections = new Map<StatusInfo, Map<string, EntryView[]>>();
  const counts = new Map<StatusInfo, number[]>();
  for (const r of input.registrations) {
    const info = statusInfo(r.status);
    const change = input.diff?.byKey.get(registrationKey(r.region, r.id));
    const entry = buildEntryView(r, change, { timeZone, now, recentlyCompletedDays: input.recentlyCompletedDays });
    const typeName = entry.typeName;
    const groups = sections.get(info) ?? new Map<string, EntryView[]>();
    sections.set(info, groups);
    const list = groups.get(typeName);
    if (list) list.push(entry);
    else groups.set(typeName, [entry]);
    const perRegion = counts.get(info) ?? regions.map(() => 0);
    counts.set(info, perRegion);
    const at = regions.indexOf(r.region);
    if (at >= 0) perRegion[at]++;
  }

  // Within a group: changed entries first (what moved since the last report), then the oldest.
  const entryOrder = (a: EntryView, b: EntryView): number =>
    (a.change ? CHANGE_ORDER[a.change.kind] : 9) - (b.change ? CHANGE_ORDER[b.change.kind] : 9) ||
    a.createdMs - b.createdMs ||
    a.region.localeCompare(b.region) ||
    a.id.localeCompare(b.id);

  const sectionViews: SectionView[] = [...sections.entries()]
    .sort(([a], [b]) => statusOrder(a) - statusOrder(b))
    .map(([info, groups]) => {
      const groupViews = [...groups.entries()]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([typeName, entries]) => ({ typeName, count: entries.length, entries: entries.sort(entryOrder) }));
      return {
        code: info.code,
        label: info.label,
        description: info.description,
        tone: info.tone,
        actionNeeded: info.actionNeeded,
        count: groupViews.reduce((n, g) => n + g.count, 0),
        groups: groupViews,
      };
    });

  const summaryRows: SummaryRow[] = STATUSES.map((info) => {
    const perRegion = counts.get(info) ?? regions.map(() => 0);
    return {
      code: info.code,
      label: info.label,
      tone: info.tone,
      actionNeeded: info.actionNeeded,
      counts: perRegion,
      total: perRegion.reduce((a, b) => a + b, 0),
    };
  });
  const summaryTotals = regions.map((_, i) => summaryRows.reduce((n, row) => n + row.counts[i], 0));
  const total = input.registrations.length;
  const actionNeeded = sectionViews.filter((s) => s.actionNeeded).reduce((n, s) => n + s.count, 0);

  const allChanges = [...(input.diff?.changes ?? [])].sort(
    (a, b) =>
      CHANGE_ORDER[a.kind] - CHANGE_ORDER[b.kind] || a.region.localeCompare(b.region) || a.id.localeCompare(b.id),
  );
  const maxListed = input.maxListedChanges ?? 200;
  const countKind = (k: ChangeKind): number => allChanges.filter((c) => c.kind === k).length;

  const account = input.account ?? '';
  const changedCount = allChanges.length;
  const subjectParts = [`${actionNeeded} need${actionNeeded === 1 ? 's' : ''} action`];
  if (input.diff?.hasPrevious) subjectParts.push(`${changedCount} change${changedCount === 1 ? '' : 's'}`);
  const subject =
    `${input.digest ? 'SMS registrations weekly digest' : 'SMS registration report'}` +
    `${account ? ` for ${account}` : ''}: ${subjectParts.join(', ')} (${total} total)`;

  return {
    title: 'SMS registration report',
    subject,
    account,
    generatedAt: formatDateTime(now, timeZone),
    timeZone,
    digest: input.digest ?? false,
    regions,
    total,
    actionNeeded,
    summaryRows,
    summaryTotals,
    changes: {
      tracked: input.diff !== undefined,
      firstReport: input.diff !== undefined && !input.diff.hasPrevious,
      count: changedCount,
      newCount: countKind('new'),
      changedCount: countKind('changed'),
      resolvedCount: countKind('resolved'),
      removedCount: countKind('removed'),
      items: allChanges.slice(0, maxListed).map(changeView),
      more: Math.max(0, allChanges.length - maxListed),
    },
    sections: sectionViews,
    consoleLinks: regions.map((region) => ({ region, url: registrationsConsoleUrl(region) })),
    statusDocsUrl: STATUS_DOCS_URL,
    recentlyCompletedDays: input.recentlyCompletedDays,
  };
}

export interface EntryOptions {
  readonly timeZone: string;
  readonly now: Date;
  readonly recentlyCompletedDays: number;
}

/** The view of one registration (also used by the real-time alert). */
export function buildEntryView(r: CollectedRegistration, change: Change | undefined, options: EntryOptions): EntryView {
  const time = (d: Date | undefined): string => (d ? formatDateTime(d, options.timeZone) : '');
  const recentSince = options.now.getTime() - options.recentlyCompletedDays * 86_400_000;
  return {
    id: cleanLine(r.id),
    region: r.region,
    typeName: cleanLine(registrationTypeName(r.type).name),
    statusText: cleanLine(r.status),
    version: r.currentVersion === undefined ? '' : String(r.currentVersion),
    createdAt: time(r.createdAt),
    createdMs: r.createdAt?.getTime() ?? 0,
    consoleUrl: registrationConsoleUrl(r.region, r.id),
    change: change ? changeView(change) : null,
    denied: r.deniedVersionDetails
      ? {
          version: String(r.deniedVersionDetails.versionNumber),
          deniedAt: time(r.deniedVersionDetails.deniedAt),
          reasons: r.deniedVersionDetails.deniedReasons.map(reasonView),
          feedback: cleanText(r.deniedVersionDetails.feedback ?? ''),
        }
      : null,
    versionUnavailable: r.versionUnavailable === undefined ? '' : String(r.versionUnavailable),
    approvedAt: time(r.approvedAt),
    recentlyApproved: r.approvedAt !== undefined && r.approvedAt.getTime() >= recentSince,
    attributes: Object.entries(r.attributes)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([name, value]) => ({ name: cleanLine(name, 100), value: cleanLine(value) })),
  };
}

function changeView(c: Change): ChangeView {
  return {
    kind: c.kind,
    label: CHANGE_LABELS[c.kind],
    id: cleanLine(c.id),
    region: c.region,
    typeName: cleanLine(registrationTypeName(c.type).name),
    from: c.previousStatus === undefined ? '' : statusLabel(c.previousStatus),
    to: c.status === undefined ? '' : statusLabel(c.status),
    detail: cleanLine(c.detail ?? ''),
  };
}

/** Readable label of a raw status; unknown values are shown as they are (cleaned). */
export function statusLabel(raw: string): string {
  const info = statusInfo(raw);
  return info.code === 'UNKNOWN' ? `${cleanLine(raw, 100)} (unknown status)` : info.label;
}

function reasonView(r: DeniedReason): ReasonView {
  const url = safeAwsLink(r.documentationLink);
  return {
    reason: cleanLine(r.reason),
    shortDescription: cleanText(r.shortDescription),
    longDescription: cleanText(r.longDescription ?? ''),
    documentationTitle: cleanLine(r.documentationTitle ?? ''),
    documentationUrl: url ?? null,
    documentationText: url ? '' : cleanLine(r.documentationLink ?? ''),
  };
}
