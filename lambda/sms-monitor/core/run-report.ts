import { approvalCacheKey, type CollectStats, collectRegistrations } from './collect';
import { diffState, type StateDiff } from './diff';
import { type Log, type Mailer, type RegistrationApi, SILENT_LOG, type StateStore } from './ports';
import { renderReport, type RenderedMail } from './render';
import { buildReportView } from './report-model';
import type { MonitorSettings } from './settings';
import { statusInfo } from './statuses';
import { AmbiguousSendError, sendUnderClaim } from './send-once';
import { localDate, localWeekday } from './time';

export interface ReportDeps {
  readonly api: RegistrationApi;
  /** Change tracking and idempotency; without it every report is a first report and sends are not deduplicated. */
  readonly store?: StateStore;
  /** Needed only to send. */
  readonly mailer?: Mailer;
  readonly log?: Log;
  readonly now?: () => Date;
}

export interface ReportRequest {
  /** Send the report by email. */
  readonly send: boolean;
  /**
   * Identifies this report run: a retried invocation carries the same key and never sends twice.
   * Required to send with a store.
   */
  readonly reportKey?: string;
}

export type ReportOutcome =
  /** Sent now. */
  | 'sent'
  /** Rendered only (send was not asked for). */
  | 'rendered'
  /** Nothing changed and it is not digest time (sendOnlyOnChange). */
  | 'unchanged'
  /** An earlier attempt with the same key already sent it. */
  | 'already-sent';

export interface ReportResult {
  readonly outcome: ReportOutcome;
  readonly reportKey?: string;
  readonly messageId?: string;
  /** Undefined for `already-sent`. */
  readonly mail?: RenderedMail;
  readonly total: number;
  readonly actionNeeded: number;
  readonly changes: number;
  readonly digest: boolean;
  readonly stats?: CollectStats;
}

/**
 * One report run, the same for the Lambda and the local command: read the last state, collect every
 * registration, compare, render, and (when asked) send once per report key, then save the state.
 * Every failure is thrown; nothing is swallowed.
 */
export async function runReport(
  deps: ReportDeps,
  settings: MonitorSettings,
  request: ReportRequest,
): Promise<ReportResult> {
  const log = deps.log ?? SILENT_LOG;
  const now = (deps.now ?? (() => new Date()))();
  const { store } = deps;
  const key = request.reportKey ? `report#${request.reportKey}` : undefined;
  if (request.send && !deps.mailer) throw new Error('sending was asked for but no mailer is configured');
  if (request.send && store && !key) throw new Error('a report key is needed to send with change tracking');

  if (request.send && store && key) {
    const record = await store.getSend(key);
    if (record?.status === 'SENDING') throw new AmbiguousSendError(key);
    if (record?.status === 'SENT') {
      if (!record.stateSaved) {
        // The email went out but the state was not saved: save it now, without sending again.
        const { diff } = await collectAndDiff(deps, store, settings);
        await store.saveRegistrations(diff.upserts, diff.deletedKeys, now);
        await store.markStateSaved(key);
        log.info('report already sent; saved the state the earlier attempt could not', { key });
      } else {
        log.info('report already sent; not sending again', { key, messageId: record.messageId });
      }
      return {
        outcome: 'already-sent',
        reportKey: request.reportKey,
        messageId: record.messageId,
        total: 0,
        actionNeeded: 0,
        changes: 0,
        digest: false,
      };
    }
  }

  const { collected, diff, stats } = store
    ? await collectAndDiff(deps, store, settings)
    : { ...(await collectOnly(deps, settings)), diff: undefined };
  log.info('registrations collected', { total: collected.length, ...stats });

  let digest = false;
  if (request.send && settings.sendOnlyOnChange && store && diff?.hasPrevious && diff.changes.length === 0) {
    digest = isDigestDue(now, await store.lastReportSentAt(), settings);
    if (!digest) {
      if (key) await store.skipSend(key, now);
      // Nothing moved, but newly learnt approval times are still worth keeping.
      if (diff.upserts.length > 0) await store.saveRegistrations(diff.upserts, diff.deletedKeys, now);
      log.info('nothing changed since the last report and no digest is due; not sending', { key });
      return {
        outcome: 'unchanged',
        reportKey: request.reportKey,
        total: collected.length,
        actionNeeded: collected.filter((r) => statusInfo(r.status).actionNeeded).length,
        changes: 0,
        digest,
        stats,
      };
    }
  }

  const view = buildReportView({
    registrations: collected,
    regions: settings.regions,
    diff,
    now,
    timeZone: settings.timeZone,
    account: settings.account,
    recentlyCompletedDays: settings.recentlyCompletedDays,
    digest,
  });
  const mail = renderReport(view);
  const summary = {
    reportKey: request.reportKey,
    mail,
    total: view.total,
    actionNeeded: view.actionNeeded,
    changes: view.changes.count,
    digest,
    stats,
  };
  if (!request.send) return { outcome: 'rendered', ...summary };

  // A claim taken since the check above means another attempt is sending it.
  const claim = store && key ? { store, key, now } : undefined;
  const messageId = await sendUnderClaim(deps.mailer as Mailer, settings, mail, claim, 'the SMS registration report');
  log.info('report sent', { key, messageId, total: view.total, actionNeeded: view.actionNeeded });

  if (store && key && diff) {
    await store.completeSend(key, messageId, now);
    await store.recordReportSent(now);
    await store.saveRegistrations(diff.upserts, diff.deletedKeys, now);
    await store.markStateSaved(key);
  }
  return { outcome: 'sent', messageId, ...summary };
}

async function collectOnly(deps: ReportDeps, settings: MonitorSettings) {
  const { registrations, stats } = await collectRegistrations(deps.api, {
    regions: settings.regions,
    concurrency: settings.versionLookupConcurrency,
  });
  return { collected: registrations, stats };
}

async function collectAndDiff(deps: ReportDeps, store: StateStore, settings: MonitorSettings) {
  const previous = await store.loadRegistrations();
  const knownApprovals = new Map<string, number>();
  for (const p of previous.registrations) {
    if (p.approvedVersion !== undefined && p.approvedAt !== undefined) {
      knownApprovals.set(approvalCacheKey(p.region, p.id, p.approvedVersion), p.approvedAt);
    }
  }
  // Registrations of Regions no longer configured are not "removed": leave them out of the diff.
  const regions = new Set(settings.regions);
  const relevant = previous.registrations.filter((p) => regions.has(p.region));
  const { registrations, stats } = await collectRegistrations(deps.api, {
    regions: settings.regions,
    concurrency: settings.versionLookupConcurrency,
    knownApprovals,
  });
  const diff: StateDiff = diffState(relevant, registrations, previous.savedAt !== undefined);
  return { collected: registrations, diff, stats };
}

/**
 * With sendOnlyOnChange, an unchanged report still goes out on the digest day (once that day, in the
 * configured time zone) and whenever the last one is a week old or more, so silence never lasts.
 */
export function isDigestDue(now: Date, lastSentAt: Date | undefined, settings: MonitorSettings): boolean {
  if (!lastSentAt) return true;
  if (now.getTime() - lastSentAt.getTime() >= 7 * 86_400_000) return true;
  return (
    localWeekday(now, settings.timeZone) === settings.weeklyDigestDay &&
    localDate(lastSentAt, settings.timeZone) !== localDate(now, settings.timeZone)
  );
}
