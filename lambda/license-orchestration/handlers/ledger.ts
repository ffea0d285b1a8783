// License server: workbench event (from the central bus) -> ledger.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Logger } from '@aws-lambda-powertools/logger';
import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { createLogger, createMetrics, powertoolsHandler } from '../../shared/powertools';
import {
  parseWorkbenchEvent,
  type RejectionReason,
  WORKBENCH_DETAIL_TYPE,
  WORKBENCH_EVENT_SOURCE,
} from '../core/contract';
import { applyEvent, type ApplyOutcome, type LedgerStore, type ProductCatalog, productsFor } from '../core/ledger';
import { METRIC } from '../core/metrics';
import { DynamoDbLedger } from '../adapters/dynamodb-ledger';
import { RejectedEventSink } from '../adapters/messaging';
import { catalogFrom, ENV, required, userIdFrom } from '../adapters/settings';
import { emitWithDimension } from '../adapters/telemetry';

export interface LedgerDeps {
  readonly store: LedgerStore;
  readonly reject: RejectedEventSink['reject'];
  readonly catalog: ProductCatalog;
  readonly userId: RegExp;
  readonly logger: Logger;
  readonly metrics: Metrics;
}

export type LedgerResult = ApplyOutcome | { readonly kind: 'rejected'; readonly reason: RejectionReason };

export function createLedgerHandler(buildDeps: () => LedgerDeps) {
  return powertoolsHandler(buildDeps, async (event: unknown, deps): Promise<LedgerResult> => {
    const { logger, metrics } = deps;
    const reject = async (reason: RejectionReason, message: string, event: unknown): Promise<LedgerResult> => {
      // Powertools reserves the key `message` (an extra key of that name is dropped).
      logger.warn('event rejected', { reason, detail: message });
      await deps.reject({ reason, message, event });
      emitWithDimension(metrics, METRIC.rejected, { name: 'reason', value: reason }, 1);
      return { kind: 'rejected', reason };
    };
    const envelope = (event ?? {}) as Record<string, unknown>;
    if (envelope.source !== WORKBENCH_EVENT_SOURCE || envelope['detail-type'] !== WORKBENCH_DETAIL_TYPE) {
      return await reject('malformed-event', 'not a workbench state change', event);
    }
    const parsed = parseWorkbenchEvent(envelope.detail, deps.userId);
    if (!parsed.ok) return await reject(parsed.reason, parsed.message, event);
    const detail = parsed.value;
    // EventBridge sets the envelope's account to the sender's: an account may only report its own instances.
    if (detail.account !== envelope.account) {
      return await reject('malformed-event', `detail.account ${detail.account} is not the sending account`, event);
    }
    const products = productsFor(deps.catalog, detail.workbenchType);
    if (products === undefined) {
      return await reject(
        'unknown-workbench-type',
        `workbench type ${detail.workbenchType} is not in the config`,
        event,
      );
    }
    const outcome = await applyEvent(deps.store, detail, products);
    if (outcome.kind === 'applied') {
      metrics.addMetric(METRIC.applied, MetricUnit.Count, 1);
      logger.info('applied', {
        instanceId: detail.instanceId,
        state: detail.state,
        sourceEventId: detail.sourceEventId,
        added: outcome.add.length,
        removed: outcome.remove.length,
      });
    } else {
      emitWithDimension(metrics, METRIC.stale, { name: 'reason', value: outcome.reason }, 1);
      logger.info('stale event ignored', {
        instanceId: detail.instanceId,
        state: detail.state,
        reason: outcome.reason,
      });
    }
    return outcome;
  });
}

export const handler = createLedgerHandler(() => {
  const env = process.env;
  const store = new DynamoDbLedger(DynamoDBDocumentClient.from(new DynamoDBClient({})), required(env, ENV.tableName));
  const rejected = new RejectedEventSink(new SQSClient({}), required(env, ENV.rejectedQueueUrl));
  return {
    store,
    reject: (r) => rejected.reject(r),
    catalog: catalogFrom(env),
    userId: userIdFrom(env),
    logger: createLogger(),
    metrics: createMetrics(),
  };
});
