import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { createLogger, type Powertools, powertoolsHandler } from '../../shared/powertools';
import { kafkaClient, type KafkaSecurity, withAdmin, withProducer } from '../adapters/kafka';
import { ensureTopics, parseJsonArray, parseTopicSpecs, publishMonitors } from '../core/kafka-admin';

// onEvent handler of the Kafka admin custom resource provider (runs in the VPC next to MSK).
// Kind=Topics: create or grow the topics and set their configs. Kind=Monitors: publish the
// monitors to the monitor topic. Deleting either does nothing: topics hold data, and a
// replacement's delete runs after the new resource was created, so tombstones there would erase
// the monitors just published.

interface Response {
  PhysicalResourceId: string;
  Data?: Record<string, string>;
}

export interface KafkaAdminDeps extends Powertools {
  readonly security: KafkaSecurity;
  /** Region for signing the IAM token. */
  readonly region?: string;
}

export function createKafkaAdminHandler(buildDeps: () => KafkaAdminDeps) {
  return powertoolsHandler(
    buildDeps,
    async (event: CloudFormationCustomResourceEvent, { logger, security, region }): Promise<Response> => {
      const props = event.ResourceProperties as Record<string, unknown>;
      const kind = String(props.Kind);
      const physicalId = `flink-alerting-${kind.toLowerCase()}`;
      if (event.RequestType === 'Delete') {
        logger.info('delete: nothing to do (topics and monitors are kept)', { kind });
        return { PhysicalResourceId: event.PhysicalResourceId };
      }
      const kafka = kafkaClient({
        brokers: String(props.BootstrapBrokers ?? '')
          .split(',')
          .map((b) => b.trim())
          .filter(Boolean),
        security,
        region,
        log: (level, message, extra) => logger[level](`kafkajs: ${message}`, extra),
      });

      if (kind === 'Topics') {
        const specs = parseTopicSpecs(props.Topics);
        const result = await withAdmin(kafka, (admin) => ensureTopics(specs, admin));
        logger.info('topics ensured', { ...result });
        for (const w of result.warnings) logger.warn(w);
        return {
          PhysicalResourceId: physicalId,
          Data: { Created: result.created.join(','), Warnings: result.warnings.join(' | ') },
        };
      }
      if (kind === 'Monitors') {
        const topic = String(props.MonitorTopic ?? '');
        if (!topic) throw new Error('MonitorTopic: required');
        const monitors = parseJsonArray(props.Monitors, 'Monitors');
        const previous =
          event.RequestType === 'Update'
            ? parseJsonArray((event.OldResourceProperties as Record<string, unknown>).Monitors, 'old Monitors')
            : [];
        const result = await withProducer(kafka, (producer) => publishMonitors(topic, monitors, previous, producer));
        logger.info('monitors published', { topic, ...result });
        return {
          PhysicalResourceId: physicalId,
          Data: { Published: result.published.join(','), Deleted: result.deleted.join(',') },
        };
      }
      throw new Error(`Kind: expected "Topics" or "Monitors", got ${JSON.stringify(props.Kind)}`);
    },
  );
}

export const handler = createKafkaAdminHandler(() => ({
  logger: createLogger(),
  security: (process.env.KAFKA_SECURITY as KafkaSecurity | undefined) ?? 'iam',
  region: process.env.AWS_REGION,
}));
