import { describe, expect, it } from 'vitest';
import { userIdMatcher } from '../../lambda/license-orchestration/core/contract';
import type { Rejection } from '../../lambda/license-orchestration/adapters/messaging';
import { createLedgerHandler } from '../../lambda/license-orchestration/handlers/ledger';
import { createPublisherHandler } from '../../lambda/license-orchestration/handlers/publisher';
import { createReconcilerHandler } from '../../lambda/license-orchestration/handlers/reconciler';
import { STACK_SET_ENV, stackSetFrom } from '../../lambda/license-orchestration/adapters/stack-set-settings';
import { createSyncHandler } from '../../lambda/license-orchestration/handlers/sync';
import { ec2Event } from '../../testing/license-orchestration/events';
import { MemoryLedger } from '../../testing/license-orchestration/memory-ledger';
import { testTelemetry, total } from './support/telemetry';

const CATALOG = { cad: ['cad-suite', 'sim-tool'] };

function workbenchEvent(detail: Record<string, unknown>, account = '222222222222') {
  return {
    version: '0',
    id: 'bus-1',
    source: 'license-orchestration.workbench',
    'detail-type': 'Workbench State Change',
    account,
    time: '2025-03-03T08:00:01Z',
    region: 'eu-west-1',
    resources: [],
    detail: {
      version: 1,
      instanceId: 'i-0123456789abcdef0',
      userId: 'alice',
      workbenchType: 'cad',
      state: 'running',
      sourceEventId: 'ec2-1',
      sourceEventTime: '2025-03-03T08:00:00Z',
      account: '222222222222',
      region: 'eu-west-1',
      ...detail,
    },
  };
}

describe('publisher handler', () => {
  const settings = { ownerTag: 'owner', typeTag: 'type', userId: userIdMatcher('[a-z]+') };

  it('publishes workbench events, ignores other instances and rejects bad tags to the queue', async () => {
    const published: unknown[] = [];
    const rejected: Rejection[] = [];
    const tags: Record<string, Record<string, string> | undefined> = {
      'i-00000001': { owner: 'alice', type: 'cad' },
      'i-00000002': { Name: 'ci-runner' },
      'i-00000003': { owner: 'Alice!', type: 'cad' },
    };
    const t = testTelemetry();
    const handler = createPublisherHandler(() => ({
      tagsOf: async (id) => tags[id],
      publish: async (d) => void published.push(d),
      reject: async (r) => void rejected.push(r),
      settings,
      ...t,
    }));
    expect(await handler(ec2Event('i-00000001', 'running'))).toBe('published');
    expect(await handler(ec2Event('i-00000002', 'running'))).toBe('ignored');
    expect(await handler(ec2Event('i-00000003', 'running'))).toBe('rejected');
    expect(await handler({ nonsense: true })).toBe('rejected');
    expect(published).toHaveLength(1);
    expect(rejected.map((r) => r.reason)).toEqual(['invalid-user-id', 'malformed-event']);
    expect(rejected[0].event).toMatchObject({ detail: { 'instance-id': 'i-00000003' } });
    expect(total(t.emitted, 'EventsPublished')).toBe(1);
    expect(total(t.emitted, 'EventsIgnored')).toBe(1);
    expect(total(t.emitted, 'EventsRejected', { reason: 'invalid-user-id' })).toBe(1);
  });

  it('fails (so Lambda retries, then dead-letters) when EC2 does not know the instance yet', async () => {
    const handler = createPublisherHandler(() => ({
      tagsOf: async () => undefined,
      publish: async () => undefined,
      reject: async () => undefined,
      settings,
      ...testTelemetry(),
    }));
    await expect(handler(ec2Event('i-00000001', 'pending'))).rejects.toThrow('EC2 does not know i-00000001');
  });
});

describe('ledger handler', () => {
  function setup() {
    const ledger = new MemoryLedger();
    const rejected: Rejection[] = [];
    const t = testTelemetry();
    const handler = createLedgerHandler(() => ({
      store: ledger,
      reject: async (r) => void rejected.push(r),
      catalog: CATALOG,
      userId: userIdMatcher('[a-z]+'),
      ...t,
    }));
    return { ledger, rejected, handler, t };
  }

  it('applies events and counts duplicates as stale', async () => {
    const { ledger, handler, t } = setup();
    expect(await handler(workbenchEvent({}))).toMatchObject({ kind: 'applied' });
    expect(await handler(workbenchEvent({}))).toEqual({ kind: 'stale', reason: 'duplicate' });
    expect(ledger.usersByProduct()).toEqual({ 'cad-suite': ['alice'], 'sim-tool': ['alice'] });
    expect(total(t.emitted, 'EventsApplied')).toBe(1);
    expect(total(t.emitted, 'EventsStale', { reason: 'duplicate' })).toBe(1);
  });

  it('reports an unknown workbench type instead of guessing, and goes on with other events', async () => {
    const { ledger, rejected, handler, t } = setup();
    expect(await handler(workbenchEvent({ workbenchType: 'gpu' }))).toEqual({
      kind: 'rejected',
      reason: 'unknown-workbench-type',
    });
    expect(await handler(workbenchEvent({ instanceId: 'i-00000009' }))).toMatchObject({ kind: 'applied' });
    expect(rejected).toHaveLength(1);
    expect(ledger.instances.has('i-0123456789abcdef0')).toBe(false);
    expect(total(t.emitted, 'EventsRejected', { reason: 'unknown-workbench-type' })).toBe(1);
  });

  it('rejects malformed events, bad user IDs and events about another account', async () => {
    const { rejected, handler } = setup();
    await handler({ source: 'aws.ec2' });
    await handler(workbenchEvent({ userId: 'Robert); DROP' }));
    await handler(workbenchEvent({ version: 2 }));
    await handler(workbenchEvent({}, '333333333333'));
    expect(rejected.map((r) => r.reason)).toEqual([
      'malformed-event',
      'invalid-user-id',
      'unsupported-version',
      'malformed-event',
    ]);
    expect(rejected[3].message).toContain('is not the sending account');
  });
});

describe('sync handler', () => {
  it('emits demand, seats, commands, latency and failures per run', async () => {
    const ledger = new MemoryLedger();
    ledger.holdings.set('cad-suite\u0000alice', { product: 'cad-suite', userId: 'alice', instances: new Set(['i-1']) });
    ledger.holdings.set('cad-suite\u0000bob', { product: 'cad-suite', userId: 'bob', instances: new Set(['i-2']) });
    ledger.bumpDesiredVersion('cad-suite', 1000);
    ledger.bumpDesiredVersion('sim-tool', 1000);
    const t = testTelemetry();
    let now = 1000;
    const handler = createSyncHandler(() => ({
      store: ledger,
      server: {
        send: async (r) => `cmd-${r.product}`,
        wait: async (id) => {
          now += 2500;
          return { status: id === 'cmd-sim-tool' ? 'Failed' : 'Success' };
        },
      },
      clock: { now: () => now },
      products: [
        { name: 'cad-suite', seats: 1 },
        { name: 'sim-tool', seats: 3 },
      ],
      userId: /^[a-z]+$/,
      commandTimeoutMs: 60_000,
      ...t,
    }));
    const report = await handler({ Records: [] });
    expect(report.stopped).toBe('failure');
    expect(total(t.emitted, 'UsersHolding', { product: 'cad-suite' })).toBe(2);
    expect(total(t.emitted, 'SeatsConfigured', { product: 'cad-suite' })).toBe(1);
    expect(total(t.emitted, 'CommandsSent', { product: 'cad-suite' })).toBe(1);
    expect(total(t.emitted, 'CommandsSent', { product: 'sim-tool' })).toBe(1);
    expect(total(t.emitted, 'SyncLatency', { product: 'cad-suite' })).toBeGreaterThanOrEqual(2500);
    expect(total(t.emitted, 'SyncFailures')).toBe(1);
    // The failure metric carries only the service dimension, as the alarm expects.
    expect(t.emitted.find((m) => m.name === 'SyncFailures')?.dimensions).toEqual({ service: 'test' });
  });
});

describe('reconciler handler', () => {
  it('repairs the ledger and counts repairs by kind', async () => {
    const ledger = new MemoryLedger();
    // The ledger missed alice's start and still holds bob's terminated instance.
    ledger.instances.set('i-00000002', {
      instanceId: 'i-00000002',
      account: '222222222222',
      region: 'eu-west-1',
      userId: 'bob',
      workbenchType: 'cad',
      products: ['cad-suite', 'sim-tool'],
      state: 'running',
      eventTime: '2025-03-03T07:00:00Z',
      eventTimeMs: Date.parse('2025-03-03T07:00:00Z'),
      rank: 2,
      holding: true,
      sourceEventId: 'x',
      revision: 1,
    });
    for (const p of ['cad-suite', 'sim-tool']) {
      ledger.holdings.set(`${p}\u0000bob`, { product: p, userId: 'bob', instances: new Set(['i-00000002']) });
    }
    const store = Object.assign(ledger, {
      listInstances: async () => [...ledger.instances.values()],
      listHoldings: async () =>
        [...ledger.holdings.values()].map((h) => ({
          product: h.product,
          userId: h.userId,
          instances: [...h.instances],
        })),
      applyHoldingFix: async () => true,
    });
    const t = testTelemetry();
    const handler = createReconcilerHandler(() => ({
      ledger: store,
      observe: async (scopes) =>
        scopes.map((s) =>
          s.account === '222222222222'
            ? {
                ...s,
                instances: [
                  { instanceId: 'i-00000001', state: 'running' as const, tags: { owner: 'alice', type: 'cad' } },
                ],
              }
            : { ...s, error: 'AccessDenied: not authorized' },
        ),
      scopes: [
        { account: '222222222222', region: 'eu-west-1' },
        { account: '333333333333', region: 'eu-west-1' },
      ],
      settings: { ownerTag: 'owner', typeTag: 'type', userId: /^[a-z]+$/, catalog: CATALOG },
      now: () => Date.parse('2025-03-03T12:00:00Z'),
      ...t,
    }));
    const report = await handler({});
    expect(report).toEqual({ repairs: { 'missed-start': 1, vanished: 1 }, failedScopes: 1, skipped: 0 });
    expect(ledger.usersByProduct()).toEqual({ 'cad-suite': ['alice'], 'sim-tool': ['alice'] });
    expect(total(t.emitted, 'Repairs', { kind: 'vanished' })).toBe(1);
    expect(total(t.emitted, 'ScopesFailed')).toBe(1);
  });

  it('lists the StackSet scopes found at run time besides the configured ones, each once', async () => {
    const observed: string[] = [];
    const handler = createReconcilerHandler(() => ({
      ledger: Object.assign(new MemoryLedger(), {
        listInstances: async () => [],
        listHoldings: async () => [],
        applyHoldingFix: async () => true,
      }),
      observe: async (scopes) => {
        observed.push(...scopes.map((s) => `${s.account}/${s.region}`));
        return scopes.map((s) => ({ ...s, instances: [] }));
      },
      scopes: [{ account: '222222222222', region: 'eu-west-1' }],
      discoverScopes: async () => [
        { account: '222222222222', region: 'eu-west-1' },
        { account: '555555555555', region: 'us-east-1' },
      ],
      settings: { ownerTag: 'owner', typeTag: 'type', userId: /^[a-z]+$/, catalog: CATALOG },
      now: Date.now,
      ...testTelemetry(),
    }));
    expect(await handler({})).toEqual({ repairs: {}, failedScopes: 0, skipped: 0 });
    expect(observed).toEqual(['222222222222/eu-west-1', '555555555555/us-east-1']);
  });

  it('reads the StackSet to list from its variables, naming a bad one', () => {
    expect(stackSetFrom({})).toBeUndefined();
    const env = {
      [STACK_SET_ENV.name]: 'license-workbench',
      [STACK_SET_ENV.region]: 'eu-west-1',
      [STACK_SET_ENV.callAs]: 'DELEGATED_ADMIN',
      [STACK_SET_ENV.listerRoleArn]: 'arn:aws:iam::444444444444:role/license-workbench-instance-lister',
    };
    expect(stackSetFrom(env)).toEqual({
      name: 'license-workbench',
      region: 'eu-west-1',
      callAs: 'DELEGATED_ADMIN',
      listerRoleArn: 'arn:aws:iam::444444444444:role/license-workbench-instance-lister',
    });
    expect(() => stackSetFrom({ ...env, [STACK_SET_ENV.callAs]: 'ADMIN' })).toThrow(
      'environment variable WORKBENCH_STACK_SET_CALL_AS: expected SELF or DELEGATED_ADMIN, got ADMIN',
    );
  });
});
