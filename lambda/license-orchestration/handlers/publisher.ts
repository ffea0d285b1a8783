// Workbench account: EC2 state change -> contract event on the central license bus.
import { EC2Client } from '@aws-sdk/client-ec2';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { Logger } from '@aws-lambda-powertools/logger';
import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { createLogger, createMetrics, powertoolsHandler } from '../../shared/powertools';
import type { WorkbenchStateChangeV1 } from '../core/contract';
import { METRIC } from '../core/metrics';
import { parseEc2Event, type PublisherSettings, toWorkbenchEvent } from '../core/publisher';
import { instanceTags } from '../adapters/ec2';
import { busRegion, RejectedEventSink, WorkbenchEventPublisher } from '../adapters/messaging';
import { ENV, required, tagsFrom, userIdFrom } from '../adapters/settings';
import { emitWithDimension } from '../adapters/telemetry';

export interface PublisherDeps {
  readonly tagsOf: (instanceId: string) => Promise<Record<string, string> | undefined>;
  readonly publish: (detail: WorkbenchStateChangeV1) => Promise<void>;
  readonly reject: RejectedEventSink['reject'];
  readonly settings: PublisherSettings;
  readonly logger: Logger;
  readonly metrics: Metrics;
}

export type PublisherResult = 'published' | 'ignored' | 'rejected';

export function createPublisherHandler(buildDeps: () => PublisherDeps) {
  return powertoolsHandler(buildDeps, async (event: unknown, deps): Promise<PublisherResult> => {
    const { logger, metrics } = deps;
    const reject = async (
      reason: Parameters<RejectedEventSink['reject']>[0]['reason'],
      message: string,
      event: unknown,
    ) => {
      // Powertools reserves the key `message` (an extra key of that name is dropped).
      logger.warn('event rejected', { reason, detail: message });
      await deps.reject({ reason, message, event });
      emitWithDimension(metrics, METRIC.rejected, { name: 'reason', value: reason }, 1);
      return 'rejected' as const;
    };
    const parsed = parseEc2Event(event);
    if (!parsed.ok) return await reject(parsed.reason, parsed.message, event);
    const change = parsed.value;
    const tags = await deps.tagsOf(change.instanceId);
    const result = toWorkbenchEvent(change, tags, deps.settings);
    switch (result.kind) {
      case 'publish':
        await deps.publish(result.detail);
        metrics.addMetric(METRIC.published, MetricUnit.Count, 1);
        logger.info('published', { instanceId: change.instanceId, state: change.state, sourceEventId: change.id });
        return 'published';
      case 'ignore':
        metrics.addMetric(METRIC.ignored, MetricUnit.Count, 1);
        logger.debug('not a workbench', { instanceId: change.instanceId });
        return 'ignored';
      case 'reject':
        if (result.reason === 'instance-not-found') {
          // EC2 is eventually consistent right after launch: let Lambda retry; after the retries
          // the event lands in the function's failure queue.
          throw new Error(result.message);
        }
        return await reject(result.reason, result.message, event);
    }
  });
}

export const handler = createPublisherHandler(() => {
  const env = process.env;
  const busArn = required(env, ENV.busArn);
  const ec2 = new EC2Client({});
  const bus = new WorkbenchEventPublisher(new EventBridgeClient({ region: busRegion(busArn) }), busArn);
  const rejected = new RejectedEventSink(new SQSClient({}), required(env, ENV.rejectedQueueUrl));
  const partition = env[ENV.partition] ?? 'aws';
  return {
    tagsOf: (id) => instanceTags(ec2, id),
    publish: (detail) => bus.publish(detail, partition),
    reject: (r) => rejected.reject(r),
    settings: { ...tagsFrom(env), userId: userIdFrom(env) },
    logger: createLogger(),
    metrics: createMetrics(),
  };
});
