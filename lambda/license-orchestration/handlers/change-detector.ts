// License server: ledger table stream -> per-product desired version, then a sync trigger.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Logger } from '@aws-lambda-powertools/logger';
import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { createLogger, createMetrics, powertoolsHandler } from '../../shared/powertools';
import { summarizeBatch } from '../core/change-detection';
import { METRIC } from '../core/metrics';
import { DynamoDbLedger } from '../adapters/dynamodb-ledger';
import { SyncTrigger } from '../adapters/messaging';
import { ENV, required } from '../adapters/settings';

export interface ChangeDetectorDeps {
  readonly bump: (product: string, nowMs: number) => Promise<void>;
  readonly trigger: (reason: string, products: readonly string[]) => Promise<void>;
  readonly now: () => number;
  readonly logger: Logger;
  readonly metrics: Metrics;
}

export function createChangeDetectorHandler(buildDeps: () => ChangeDetectorDeps) {
  return powertoolsHandler(buildDeps, async (event: DynamoDBStreamEvent, deps): Promise<DynamoDBBatchResponse> => {
    const { logger, metrics } = deps;
    const records = event.Records ?? [];
    const summary = summarizeBatch(records);
    for (const m of summary.malformed) logger.error('unreadable stream record skipped', m);
    if (summary.malformed.length > 0)
      metrics.addMetric(METRIC.malformedRecords, MetricUnit.Count, summary.malformed.length);
    metrics.addMetric(METRIC.productsChanged, MetricUnit.Count, summary.changed.size);
    if (summary.changed.size === 0) return { batchItemFailures: [] };

    const failed: string[] = [];
    const bumped: string[] = [];
    const now = deps.now();
    await Promise.all(
      [...summary.changed].map(async ([product, firstSequence]) => {
        try {
          await deps.bump(product, now);
          bumped.push(product);
        } catch (e) {
          logger.error('could not raise the desired version', { product, error: (e as Error).message });
          failed.push(firstSequence);
        }
      }),
    );

    if (bumped.length > 0) {
      try {
        await deps.trigger('ledger-change', bumped.sort());
      } catch (e) {
        // Without a trigger the change would wait for the schedule: retry the whole batch instead
        // (raising a desired version twice only costs one more sync).
        logger.error('could not trigger the sync', { error: (e as Error).message });
        const first = records[0]?.dynamodb?.SequenceNumber;
        return { batchItemFailures: first ? [{ itemIdentifier: first }] : [] };
      }
    }
    // Lambda resumes from the lowest failed sequence number.
    return { batchItemFailures: failed.map((itemIdentifier) => ({ itemIdentifier })) };
  });
}

export const handler = createChangeDetectorHandler(() => {
  const env = process.env;
  const ledger = new DynamoDbLedger(DynamoDBDocumentClient.from(new DynamoDBClient({})), required(env, ENV.tableName));
  const trigger = new SyncTrigger(new SQSClient({}), required(env, ENV.syncQueueUrl));
  return {
    bump: (p, now) => ledger.bumpDesiredVersion(p, now),
    trigger: (reason, products) => trigger.trigger(reason, products),
    now: Date.now,
    logger: createLogger(),
    metrics: createMetrics(),
  };
});
