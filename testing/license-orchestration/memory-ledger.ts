// An in-memory ledger with the same conditional, all-or-nothing semantics as the DynamoDB adapter
// (revision guard, newer-than guard, terminated is final, set-valued holdings). Used by the
// property test, the benchmarks and the in-process simulator; the DynamoDB adapter itself is
// tested against moto.
import type { DynamoDBRecord } from 'aws-lambda';
import { holdingKey } from '../../lambda/license-orchestration/core/keys';
import {
  type Holding,
  type InstanceRecord,
  isNewer,
  type LedgerStore,
  type LedgerChange,
} from '../../lambda/license-orchestration/core/ledger';
import type { ProductSyncState, SyncStore } from '../../lambda/license-orchestration/core/sync';

/** A holding whose membership went from empty to non-empty or back (what the table stream reports). */
export interface HoldingChange {
  readonly product: string;
  readonly userId: string;
  readonly heldBefore: boolean;
  readonly heldAfter: boolean;
  /** Whether the write created the holding item (an emptied holding stays, without instances). */
  readonly inserted: boolean;
  /** The holding's instance set before and after the write (sorted). */
  readonly instancesBefore: readonly string[];
  readonly instancesAfter: readonly string[];
}

/**
 * A holding change as the table's stream delivers it to change detection (NEW_AND_OLD_IMAGES; an
 * empty string set is no attribute at all in DynamoDB). `sequenceNumber` orders the records.
 */
export function toStreamRecord(change: HoldingChange, sequenceNumber: number): DynamoDBRecord {
  const { pk, sk } = holdingKey(change.product, change.userId);
  const image = (instances: readonly string[]) => ({
    pk: { S: pk },
    sk: { S: sk },
    product: { S: change.product },
    userId: { S: change.userId },
    ...(instances.length > 0 ? { instances: { SS: [...instances] } } : {}),
  });
  return {
    eventName: change.inserted ? 'INSERT' : 'MODIFY',
    eventSource: 'aws:dynamodb',
    dynamodb: {
      Keys: { pk: { S: pk }, sk: { S: sk } },
      SequenceNumber: String(sequenceNumber),
      ...(change.inserted ? {} : { OldImage: image(change.instancesBefore) }),
      NewImage: image(change.instancesAfter),
      StreamViewType: 'NEW_AND_OLD_IMAGES',
    },
  };
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

  async commit(change: LedgerChange): Promise<boolean> {
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
    const stored = this.holdings.get(k);
    const entry = stored ?? { product: h.product, userId: h.userId, instances: new Set<string>() };
    const instancesBefore = [...entry.instances].sort();
    if (action === 'add') entry.instances.add(instanceId);
    else entry.instances.delete(instanceId);
    this.holdings.set(k, entry);
    const instancesAfter = [...entry.instances].sort();
    this.stream.push({
      product: h.product,
      userId: h.userId,
      heldBefore: instancesBefore.length > 0,
      heldAfter: instancesAfter.length > 0,
      inserted: stored === undefined,
      instancesBefore,
      instancesAfter,
    });
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
    const users: string[] = [];
    for (const h of this.holdings.values()) if (h.product === product && h.instances.size > 0) users.push(h.userId);
    return users.sort();
  }

  async recordApplied(update: { product: string; version: number }): Promise<void> {
    const s = this.sync.get(update.product) ?? { desired: 0, applied: 0 };
    if (s.applied < update.version) s.applied = update.version;
    if (s.desired === update.version) s.pendingSinceMs = undefined;
    this.sync.set(update.product, s);
  }

  async recordFailure(): Promise<void> {}
}
