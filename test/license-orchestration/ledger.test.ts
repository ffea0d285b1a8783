import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Ec2State, WorkbenchStateChangeV1 } from '../../lambda/license-orchestration/core/contract';
import {
  applyEvent,
  decide,
  type InstanceRecord,
  isNewer,
  MAX_COMMIT_ATTEMPTS,
  productsFor,
} from '../../lambda/license-orchestration/core/ledger';
import { planRepairs } from '../../lambda/license-orchestration/core/reconcile';
import { seededRandom } from '../../testing/shared/seeded-random';
import { deliver, lifecycle, type Step, truth, type Workbench } from '../../testing/license-orchestration/histories';
import { MemoryLedger } from '../../testing/license-orchestration/memory-ledger';

const CATALOG = { cad: ['cad-suite', 'sim-tool'], sim: ['sim-tool'] };

function event(state: Ec2State, time: string, overrides: Partial<WorkbenchStateChangeV1> = {}): WorkbenchStateChangeV1 {
  return {
    version: 1,
    instanceId: 'i-0123456789abcdef0',
    userId: 'alice',
    workbenchType: 'cad',
    state,
    sourceEventId: `${state}-${time}`,
    sourceEventTime: time,
    account: '222222222222',
    region: 'eu-west-1',
    ...overrides,
  };
}

async function applyAll(ledger: MemoryLedger, events: readonly WorkbenchStateChangeV1[]) {
  for (const e of events) await applyEvent(ledger, e, productsFor(CATALOG, e.workbenchType) ?? []);
}

describe('decide', () => {
  it('takes the licenses of every product of the type on running', () => {
    const d = decide(undefined, event('running', '2025-01-01T08:00:00Z'), CATALOG.cad);
    expect(d).toMatchObject({
      kind: 'apply',
      add: [
        { product: 'cad-suite', userId: 'alice' },
        { product: 'sim-tool', userId: 'alice' },
      ],
      remove: [],
      record: { state: 'running', holding: true, revision: 1 },
    });
  });

  it('gives them back on stopping, stopped, shutting-down and terminated', () => {
    for (const state of ['stopping', 'stopped', 'shutting-down', 'terminated'] as const) {
      const running = decide(undefined, event('running', '2025-01-01T08:00:00Z'), CATALOG.cad);
      if (running.kind !== 'apply') throw new Error('expected apply');
      const d = decide(running.record, event(state, '2025-01-01T09:00:00Z'), CATALOG.cad);
      expect(d).toMatchObject({ kind: 'apply', add: [], record: { holding: false, revision: 2 } });
      expect(d.kind === 'apply' && d.remove).toHaveLength(2);
    }
  });

  it('changes no holding on pending but records it as the latest state', () => {
    const running = decide(undefined, event('running', '2025-01-01T08:00:00Z'), CATALOG.cad);
    if (running.kind !== 'apply') throw new Error('expected apply');
    const d = decide(running.record, event('pending', '2025-01-01T09:00:00Z'), CATALOG.cad);
    expect(d).toMatchObject({ kind: 'apply', add: [], remove: [], record: { state: 'pending', holding: true } });
    expect(decide(undefined, event('pending', '2025-01-01T09:00:00Z'), CATALOG.cad)).toMatchObject({
      kind: 'apply',
      add: [],
      record: { holding: false },
    });
  });

  it('ignores duplicates, older events and anything after terminated', () => {
    const first = decide(undefined, event('stopped', '2025-01-01T08:00:00Z'), CATALOG.cad);
    if (first.kind !== 'apply') throw new Error('expected apply');
    expect(decide(first.record, event('stopped', '2025-01-01T08:00:00Z'), CATALOG.cad)).toEqual({
      kind: 'stale',
      reason: 'duplicate',
    });
    expect(decide(first.record, event('running', '2025-01-01T07:59:59Z'), CATALOG.cad)).toEqual({
      kind: 'stale',
      reason: 'older',
    });
    const gone = decide(first.record, event('terminated', '2025-01-01T09:00:00Z'), CATALOG.cad);
    if (gone.kind !== 'apply') throw new Error('expected apply');
    expect(decide(gone.record, event('running', '2025-01-02T00:00:00Z'), CATALOG.cad)).toEqual({
      kind: 'stale',
      reason: 'terminated',
    });
  });

  it('orders events of the same second by their place in the lifecycle', () => {
    expect(isNewer({ eventTimeMs: 1, rank: 3 }, { eventTimeMs: 1, rank: 2 })).toBe(true);
    const stopping = decide(undefined, event('stopping', '2025-01-01T08:00:00Z'), CATALOG.cad);
    if (stopping.kind !== 'apply') throw new Error('expected apply');
    // running in the same second as stopping came before it
    expect(decide(stopping.record, event('running', '2025-01-01T08:00:00Z'), CATALOG.cad)).toEqual({
      kind: 'stale',
      reason: 'older',
    });
  });

  it('moves holdings when the owner or type of a running instance changes', () => {
    const running = decide(undefined, event('running', '2025-01-01T08:00:00Z'), CATALOG.cad);
    if (running.kind !== 'apply') throw new Error('expected apply');
    const d = decide(
      running.record,
      event('running', '2025-01-01T09:00:00Z', { userId: 'bob', workbenchType: 'sim' }),
      CATALOG.sim,
    );
    expect(d).toMatchObject({
      kind: 'apply',
      add: [{ product: 'sim-tool', userId: 'bob' }],
      remove: [
        { product: 'cad-suite', userId: 'alice' },
        { product: 'sim-tool', userId: 'alice' },
      ],
    });
  });

  it('reports an unknown workbench type instead of guessing', () => {
    expect(productsFor(CATALOG, 'unknown')).toBeUndefined();
    expect(productsFor(CATALOG, 'constructor')).toBeUndefined();
  });
});

describe('applyEvent', () => {
  it('keeps a user licensed while any of their instances runs', async () => {
    const ledger = new MemoryLedger();
    await applyAll(ledger, [
      event('running', '2025-01-01T08:00:00Z', { instanceId: 'i-00000001' }),
      event('running', '2025-01-01T08:01:00Z', { instanceId: 'i-00000002', workbenchType: 'sim' }),
      event('stopped', '2025-01-01T09:00:00Z', { instanceId: 'i-00000001' }),
    ]);
    expect(ledger.usersByProduct()).toEqual({ 'sim-tool': ['alice'] });
  });

  it('retries a write that lost a race, deciding again on the fresh record', async () => {
    const ledger = new MemoryLedger();
    const racing = Object.create(ledger) as MemoryLedger;
    let raced = false;
    racing.commit = async (change) => {
      if (!raced) {
        raced = true;
        // Another delivery of a newer event lands between our read and our write.
        await ledger.commit({
          record: {
            ...change.record,
            state: 'stopped',
            holding: false,
            rank: 4,
            eventTimeMs: change.record.eventTimeMs + 1000,
            eventTime: 'x',
          },
          expectedRevision: undefined,
          add: [],
          remove: [],
        });
      }
      return ledger.commit(change);
    };
    const outcome = await applyEvent(racing, event('running', '2025-01-01T08:00:00Z'), CATALOG.cad);
    expect(outcome).toEqual({ kind: 'stale', reason: 'older' });
    expect(ledger.usersByProduct()).toEqual({});
  });

  it('gives up after repeated lost races, so the event is retried', async () => {
    const store = { getInstance: async () => undefined, commit: async () => false };
    await expect(applyEvent(store, event('running', '2025-01-01T08:00:00Z'), CATALOG.cad)).rejects.toThrow(
      `${MAX_COMMIT_ATTEMPTS} writes in a row lost a race`,
    );
  });
});

// --- property: random histories with duplicates, reordering and terminations -----------------

const stepArb = fc.record({
  action: fc.constantFrom<Step['action']>('start', 'start', 'stop', 'stop', 'terminate'),
  gapBefore: fc.integer({ min: 0, max: 3 }),
  gapWithin: fc.integer({ min: 0, max: 2 }),
});
const workbenchArb = fc.record({
  user: fc.integer({ min: 0, max: 3 }),
  type: fc.constantFrom('cad', 'sim'),
  steps: fc.array(stepArb, { maxLength: 12 }),
  offset: fc.integer({ min: 0, max: 5 }),
});
const historyArb = fc.record({
  workbenches: fc.array(workbenchArb, { minLength: 1, maxLength: 6 }),
  duplicateRate: fc.constantFrom(0, 0.1, 0.5),
  jitterMs: fc.constantFrom(0, 1500, 10_000, 120_000),
  seed: fc.integer(),
});

type History = typeof historyArb extends fc.Arbitrary<infer T> ? T : never;

function build(h: History) {
  const workbenches: Workbench[] = h.workbenches.map((w, i) => ({
    instanceId: `i-${(i + 1).toString(16).padStart(8, '0')}`,
    userId: `user${w.user}`,
    workbenchType: w.type,
    account: '222222222222',
    region: 'eu-west-1',
  }));
  const histories = h.workbenches.map((w, i) =>
    lifecycle(workbenches[i], w.steps, Date.parse('2025-03-03T07:00:00Z') + w.offset * 1000),
  );
  return { workbenches, histories };
}

describe('ledger under at-least-once, unordered delivery (property)', () => {
  it('ends exactly at the truth whatever the duplicates, reordering and terminations', async () => {
    await fc.assert(
      fc.asyncProperty(historyArb, async (h) => {
        const { workbenches, histories } = build(h);
        const delivered = deliver(
          histories.flat(),
          { duplicateRate: h.duplicateRate, jitterMs: h.jitterMs },
          seededRandom(h.seed),
        );
        const ledger = new MemoryLedger();
        await applyAll(ledger, delivered);
        expect(ledger.usersByProduct()).toEqual(truth(workbenches, histories, CATALOG));
        // Invariant: an instance backs exactly the holdings its record implies.
        for (const r of ledger.instances.values()) {
          for (const product of CATALOG[r.workbenchType as 'cad' | 'sim']) {
            const held = ledger.holdings.get(`${product}\u0000${r.userId}`)?.instances.has(r.instanceId) ?? false;
            expect(held).toBe(r.holding);
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it('is independent of delivery order: any two orders of the same events give the same ledger', async () => {
    await fc.assert(
      fc.asyncProperty(historyArb, fc.integer(), async (h, seed2) => {
        const { histories } = build(h);
        const events = histories.flat();
        const a = new MemoryLedger();
        const b = new MemoryLedger();
        await applyAll(a, deliver(events, { duplicateRate: 0.3, jitterMs: 1e9 }, seededRandom(h.seed)));
        await applyAll(b, deliver(events, { duplicateRate: 0.3, jitterMs: 1e9 }, seededRandom(seed2)));
        const strip = (m: MemoryLedger) =>
          [...m.instances.values()]
            .map(({ revision: _r, ...rest }) => rest)
            .sort((x, y) => x.instanceId.localeCompare(y.instanceId));
        expect(strip(a)).toEqual(strip(b));
        expect(a.usersByProduct()).toEqual(b.usersByProduct());
      }),
      { numRuns: 200 },
    );
  });

  it('with lost events, one reconciliation brings the ledger back to the truth', async () => {
    await fc.assert(
      fc.asyncProperty(historyArb, fc.constantFrom(0.1, 0.3, 0.6), async (h, lossRate) => {
        const { workbenches, histories } = build(h);
        const ledger = new MemoryLedger();
        await applyAll(
          ledger,
          deliver(
            histories.flat(),
            { duplicateRate: h.duplicateRate, jitterMs: h.jitterMs, lossRate },
            seededRandom(h.seed),
          ),
        );
        // EC2 as the reader role would list it a while after the last event; terminated instances
        // have disappeared from the listing.
        const observedAt = '2025-03-04T00:00:00Z';
        const instances = histories.flatMap((events, i) => {
          const last = events.at(-1);
          if (!last || last.state === 'terminated') return [];
          const wb = workbenches[i];
          return [{ instanceId: wb.instanceId, state: last.state, tags: { owner: wb.userId, type: wb.workbenchType } }];
        });
        const plan = planRepairs(
          [{ account: '222222222222', region: 'eu-west-1', instances }],
          [...ledger.instances.values()],
          { ownerTag: 'owner', typeTag: 'type', userId: /^[a-z0-9]+$/, catalog: CATALOG },
          observedAt,
        );
        for (const r of plan.repairs)
          await applyEvent(ledger, r.event, productsFor(CATALOG, r.event.workbenchType) ?? []);
        expect(ledger.usersByProduct()).toEqual(truth(workbenches, histories, CATALOG));
      }),
      { numRuns: 200 },
    );
  });
});

describe('records', () => {
  it('carry everything reconciliation needs', () => {
    const d = decide(undefined, event('running', '2025-01-01T08:00:00Z'), CATALOG.cad);
    const record = (d as { record: InstanceRecord }).record;
    expect(record).toEqual({
      instanceId: 'i-0123456789abcdef0',
      account: '222222222222',
      region: 'eu-west-1',
      userId: 'alice',
      workbenchType: 'cad',
      products: ['cad-suite', 'sim-tool'],
      state: 'running',
      eventTime: '2025-01-01T08:00:00Z',
      eventTimeMs: Date.parse('2025-01-01T08:00:00Z'),
      rank: 2,
      holding: true,
      sourceEventId: 'running-2025-01-01T08:00:00Z',
      revision: 1,
    });
  });
});
