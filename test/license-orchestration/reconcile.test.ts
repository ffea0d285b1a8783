import { describe, expect, it } from 'vitest';
import type { InstanceRecord } from '../../lambda/license-orchestration/core/ledger';
import {
  planHoldingFixes,
  planRepairs,
  type ReconcileSettings,
} from '../../lambda/license-orchestration/core/reconcile';

const settings: ReconcileSettings = {
  ownerTag: 'owner',
  typeTag: 'type',
  userId: /^[a-z]+$/,
  catalog: { cad: ['cad-suite'], sim: ['sim-tool'] },
};
const AT = '2025-03-03T12:00:00Z';

function record(instanceId: string, holding: boolean, overrides: Partial<InstanceRecord> = {}): InstanceRecord {
  return {
    instanceId,
    account: '222222222222',
    region: 'eu-west-1',
    userId: 'alice',
    workbenchType: 'cad',
    products: ['cad-suite'],
    state: holding ? 'running' : 'stopped',
    eventTime: '2025-03-03T08:00:00Z',
    eventTimeMs: Date.parse('2025-03-03T08:00:00Z'),
    rank: holding ? 2 : 4,
    holding,
    sourceEventId: 'e',
    revision: 3,
    ...overrides,
  };
}

const scope = (
  instances: { instanceId: string; state: 'running' | 'stopped' | 'pending'; tags: Record<string, string> }[],
) => ({
  account: '222222222222',
  region: 'eu-west-1',
  instances,
});

describe('planRepairs', () => {
  it('repairs missed starts and stops with events stamped at the observation time', () => {
    const plan = planRepairs(
      [
        scope([
          { instanceId: 'i-1', state: 'running', tags: { owner: 'alice', type: 'cad' } },
          { instanceId: 'i-2', state: 'stopped', tags: { owner: 'bob', type: 'cad' } },
          { instanceId: 'i-3', state: 'running', tags: { owner: 'carol', type: 'cad' } },
          { instanceId: 'i-4', state: 'pending', tags: { owner: 'dave', type: 'cad' } },
        ]),
      ],
      [record('i-2', true, { userId: 'bob' }), record('i-3', true, { userId: 'carol' }), record('i-1', false)],
      settings,
      AT,
    );
    expect(plan.repairs.map((r) => [r.kind, r.event.instanceId, r.event.state, r.event.sourceEventTime])).toEqual([
      ['missed-start', 'i-1', 'running', AT],
      ['missed-stop', 'i-2', 'stopped', AT],
    ]);
    expect(plan.repairs[0].event).toMatchObject({
      userId: 'alice',
      workbenchType: 'cad',
      account: '222222222222',
      version: 1,
    });
  });

  it('releases instances that vanished from a listed scope, but not from a scope that failed', () => {
    const plan = planRepairs(
      [scope([]), { account: '333333333333', region: 'eu-west-1', error: 'AccessDenied' }],
      [record('i-gone', true), record('i-elsewhere', true, { account: '333333333333' })],
      settings,
      AT,
    );
    expect(plan.repairs.map((r) => [r.kind, r.event.instanceId, r.event.state])).toEqual([
      ['vanished', 'i-gone', 'terminated'],
    ]);
    expect(plan.failedScopes).toEqual([{ account: '333333333333', region: 'eu-west-1', error: 'AccessDenied' }]);
  });

  it('releases a running instance whose owner tag was removed, and follows a new owner', () => {
    const plan = planRepairs(
      [
        scope([
          { instanceId: 'i-1', state: 'running', tags: {} },
          { instanceId: 'i-2', state: 'running', tags: { owner: 'bob', type: 'cad' } },
        ]),
      ],
      [record('i-1', true), record('i-2', true)],
      settings,
      AT,
    );
    expect(plan.repairs.map((r) => [r.kind, r.event.instanceId, r.event.state, r.event.userId])).toEqual([
      ['untagged', 'i-1', 'stopped', 'alice'],
      ['owner-changed', 'i-2', 'running', 'bob'],
    ]);
  });

  it('skips workbenches it cannot judge, with the reason', () => {
    const plan = planRepairs(
      [
        scope([
          { instanceId: 'i-1', state: 'running', tags: { owner: 'alice' } },
          { instanceId: 'i-2', state: 'running', tags: { owner: 'Bad User', type: 'cad' } },
          { instanceId: 'i-3', state: 'running', tags: { owner: 'carol', type: 'gpu' } },
        ]),
      ],
      [],
      settings,
      AT,
    );
    expect(plan.repairs).toEqual([]);
    expect(plan.skipped).toEqual([
      { instanceId: 'i-1', reason: 'missing-type-tag' },
      { instanceId: 'i-2', reason: 'invalid-user-id' },
      { instanceId: 'i-3', reason: 'unknown-workbench-type' },
    ]);
  });
});

describe('planHoldingFixes', () => {
  it('finds holdings without a backing record and records without their holdings', () => {
    const fixes = planHoldingFixes(
      [record('i-1', true), record('i-2', false, { revision: 7 })],
      [
        { product: 'cad-suite', userId: 'alice', instances: ['i-2', 'i-ghost'] },
        { product: 'sim-tool', userId: 'alice', instances: [] },
      ],
    );
    expect(fixes).toEqual([
      { product: 'cad-suite', userId: 'alice', instanceId: 'i-2', action: 'remove', expectedRevision: 7 },
      { product: 'cad-suite', userId: 'alice', instanceId: 'i-ghost', action: 'remove', expectedRevision: undefined },
      { product: 'cad-suite', userId: 'alice', instanceId: 'i-1', action: 'add', expectedRevision: 3 },
    ]);
  });

  it('finds nothing when records and holdings agree', () => {
    expect(
      planHoldingFixes([record('i-1', true)], [{ product: 'cad-suite', userId: 'alice', instances: ['i-1'] }]),
    ).toEqual([]);
  });
});
