// The ledger: per instance the latest applied state and its event time, and per (product, user)
// the set of running instances. A user holds a product's license while that set is not empty.
//
// Exactness under at-least-once, unordered delivery comes from two rules:
// 1. an event is applied only when it is newer than what the instance record holds (event time,
//    then the state's place in the lifecycle for events of the same second), and `terminated` is
//    final; duplicates and late events are therefore no-ops;
// 2. the instance record and the holdings it implies change together (one transaction, guarded by
//    the record's revision), so they never disagree.
// Membership is a set, not a counter: adding a running instance twice or removing it twice has the
// effect of doing it once.
import { type Ec2State, parseTime, type WorkbenchStateChangeV1 } from './contract';

/**
 * Tie-breaker for events with the same time: their order within one lifecycle. Events of one
 * instance in the same second can only be steps of one lifecycle pass, so a higher rank is newer.
 */
export const STATE_RANK: Readonly<Record<Ec2State, number>> = {
  pending: 1,
  running: 2,
  stopping: 3,
  stopped: 4,
  'shutting-down': 5,
  terminated: 6,
};

/** States that give licenses back. `pending` changes nothing; `running` takes licenses. */
export const RELEASING_STATES: ReadonlySet<Ec2State> = new Set(['stopping', 'stopped', 'shutting-down', 'terminated']);

export interface InstanceRecord {
  readonly instanceId: string;
  readonly account: string;
  readonly region: string;
  readonly userId: string;
  readonly workbenchType: string;
  /** Products the instance's type needed when the record was written. */
  readonly products: readonly string[];
  readonly state: Ec2State;
  readonly eventTime: string;
  readonly eventTimeMs: number;
  readonly rank: number;
  /** Whether the instance holds its user's licenses (true after `running`, false after a releasing state). */
  readonly holding: boolean;
  readonly sourceEventId: string;
  /** Incremented by every write; guards the next write against concurrent ones. */
  readonly revision: number;
}

/** One (product, user) pair, the unit of a named-user license. */
export interface Holding {
  readonly product: string;
  readonly userId: string;
}

export type StaleReason = 'duplicate' | 'older' | 'terminated';

export type Decision =
  | { readonly kind: 'stale'; readonly reason: StaleReason }
  | {
      readonly kind: 'apply';
      /** The record to store (its revision is the stored one plus one). */
      readonly record: InstanceRecord;
      /** Holdings this instance starts to back. */
      readonly add: readonly Holding[];
      /** Holdings this instance stops backing. */
      readonly remove: readonly Holding[];
    };

/** Whether (time, rank) `a` is strictly newer than `b`. */
export function isNewer(a: { eventTimeMs: number; rank: number }, b: { eventTimeMs: number; rank: number }): boolean {
  return a.eventTimeMs > b.eventTimeMs || (a.eventTimeMs === b.eventTimeMs && a.rank > b.rank);
}

function holdingsOf(record: Pick<InstanceRecord, 'holding' | 'products' | 'userId'> | undefined): Holding[] {
  if (!record?.holding) return [];
  return [...new Set(record.products)].sort().map((product) => ({ product, userId: record.userId }));
}

const key = (h: Holding) => `${h.product}\u0000${h.userId}`;

/**
 * What an event does to the ledger, given the stored record of its instance and the products its
 * workbench type needs. Pure: the caller writes the decision conditionally on `stored.revision`.
 */
export function decide(
  stored: InstanceRecord | undefined,
  event: WorkbenchStateChangeV1,
  products: readonly string[],
): Decision {
  const eventTimeMs = parseTime(event.sourceEventTime);
  if (eventTimeMs === undefined) throw new Error(`sourceEventTime ${event.sourceEventTime} is not an ISO 8601 time`);
  const incoming = { eventTimeMs, rank: STATE_RANK[event.state] };
  if (stored) {
    if (stored.state === 'terminated') return { kind: 'stale', reason: 'terminated' };
    if (!isNewer(incoming, stored)) {
      const same = incoming.eventTimeMs === stored.eventTimeMs && incoming.rank === stored.rank;
      return { kind: 'stale', reason: same ? 'duplicate' : 'older' };
    }
  }
  const holding =
    event.state === 'running' ? true : RELEASING_STATES.has(event.state) ? false : (stored?.holding ?? false);
  const record: InstanceRecord = {
    instanceId: event.instanceId,
    account: event.account,
    region: event.region,
    userId: event.userId,
    workbenchType: event.workbenchType,
    products: [...new Set(products)].sort(),
    state: event.state,
    eventTime: event.sourceEventTime,
    eventTimeMs,
    rank: incoming.rank,
    holding,
    sourceEventId: event.sourceEventId,
    revision: (stored?.revision ?? 0) + 1,
  };
  const before = holdingsOf(stored);
  const after = holdingsOf(record);
  const beforeKeys = new Set(before.map(key));
  const afterKeys = new Set(after.map(key));
  return {
    kind: 'apply',
    record,
    add: after.filter((h) => !beforeKeys.has(key(h))),
    remove: before.filter((h) => !afterKeys.has(key(h))),
  };
}

/** Storage of the ledger (DynamoDB in AWS, a map in tests and benchmarks). */
export interface LedgerStore {
  getInstance(instanceId: string): Promise<InstanceRecord | undefined>;
  /**
   * Writes `record` and the holding changes in one atomic step, only if the stored record still has
   * `expectedRevision` (undefined: no record yet) and the record is newer than the stored one.
   * Returns false, writing nothing, when that condition fails.
   */
  commit(change: LedgerChange): Promise<boolean>;
}

/** One atomic ledger write: an instance's new record and the holdings it adds and removes. */
export interface LedgerChange {
  readonly record: InstanceRecord;
  readonly expectedRevision: number | undefined;
  readonly add: readonly Holding[];
  readonly remove: readonly Holding[];
}

export type ApplyOutcome =
  | {
      readonly kind: 'applied';
      readonly record: InstanceRecord;
      readonly add: readonly Holding[];
      readonly remove: readonly Holding[];
    }
  | { readonly kind: 'stale'; readonly reason: StaleReason };

/** How often a write lost a race with a concurrent write of the same instance before giving up. */
export const MAX_COMMIT_ATTEMPTS = 8;

/**
 * Applies one event: read, decide, write conditionally; on a lost race read again and decide
 * again, so concurrent deliveries of one instance's events serialize on its record.
 */
export async function applyEvent(
  store: LedgerStore,
  event: WorkbenchStateChangeV1,
  products: readonly string[],
): Promise<ApplyOutcome> {
  for (let attempt = 1; attempt <= MAX_COMMIT_ATTEMPTS; attempt++) {
    const stored = await store.getInstance(event.instanceId);
    const decision = decide(stored, event, products);
    if (decision.kind === 'stale') return decision;
    const committed = await store.commit({
      record: decision.record,
      expectedRevision: stored?.revision,
      add: decision.add,
      remove: decision.remove,
    });
    if (committed) return { kind: 'applied', record: decision.record, add: decision.add, remove: decision.remove };
  }
  throw new Error(
    `instance ${event.instanceId}: ${MAX_COMMIT_ATTEMPTS} writes in a row lost a race with concurrent writes; the event will be retried`,
  );
}

/** The workbench-type to products mapping from config. An unknown type has no entry. */
export type ProductCatalog = Readonly<Record<string, readonly string[]>>;

export function productsFor(catalog: ProductCatalog, workbenchType: string): readonly string[] | undefined {
  return Object.prototype.hasOwnProperty.call(catalog, workbenchType) ? catalog[workbenchType] : undefined;
}
