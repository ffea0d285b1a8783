import type { CollectedRegistration } from './collect';
import { registrationKey, type StoredRegistration } from './ports';
import { statusInfo } from './statuses';

/**
 * How a registration differs from the last report:
 * - `new`: not in the last report;
 * - `changed`: its status or a version number moved;
 * - `resolved`: it needed action and now does not;
 * - `removed`: it was in the last report and is no longer listed.
 */
export type ChangeKind = 'new' | 'changed' | 'resolved' | 'removed';

export interface Change {
  readonly kind: ChangeKind;
  readonly key: string;
  readonly region: string;
  readonly id: string;
  readonly type: string;
  readonly previousStatus?: string;
  readonly status?: string;
  /** What moved, for `changed` without a status change (for example "version 2 → 3"). */
  readonly detail?: string;
}

export interface StateDiff {
  /** False when there is no earlier state (the first report), so nothing can be called new. */
  readonly hasPrevious: boolean;
  readonly changes: readonly Change[];
  readonly byKey: ReadonlyMap<string, Change>;
  /** Registrations to write to the state (new, changed, or with a newly learnt approval time). */
  readonly upserts: readonly StoredRegistration[];
  /** State keys to delete (registrations no longer listed). */
  readonly deletedKeys: readonly string[];
}

/** Turns a collected registration into its stored form. */
export function toStored(r: CollectedRegistration): StoredRegistration {
  return {
    key: registrationKey(r.region, r.id),
    region: r.region,
    id: r.id,
    type: r.type,
    status: r.status,
    currentVersion: r.currentVersion,
    approvedVersion: r.approvedVersion,
    deniedVersion: r.deniedVersion,
    approvedAt: r.approvedAt?.getTime(),
  };
}

const versionFields = [
  ['currentVersion', 'version'],
  ['deniedVersion', 'denied version'],
  ['approvedVersion', 'approved version'],
] as const;

/** Compares the registrations now with the stored state of the last report. */
export function diffState(
  previous: readonly StoredRegistration[],
  current: readonly CollectedRegistration[],
  hasPrevious: boolean,
): StateDiff {
  const before = new Map(previous.map((p) => [p.key, p]));
  const changes: Change[] = [];
  const upserts: StoredRegistration[] = [];
  const seen = new Set<string>();

  for (const r of current) {
    const now = toStored(r);
    seen.add(now.key);
    const old = before.get(now.key);
    if (!old) {
      upserts.push(now);
      if (hasPrevious) changes.push({ ...identity(now), kind: 'new', status: now.status });
      continue;
    }
    const moved = versionFields
      .filter(([field]) => old[field] !== now[field])
      .map(([field, label]) => `${label} ${old[field] ?? '-'} → ${now[field] ?? '-'}`);
    if (old.status !== now.status) {
      const resolved = statusInfo(old.status).actionNeeded && !statusInfo(now.status).actionNeeded;
      changes.push({
        ...identity(now),
        kind: resolved ? 'resolved' : 'changed',
        previousStatus: old.status,
        status: now.status,
        detail: moved.join(', ') || undefined,
      });
    } else if (moved.length > 0) {
      changes.push({
        ...identity(now),
        kind: 'changed',
        previousStatus: old.status,
        status: now.status,
        detail: moved.join(', '),
      });
    }
    if (old.status !== now.status || moved.length > 0 || old.type !== now.type || old.approvedAt !== now.approvedAt) {
      upserts.push(now);
    }
  }

  const deletedKeys: string[] = [];
  for (const old of previous) {
    if (seen.has(old.key)) continue;
    deletedKeys.push(old.key);
    changes.push({ ...identity(old), kind: 'removed', previousStatus: old.status });
  }

  return { hasPrevious, changes, byKey: new Map(changes.map((c) => [c.key, c])), upserts, deletedKeys };
}

function identity(r: StoredRegistration): Pick<Change, 'key' | 'region' | 'id' | 'type'> {
  return { key: r.key, region: r.region, id: r.id, type: r.type };
}
