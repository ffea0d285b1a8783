// An in-memory ledger with the same conditional, all-or-nothing semantics as the DynamoDB adapter
// (revision guard, newer-than guard, terminated is final, set-valued holdings). Used by the
// property test and the benchmarks; the DynamoDB adapter itself is tested against moto.
import {
  type Holding,
  type InstanceRecord,
  isNewer,
  type LedgerStore,
} from '../../../lambda/license-orchestration/core/ledger';
import type { ProductSyncState, SyncStore } from '../../../lambda/license-orchestration/core/sync';

/** A holding whose membership went from empty to non-empty or back (what the table stream reports). */
export interface HoldingChange {
  readonly product: string;
  readonly userId: string;
  readonly heldBefore: boolean;
  readonly heldAfter: boolean;
}

const key = (product: string, userId: string) => `${product}\u0000${userId}`;

export class MemoryLedger implements LedgerStore, SyncStore {
  readonly instances = new Map<string, InstanceRecord>();
  readonly holdings = new Map<string, { product: string; userId: string; instances: Set<string> }>();
  readonly sync = new Map<string, { desired: number; applied: number; pendingSinceMs?: number }>();
  /** Every holding change, in commit order (the stream). */
  readonly stream: HoldingChange[] = [];
  commits = 0;
  conflicts = 0;

  async getInstance(instanceId: string): Promise<InstanceRecord | undefined> {
    return this.instances.get(instanceId);
  }

  async commit(change: {
    record: InstanceRecord;
    expectedRevision: number | undefined;
    add: readonly Holding[];
    remove: readonly Holding[];
  }): Promise<boolean> {
    const stored = this.instances.get(change.record.instanceId);
    const ok =
      change.expectedRevision === undefined
        ? stored === undefined
        : stored !== undefined &&
          stored.revision === change.expectedRevision &&
          stored.state !== 'terminated' &&
          isNewer(change.record, stored);
    if (!ok) {
      this.conflicts++;
      return false;
    }
    this.instances.set(change.record.instanceId, change.record);
    for (const h of change.add) this.update(h, change.record.instanceId, 'add');
    for (const h of change.remove) this.update(h, change.record.instanceId, 'remove');
    this.commits++;
    return true;
  }

  private update(h: Holding, instanceId: string, action: 'add' | 'remove'): void {
    const k = key(h.product, h.userId);
    const entry = this.holdings.get(k) ?? { product: h.product, userId: h.userId, instances: new Set<string>() };
    const before = entry.instances.size > 0;
    if (action === 'add') entry.instances.add(instanceId);
    else entry.instances.delete(instanceId);
    this.holdings.set(k, entry);
    const after = entry.instances.size > 0;
    this.stream.push({ product: h.product, userId: h.userId, heldBefore: before, heldAfter: after });
  }

  /** Users holding each product (sorted), products without users omitted. */
  usersByProduct(): Record<string, string[]> {
    const out: Record<string, string[]> = {};
    for (const h of this.holdings.values()) {
      if (h.instances.size === 0) continue;
      (out[h.product] ??= []).push(h.userId);
    }
    for (const list of Object.values(out)) list.sort();
    return out;
  }

  // --- sync store -----------------------------------------------------------------------------

  bumpDesiredVersion(product: string, nowMs: number): void {
    const s = this.sync.get(product) ?? { desired: 0, applied: 0 };
    s.desired++;
    s.pendingSinceMs ??= nowMs;
    this.sync.set(product, s);
  }

  async getSyncStates(products: readonly string[]): Promise<ProductSyncState[]> {
    return products.map((product) => {
      const s = this.sync.get(product);
      return {
        product,
        desiredVersion: s?.desired ?? 0,
        appliedVersion: s?.applied ?? 0,
        pendingSinceMs: s?.pendingSinceMs,
      };
    });
  }

  async listUsers(product: string): Promise<string[]> {
    return this.usersByProduct()[product] ?? [];
  }

  async recordApplied(update: { product: string; version: number }): Promise<void> {
    const s = this.sync.get(update.product) ?? { desired: 0, applied: 0 };
    if (s.applied < update.version) s.applied = update.version;
    if (s.desired === update.version) s.pendingSinceMs = undefined;
    this.sync.set(update.product, s);
  }

  async recordFailure(): Promise<void> {}
}
