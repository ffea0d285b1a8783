import { MetricUnit, type Metrics } from '@aws-lambda-powertools/metrics';
import type { MSKEvent } from 'aws-lambda';
import { createLogger, createMetrics, type Powertools, powertoolsHandler } from '../../shared/powertools';
import {
  CachedSecretSource,
  DynamoAlertHistory,
  FetchWebhookPoster,
  SesEmailSender,
  SqsDeadLetterSink,
  systemClock,
} from '../adapters/notifier';
import { logBatch } from '../adapters/notifier-log';
import { type Channel, emailChannel, type NotifierDeps, processBatch, webhookChannel } from '../core/notifier';
import type { AlertRecord } from '../core/notifier-ports';
import { parseNotifierSettings } from '../core/notifier-settings';

// Invoked by the MSK event source mapping on the alerts topic. Everything is built once per
// cold start; a bad setting fails the first invocation with a message naming the field.

export interface NotifierHandlerDeps extends NotifierDeps, Powertools {
  readonly metrics: Metrics;
}

/** Flattens the event (records are grouped by topic-partition) and decodes values. */
export function recordsOf(event: MSKEvent): AlertRecord[] {
  return Object.values(event.records ?? {})
    .flat()
    .map((r) => ({
      topic: r.topic,
      partition: r.partition,
      offset: r.offset,
      value: r.value === undefined || r.value === null ? null : Buffer.from(r.value, 'base64').toString('utf8'),
    }));
}

export function createNotifierHandler(buildDeps: () => NotifierHandlerDeps) {
  return powertoolsHandler(buildDeps, async (event: MSKEvent, { logger, metrics, ...deps }): Promise<void> => {
    const records = recordsOf(event);
    try {
      const summary = await processBatch(records, deps);
      logBatch(logger, summary);
      metrics.addMetric('AlertsReceived', MetricUnit.Count, summary.records - summary.tombstones);
      metrics.addMetric('AlertsNotified', MetricUnit.Count, summary.notified);
      metrics.addMetric('AlertsDuplicate', MetricUnit.Count, summary.duplicates);
      metrics.addMetric('AlertsMalformed', MetricUnit.Count, summary.malformed);
      metrics.addMetric('DeliveriesFailed', MetricUnit.Count, summary.channels.filter((c) => !c.ok).length);
    } catch (e) {
      // History table or dead-letter queue unavailable: fail the batch so the event source retries it.
      logger.error('batch failed; the event source will retry it', { error: e as Error, records: records.length });
      throw e;
    }
  });
}

function awsDeps(): NotifierHandlerDeps {
  const settings = parseNotifierSettings(process.env.NOTIFIER_SETTINGS);
  const tableName = required('HISTORY_TABLE_NAME');
  const queueUrl = required('DEAD_LETTER_QUEUE_URL');
  const secrets = new CachedSecretSource();
  const poster = new FetchWebhookPoster(settings.webhookTimeoutMs);
  const channels: Channel[] = [];
  if (settings.email) channels.push(emailChannel(settings.email, new SesEmailSender(settings.email)));
  for (const webhook of settings.webhooks) {
    channels.push(webhookChannel(webhook, { poster, secrets, clock: systemClock }));
  }
  return {
    channels,
    history: new DynamoAlertHistory(tableName, settings.historyTtlDays),
    deadLetters: new SqsDeadLetterSink(queueUrl),
    clock: systemClock,
    retry: settings.retry,
    logger: createLogger(),
    metrics: createMetrics(),
  };
}

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`environment variable ${name} is not set`);
  return value;
}

export const handler = createNotifierHandler(awsDeps);
