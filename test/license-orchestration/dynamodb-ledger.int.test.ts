// The DynamoDB adapter against moto: conditional transactions, the table stream read as the change
// detector's event source mapping would, sync state and reconciliation reads and fixes.
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbLedger } from '../../lambda/license-orchestration/adapters/dynamodb-ledger';
import { summarizeBatch } from '../../lambda/license-orchestration/core/change-detection';
import type { Ec2State, WorkbenchStateChangeV1 } from '../../lambda/license-orchestration/core/contract';
import { applyEvent, decide, productsFor } from '../../lambda/license-orchestration/core/ledger';
import { seededRandom } from '../../testing/shared/seeded-random';
import { deliver, lifecycle, truth, type Workbench } from '../../testing/license-orchestration/histories';
import { createLedgerTable, DynamoDBClient, StreamReader } from '../../testing/license-orchestration/local-aws';

const CATALOG = { cad: ['cad-suite', 'sim-tool'], sim: ['sim-tool'] };
const client = DynamoDBDocumentClient.from(new DynamoDBClient({}));
let tables = 0;

async function freshLedger(): Promise<{ ledger: DynamoDbLedger; stream: StreamReader; table: string }> {
  const table = `ledger-${++tables}`;
  const streamArn = await createLedgerTable(new DynamoDBClient({}), table);
  return { ledger: new DynamoDbLedger(client, table), stream: new StreamReader(streamArn), table };
}

function event(
  instanceId: string,
  state: Ec2State,
  time: string,
  overrides: Partial<WorkbenchStateChangeV1> = {},
): WorkbenchStateChangeV1 {
  return {
    version: 1,
    instanceId,
    userId: 'alice',
    workbenchType: 'cad',
    state,
    sourceEventId: `${instanceId}-${state}-${time}`,
    sourceEventTime: time,
    account: '222222222222',
    region: 'eu-west-1',
    ...overrides,
  };
}

const apply = (ledger: DynamoDbLedger, e: WorkbenchStateChangeV1) =>
  applyEvent(ledger, e, productsFor(CATALOG, e.workbenchType) ?? []);

describe('DynamoDbLedger (moto)', () => {
  let ctx: Awaited<ReturnType<typeof freshLedger>>;
  beforeAll(async () => {
    ctx = await freshLedger();
  });

  it('writes the instance record and its holdings in one transaction, and reads them back', async () => {
    const outcome = await apply(ctx.ledger, event('i-00000001', 'running', '2025-03-03T08:00:00Z'));
    expect(outcome).toMatchObject({ kind: 'applied' });
    expect(await ctx.ledger.getInstance('i-00000001')).toMatchObject({
      state: 'running',
      holding: true,
      revision: 1,
      products: ['cad-suite', 'sim-tool'],
    });
    expect(await ctx.ledger.listUsers('cad-suite')).toEqual(['alice']);
    expect(await ctx.ledger.listHoldings()).toEqual([
      { product: 'cad-suite', userId: 'alice', instances: ['i-00000001'] },
      { product: 'sim-tool', userId: 'alice', instances: ['i-00000001'] },
    ]);
  });

  it('ignores a duplicate and a late event; the condition holds even for a wrong decision', async () => {
    expect(await apply(ctx.ledger, event('i-00000001', 'running', '2025-03-03T08:00:00Z'))).toEqual({
      kind: 'stale',
      reason: 'duplicate',
    });
    expect(await apply(ctx.ledger, event('i-00000001', 'stopped', '2025-03-03T07:00:00Z'))).toEqual({
      kind: 'stale',
      reason: 'older',
    });
    // A caller that decided on a stale read: the conditional write refuses it and writes nothing.
    const stored = await ctx.ledger.getInstance('i-00000001');
    const d = decide(undefined, event('i-00000001', 'stopped', '2025-03-03T09:00:00Z'), CATALOG.cad);
    if (d.kind !== 'apply') throw new Error('expected apply');
    expect(
      await ctx.ledger.commit({
        record: d.record,
        expectedRevision: undefined,
        add: d.add,
        remove: [{ product: 'cad-suite', userId: 'alice' }],
      }),
    ).toBe(false);
    expect(
      await ctx.ledger.commit({ record: { ...d.record, revision: 9 }, expectedRevision: 8, add: [], remove: [] }),
    ).toBe(false);
    // Older than stored, with the right revision: refused by the time condition.
    const older = { ...d.record, eventTimeMs: stored!.eventTimeMs - 1000, revision: stored!.revision + 1 };
    expect(await ctx.ledger.commit({ record: older, expectedRevision: stored!.revision, add: [], remove: [] })).toBe(
      false,
    );
    expect(await ctx.ledger.getInstance('i-00000001')).toEqual(stored);
    expect(await ctx.ledger.listUsers('cad-suite')).toEqual(['alice']);
  });

  it('keeps a user while another instance runs; terminated is final', async () => {
    await apply(ctx.ledger, event('i-00000002', 'running', '2025-03-03T08:05:00Z', { workbenchType: 'sim' }));
    await apply(ctx.ledger, event('i-00000001', 'terminated', '2025-03-03T09:00:00Z'));
    expect(await ctx.ledger.listUsers('cad-suite')).toEqual([]);
    expect(await ctx.ledger.listUsers('sim-tool')).toEqual(['alice']);
    expect(await apply(ctx.ledger, event('i-00000001', 'running', '2025-03-03T10:00:00Z'))).toEqual({
      kind: 'stale',
      reason: 'terminated',
    });
  });

  it('streams holding changes that the change detector turns into product changes', async () => {
    const records = await ctx.stream.poll();
    expect(records.length).toBeGreaterThan(0);
    expect(records.every((r) => r.dynamodb?.Keys?.sk?.S?.startsWith('U#'))).toBe(true);
    const summary = summarizeBatch(records);
    expect([...summary.changed.keys()].sort()).toEqual(['cad-suite', 'sim-tool']);
    expect(summary.malformed).toEqual([]);
    // Nothing new since the last poll.
    expect(await ctx.stream.poll()).toEqual([]);
    await apply(ctx.ledger, event('i-00000003', 'running', '2025-03-03T08:10:00Z', { workbenchType: 'sim' }));
    // alice already held sim-tool through i-00000002: a record, but no list change.
    const next = await ctx.stream.poll();
    expect(next).toHaveLength(1);
    expect(summarizeBatch(next).changed.size).toBe(0);
  });

  it('keeps per-product desired and applied versions, applied only forward', async () => {
    await ctx.ledger.bumpDesiredVersion('cad-suite', 1000);
    await ctx.ledger.bumpDesiredVersion('cad-suite', 2000);
    expect(await ctx.ledger.getSyncStates(['cad-suite', 'sim-tool'])).toEqual([
      { product: 'cad-suite', desiredVersion: 2, appliedVersion: 0, pendingSinceMs: 1000 },
      { product: 'sim-tool', desiredVersion: 0, appliedVersion: 0, pendingSinceMs: undefined },
    ]);
    await ctx.ledger.recordApplied({
      product: 'cad-suite',
      version: 1,
      commandId: 'c1',
      atMs: 3000,
      pendingSinceMs: 1000,
    });
    expect((await ctx.ledger.getSyncStates(['cad-suite']))[0]).toMatchObject({
      appliedVersion: 1,
      pendingSinceMs: 1000,
    });
    await ctx.ledger.recordFailure({ product: 'cad-suite', version: 2, commandId: 'c2', atMs: 4000, error: 'Failed' });
    expect((await ctx.ledger.getSyncStates(['cad-suite']))[0]).toMatchObject({ appliedVersion: 1, desiredVersion: 2 });
    await ctx.ledger.recordApplied({
      product: 'cad-suite',
      version: 2,
      commandId: 'c3',
      atMs: 5000,
      pendingSinceMs: 1000,
    });
    expect((await ctx.ledger.getSyncStates(['cad-suite']))[0]).toEqual({
      product: 'cad-suite',
      desiredVersion: 2,
      appliedVersion: 2,
      pendingSinceMs: undefined,
    });
    // A late success of an older command never moves applied back.
    await ctx.ledger.recordApplied({
      product: 'cad-suite',
      version: 1,
      commandId: 'c1',
      atMs: 6000,
      pendingSinceMs: 1000,
    });
    expect((await ctx.ledger.getSyncStates(['cad-suite']))[0].appliedVersion).toBe(2);
  });

  it('applies holding fixes only on the revision they were planned on', async () => {
    const record = await ctx.ledger.getInstance('i-00000002');
    expect(
      await ctx.ledger.applyHoldingFix({
        product: 'sim-tool',
        userId: 'alice',
        instanceId: 'i-00000002',
        action: 'remove',
        expectedRevision: 99,
      }),
    ).toBe(false);
    expect(
      await ctx.ledger.applyHoldingFix({
        product: 'cad-suite',
        userId: 'zoe',
        instanceId: 'i-00000002',
        action: 'add',
        expectedRevision: record!.revision,
      }),
    ).toBe(true);
    expect(await ctx.ledger.listUsers('cad-suite')).toEqual(['zoe']);
    expect(
      await ctx.ledger.applyHoldingFix({
        product: 'cad-suite',
        userId: 'zoe',
        instanceId: 'i-00000002',
        action: 'remove',
        expectedRevision: record!.revision,
      }),
    ).toBe(true);
    expect(await ctx.ledger.listUsers('cad-suite')).toEqual([]);
    expect((await ctx.ledger.listInstances()).map((r) => r.instanceId).sort()).toEqual([
      'i-00000001',
      'i-00000002',
      'i-00000003',
    ]);
  });
});

describe('DynamoDbLedger under random delivery (moto, property)', () => {
  it('ends at the truth for random histories with duplicates and reordering', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            user: fc.integer({ min: 0, max: 2 }),
            type: fc.constantFrom('cad', 'sim'),
            steps: fc.array(
              fc.record({
                action: fc.constantFrom<'start' | 'stop' | 'terminate'>('start', 'stop', 'start', 'stop', 'terminate'),
                gapBefore: fc.integer({ min: 0, max: 2 }),
                gapWithin: fc.integer({ min: 0, max: 1 }),
              }),
              { maxLength: 6 },
            ),
          }),
          { minLength: 1, maxLength: 4 },
        ),
        fc.integer(),
        async (spec, seed) => {
          const { ledger } = await freshLedger();
          const workbenches: Workbench[] = spec.map((s, i) => ({
            instanceId: `i-${(i + 1).toString(16).padStart(8, '0')}`,
            userId: `user${s.user}`,
            workbenchType: s.type,
            account: '222222222222',
            region: 'eu-west-1',
          }));
          const histories = spec.map((s, i) => lifecycle(workbenches[i], s.steps));
          for (const e of deliver(histories.flat(), { duplicateRate: 0.3, jitterMs: 5000 }, seededRandom(seed)))
            await apply(ledger, e);
          const expected = truth(workbenches, histories, CATALOG);
          for (const product of ['cad-suite', 'sim-tool']) {
            expect(await ledger.listUsers(product)).toEqual(expected[product] ?? []);
          }
        },
      ),
      { numRuns: 12 },
    );
  });
});
