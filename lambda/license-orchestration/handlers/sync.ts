// License server: single-flight sync, triggered through a FIFO queue (by change detection and by
// the safety-net schedule). Message bodies are only wake-up calls: every run looks at every product.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SSMClient } from '@aws-sdk/client-ssm';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Logger } from '@aws-lambda-powertools/logger';
import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context, SQSEvent } from 'aws-lambda';
import { createLogger, createMetrics, powertoolsHandler } from '../../shared/powertools';
import { METRIC } from '../core/metrics';
import {
  type Clock,
  type LicenseServer,
  runSync,
  type SyncReport,
  type SyncStore,
  type UserListStore,
} from '../core/sync';
import { DynamoDbLedger } from '../adapters/dynamodb-ledger';
import { S3UserLists } from '../adapters/s3-user-lists';
import { SsmLicenseServer } from '../adapters/ssm-license-server';
import { commandTimeoutSecondsFrom, ENV, positiveInt, productsFrom, required, userIdFrom } from '../adapters/settings';
import { emitWithDimension } from '../adapters/telemetry';

export interface SyncHandlerDeps {
  readonly store: SyncStore;
  readonly server: LicenseServer;
  readonly clock: Clock;
  readonly userLists?: UserListStore;
  readonly products: readonly { name: string; seats: number }[];
  readonly userId: RegExp;
  readonly commandTimeoutMs: number;
  readonly logger: Logger;
  readonly metrics: Metrics;
  /** Cycles per invocation. @default 20 */
  readonly maxCycles?: number;
}

/** Time kept in reserve at the end of an invocation for recording results and metrics. */
const RESERVE_MS = 10_000;

export function createSyncHandler(buildDeps: () => SyncHandlerDeps) {
  return powertoolsHandler(buildDeps, async (event: SQSEvent, deps, context?: Context): Promise<SyncReport> => {
    const { logger, metrics } = deps;
    const remaining = context?.getRemainingTimeInMillis?.() ?? 5 * 60_000;
    const report = await runSync(
      { store: deps.store, server: deps.server, clock: deps.clock, userLists: deps.userLists },
      {
        products: deps.products,
        userId: deps.userId,
        commandTimeoutMs: deps.commandTimeoutMs,
        deadlineMs: deps.clock.now() + remaining - RESERVE_MS,
        maxCycles: deps.maxCycles ?? 20,
      },
    );
    let failures = 0;
    for (const cycle of report.cycles) {
      for (const p of cycle.products) {
        if (p.action === 'synced') {
          emitWithDimension(metrics, METRIC.commandsSent, { name: 'product', value: p.product }, 1);
          emitWithDimension(
            metrics,
            METRIC.syncLatency,
            { name: 'product', value: p.product },
            p.latencyMs ?? 0,
            MetricUnit.Milliseconds,
          );
          logger.info('synced', {
            product: p.product,
            version: p.desiredVersion,
            users: p.users,
            commandId: p.commandId,
            usersObject: p.usersObject,
          });
          if (p.cleanupError) {
            logger.warn('handed-over user list not deleted; the bucket lifecycle rule expires it', {
              product: p.product,
              usersObject: p.usersObject,
              error: p.cleanupError,
            });
          }
        } else if (p.action === 'failed') {
          failures++;
          if (p.commandId) emitWithDimension(metrics, METRIC.commandsSent, { name: 'product', value: p.product }, 1);
          logger.error('sync failed', {
            product: p.product,
            version: p.desiredVersion,
            commandId: p.commandId,
            usersObject: p.usersObject,
            error: p.error,
          });
        }
        if (p.invalidUsers.length > 0) {
          metrics.addMetric(METRIC.invalidUsers, MetricUnit.Count, p.invalidUsers.length);
          logger.error('user IDs in the ledger fail the pattern and were left out', {
            product: p.product,
            users: p.invalidUsers,
          });
        }
      }
    }
    // Demand and seats from the last cycle: the state the invocation leaves behind.
    for (const p of report.cycles.at(-1)?.products ?? []) {
      emitWithDimension(metrics, METRIC.usersHolding, { name: 'product', value: p.product }, p.users);
      emitWithDimension(metrics, METRIC.seatsConfigured, { name: 'product', value: p.product }, p.seats);
      if (p.users > p.seats)
        logger.warn('demand exceeds seats', { product: p.product, users: p.users, seats: p.seats });
    }
    metrics.addMetric(METRIC.syncFailures, MetricUnit.Count, failures);
    logger.info('sync run ended', {
      triggers: event.Records?.length ?? 0,
      cycles: report.cycles.length,
      stopped: report.stopped,
    });
    // A failed product is not an error of this run: its applied version stays behind, so the next
    // trigger or the schedule retries it, and the SyncFailures alarm tells the operator.
    return report;
  });
}

export const handler = createSyncHandler(() => {
  const env = process.env;
  const ledger = new DynamoDbLedger(DynamoDBDocumentClient.from(new DynamoDBClient({})), required(env, ENV.tableName));
  const commandTimeoutMs = commandTimeoutSecondsFrom(env) * 1000;
  const server = new SsmLicenseServer(new SSMClient({}), {
    documentName: required(env, ENV.documentName),
    instanceId: required(env, ENV.licenseServerInstanceId),
    pollIntervalMs: positiveInt(env, ENV.pollIntervalMs, 1000),
  });
  const userLists = new S3UserLists(new S3Client({}), {
    bucket: required(env, ENV.userListsBucket),
    keyArn: required(env, ENV.userListsKeyArn),
  });
  return {
    store: ledger,
    server,
    clock: { now: Date.now },
    userLists,
    products: productsFrom(env),
    userId: userIdFrom(env),
    commandTimeoutMs,
    logger: createLogger(),
    metrics: createMetrics(),
  };
});
