// Reconciliation: compare what EC2 says now with the ledger and repair the differences. Repairs go
// through the ledger's normal conditional path as events stamped with the time the listing began,
// so a real event newer than the observation still wins and an older one still loses.
import type { Ec2State, RejectionReason, WorkbenchStateChangeV1 } from './contract';
import { type InstanceRecord, productsFor, type ProductCatalog, RELEASING_STATES } from './ledger';

export interface ObservedInstance {
  readonly instanceId: string;
  readonly state: Ec2State;
  readonly tags: Readonly<Record<string, string>>;
}

/** One workbench account and Region as listed (or not) through its read-only role. */
export type ScopeObservation =
  | { readonly account: string; readonly region: string; readonly instances: readonly ObservedInstance[] }
  | { readonly account: string; readonly region: string; readonly error: string };

export type RepairKind = 'missed-start' | 'missed-stop' | 'vanished' | 'untagged' | 'owner-changed';

export interface Repair {
  readonly kind: RepairKind;
  readonly event: WorkbenchStateChangeV1;
}

export interface ReconcileSettings {
  readonly ownerTag: string;
  readonly typeTag: string;
  readonly userId: RegExp;
  readonly catalog: ProductCatalog;
}

export interface ReconcilePlan {
  readonly repairs: readonly Repair[];
  /** Observed workbenches that cannot be judged (bad tags, unknown type). */
  readonly skipped: readonly { readonly instanceId: string; readonly reason: RejectionReason }[];
  /** Scopes that could not be listed; their instances are left alone. */
  readonly failedScopes: readonly { readonly account: string; readonly region: string; readonly error: string }[];
}

const scopeKey = (account: string, region: string) => `${account}/${region}`;

/**
 * Plans the repairs. `observedAt` must be taken before the listing began: a state seen by the
 * listing held at least from then on.
 */
export function planRepairs(
  observations: readonly ScopeObservation[],
  ledger: readonly InstanceRecord[],
  settings: ReconcileSettings,
  observedAt: string,
): ReconcilePlan {
  const records = new Map(ledger.map((r) => [r.instanceId, r]));
  const listed = new Set<string>();
  const seen = new Set<string>();
  const repairs: Repair[] = [];
  const skipped: { instanceId: string; reason: RejectionReason }[] = [];
  const failedScopes: { account: string; region: string; error: string }[] = [];
  const eventFor = (
    base: { instanceId: string; account: string; region: string; userId: string; workbenchType: string },
    state: Ec2State,
    kind: RepairKind,
  ): Repair => ({
    kind,
    event: {
      version: 1,
      ...base,
      state,
      sourceEventId: `reconciliation:${kind}:${observedAt}`,
      sourceEventTime: observedAt,
    },
  });

  for (const scope of observations) {
    if ('error' in scope) {
      failedScopes.push({ account: scope.account, region: scope.region, error: scope.error });
      continue;
    }
    listed.add(scopeKey(scope.account, scope.region));
    for (const instance of scope.instances) {
      seen.add(instance.instanceId);
      const record = records.get(instance.instanceId);
      const where = { instanceId: instance.instanceId, account: scope.account, region: scope.region };
      const userId = instance.tags[settings.ownerTag];
      const workbenchType = instance.tags[settings.typeTag];
      if (userId === undefined) {
        // No longer (or never) a workbench: give back what the ledger still holds for it.
        if (record?.holding)
          repairs.push(
            eventFor({ ...where, userId: record.userId, workbenchType: record.workbenchType }, 'stopped', 'untagged'),
          );
        continue;
      }
      if (workbenchType === undefined) {
        skipped.push({ instanceId: instance.instanceId, reason: 'missing-type-tag' });
        continue;
      }
      if (!settings.userId.test(userId)) {
        skipped.push({ instanceId: instance.instanceId, reason: 'invalid-user-id' });
        continue;
      }
      if (productsFor(settings.catalog, workbenchType) === undefined) {
        skipped.push({ instanceId: instance.instanceId, reason: 'unknown-workbench-type' });
        continue;
      }
      if (instance.state === 'pending') continue; // changes nothing
      const shouldHold = instance.state === 'running';
      const holds = record?.holding ?? false;
      const base = { ...where, userId, workbenchType };
      if (shouldHold && !holds) repairs.push(eventFor(base, instance.state, 'missed-start'));
      else if (!shouldHold && holds && RELEASING_STATES.has(instance.state)) {
        repairs.push(eventFor(base, instance.state, 'missed-stop'));
      } else if (shouldHold && record && (record.userId !== userId || record.workbenchType !== workbenchType)) {
        repairs.push(eventFor(base, instance.state, 'owner-changed'));
      }
    }
  }

  // Holding instances that a successful listing of their scope no longer shows are gone.
  for (const record of ledger) {
    if (!record.holding || seen.has(record.instanceId)) continue;
    if (!listed.has(scopeKey(record.account, record.region))) continue;
    repairs.push(
      eventFor(
        {
          instanceId: record.instanceId,
          account: record.account,
          region: record.region,
          userId: record.userId,
          workbenchType: record.workbenchType,
        },
        'terminated',
        'vanished',
      ),
    );
  }
  return { repairs, skipped, failedScopes };
}

/** A holding set as stored: the instances backing one (product, user). */
export interface StoredHolding {
  readonly product: string;
  readonly userId: string;
  readonly instances: readonly string[];
}

export interface HoldingFix {
  readonly product: string;
  readonly userId: string;
  readonly instanceId: string;
  readonly action: 'add' | 'remove';
  /** The instance record's revision the fix is based on (undefined: no record). */
  readonly expectedRevision: number | undefined;
}

/**
 * Differences between the instance records and the holding sets (which only a bug or a manual
 * edit can cause, since both change in one transaction). Each fix moves a holding set towards
 * what the instance record at `expectedRevision` implies, and is applied only if the record is
 * still at that revision, so a fix based on a stale read is dropped.
 */
export function planHoldingFixes(records: readonly InstanceRecord[], holdings: readonly StoredHolding[]): HoldingFix[] {
  const byInstance = new Map(records.map((r) => [r.instanceId, r]));
  const present = new Set<string>();
  const fixes: HoldingFix[] = [];
  const k = (product: string, userId: string, instanceId: string) => `${product}\u0000${userId}\u0000${instanceId}`;
  for (const h of holdings) {
    for (const instanceId of h.instances) {
      present.add(k(h.product, h.userId, instanceId));
      const r = byInstance.get(instanceId);
      const backed = r !== undefined && r.holding && r.userId === h.userId && r.products.includes(h.product);
      if (!backed) {
        fixes.push({
          product: h.product,
          userId: h.userId,
          instanceId,
          action: 'remove',
          expectedRevision: r?.revision,
        });
      }
    }
  }
  for (const r of records) {
    if (!r.holding) continue;
    for (const product of r.products) {
      if (!present.has(k(product, r.userId, r.instanceId))) {
        fixes.push({
          product,
          userId: r.userId,
          instanceId: r.instanceId,
          action: 'add',
          expectedRevision: r.revision,
        });
      }
    }
  }
  return fixes;
}
