import type { DynamoDBRecord } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { readStreamRecord, summarizeBatch } from '../../lambda/license-orchestration/core/change-detection';
import { createChangeDetectorHandler } from '../../lambda/license-orchestration/handlers/change-detector';
import { testTelemetry, total } from './support/telemetry';

function holdingRecord(
  seq: string,
  product: string,
  user: string,
  before: string[] | null,
  after: string[] | null,
): DynamoDBRecord {
  const image = (instances: string[] | null) =>
    instances === null
      ? undefined
      : {
          pk: { S: `P#${product}` },
          sk: { S: `U#${user}` },
          ...(instances.length ? { instances: { SS: instances } } : {}),
        };
  return {
    eventName: before === null ? 'INSERT' : 'MODIFY',
    dynamodb: {
      SequenceNumber: seq,
      Keys: { pk: { S: `P#${product}` }, sk: { S: `U#${user}` } },
      OldImage: image(before),
      NewImage: image(after),
    },
  };
}

describe('change detection core', () => {
  it('sees a user list change only when a holding goes empty <-> non-empty', () => {
    const summary = summarizeBatch([
      holdingRecord('1', 'cad-suite', 'alice', null, ['i-1']), // alice starts holding
      holdingRecord('2', 'cad-suite', 'alice', ['i-1'], ['i-1', 'i-2']), // second instance: no change
      holdingRecord('3', 'sim-tool', 'bob', ['i-3'], []), // bob stops holding
      holdingRecord('4', 'cad-suite', 'carol', [], ['i-4']),
    ]);
    expect([...summary.changed]).toEqual([
      ['cad-suite', '1'],
      ['sim-tool', '3'],
    ]);
    expect(summary.transitions).toBe(3);
    expect(summary.malformed).toEqual([]);
  });

  it('passes over instance records and sync state, and reports unreadable records', () => {
    expect(
      readStreamRecord({ dynamodb: { SequenceNumber: '9', Keys: { pk: { S: 'I#i-1' }, sk: { S: 'INSTANCE' } } } }),
    ).toEqual({
      kind: 'other',
      sequenceNumber: '9',
    });
    expect(
      readStreamRecord({ dynamodb: { SequenceNumber: '9', Keys: { pk: { S: 'P#cad' }, sk: { S: 'SYNC' } } } }).kind,
    ).toBe('other');
    expect(readStreamRecord({ dynamodb: { SequenceNumber: '9' } })).toMatchObject({ kind: 'malformed' });
    expect(
      readStreamRecord({ dynamodb: { SequenceNumber: '9', Keys: { pk: { S: 'P#' }, sk: { S: 'U#x' } } } }),
    ).toMatchObject({
      kind: 'malformed',
    });
  });
});

describe('change detector handler', () => {
  const telemetry = testTelemetry;

  it('raises each changed product once per batch and wakes the sync once', async () => {
    const bumps: string[] = [];
    const triggers: string[][] = [];
    const t = telemetry();
    const handler = createChangeDetectorHandler(() => ({
      bump: async (p) => void bumps.push(p),
      trigger: async (_reason, products) => void triggers.push([...products]),
      now: () => 1,
      ...t,
    }));
    const result = await handler({
      Records: [
        holdingRecord('1', 'cad-suite', 'alice', null, ['i-1']),
        holdingRecord('2', 'cad-suite', 'bob', null, ['i-2']),
        holdingRecord('3', 'sim-tool', 'bob', null, ['i-2']),
      ],
    });
    expect(result).toEqual({ batchItemFailures: [] });
    expect(bumps.sort()).toEqual(['cad-suite', 'sim-tool']);
    expect(triggers).toEqual([['cad-suite', 'sim-tool']]);
    expect(total(t.emitted, 'ProductsChanged')).toBe(2);
  });

  it('stays quiet when no list changed', async () => {
    let triggered = false;
    const handler = createChangeDetectorHandler(() => ({
      bump: async () => undefined,
      trigger: async () => void (triggered = true),
      now: () => 1,
      ...telemetry(),
    }));
    await handler({ Records: [holdingRecord('1', 'cad-suite', 'alice', ['i-1'], ['i-1', 'i-2'])] });
    expect(triggered).toBe(false);
  });

  it('reports the first record of a product whose bump failed, so Lambda retries from there', async () => {
    const handler = createChangeDetectorHandler(() => ({
      bump: async (p) => {
        if (p === 'sim-tool') throw new Error('throttled');
      },
      trigger: async () => undefined,
      now: () => 1,
      ...telemetry(),
    }));
    const result = await handler({
      Records: [
        holdingRecord('1', 'cad-suite', 'alice', null, ['i-1']),
        holdingRecord('2', 'sim-tool', 'bob', null, ['i-2']),
      ],
    });
    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: '2' }] });
  });

  it('retries the whole batch when the sync cannot be woken', async () => {
    const handler = createChangeDetectorHandler(() => ({
      bump: async () => undefined,
      trigger: async () => {
        throw new Error('SQS down');
      },
      now: () => 1,
      ...telemetry(),
    }));
    const result = await handler({
      Records: [
        holdingRecord('7', 'cad-suite', 'alice', null, ['i-1']),
        holdingRecord('8', 'sim-tool', 'bob', null, ['i-2']),
      ],
    });
    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: '7' }] });
  });
});
