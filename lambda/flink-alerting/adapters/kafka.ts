import { generateAuthToken } from 'aws-msk-iam-sasl-signer-js';
import {
  type Admin,
  ConfigResourceTypes,
  Kafka,
  type KafkaConfig,
  logLevel,
  Partitioners,
  type Producer,
} from 'kafkajs';
import type { ExistingTopic, KafkaAdmin, KafkaMessage, RecordProducer, TopicSpec } from '../core/kafka-admin';

// kafkajs over TLS with MSK IAM authentication (SASL/OAUTHBEARER, token signed locally by AWS's
// aws-msk-iam-sasl-signer-js from the function's role credentials, so no network call to STS and
// no NAT are needed inside the VPC). Tests use a plaintext local broker.

export type KafkaSecurity = 'iam' | 'plaintext';

export interface KafkaConnection {
  readonly brokers: readonly string[];
  readonly security: KafkaSecurity;
  /** Region for signing the IAM token. */
  readonly region?: string;
  readonly clientId?: string;
  readonly log?: (level: 'error' | 'warn', message: string, extra: Record<string, unknown>) => void;
}

export function kafkaClient(connection: KafkaConnection): Kafka {
  if (connection.brokers.length === 0) throw new Error('no Kafka bootstrap brokers given');
  const config: KafkaConfig = {
    clientId: connection.clientId ?? 'flink-alerting-admin',
    brokers: [...connection.brokers],
    connectionTimeout: 10_000,
    requestTimeout: 30_000,
    retry: { retries: 5, initialRetryTime: 300 },
    logLevel: logLevel.WARN,
    logCreator:
      () =>
      ({ level, log }) => {
        const { message, ...extra } = log;
        connection.log?.(level === logLevel.ERROR ? 'error' : 'warn', String(message), extra);
      },
  };
  if (connection.security === 'iam') {
    const region = connection.region;
    if (!region) throw new Error('MSK IAM authentication needs a Region to sign with');
    config.ssl = true;
    config.sasl = { mechanism: 'oauthbearer', oauthBearerProvider: async () => ({ value: await mskIamToken(region) }) };
  }
  return new Kafka(config);
}

/**
 * An MSK IAM token: a SigV4-presigned `kafka-cluster:Connect` request, base64url encoded, signed
 * with the default credential chain (the function's role).
 */
export async function mskIamToken(region: string): Promise<string> {
  return (await generateAuthToken({ region })).token;
}

export class KafkaJsAdmin implements KafkaAdmin {
  constructor(private readonly admin: Admin) {}

  async describeTopics(names: readonly string[]): Promise<Map<string, ExistingTopic>> {
    const all = new Set(await this.admin.listTopics());
    const present = names.filter((n) => all.has(n));
    const out = new Map<string, ExistingTopic>();
    if (present.length === 0) return out;
    const { topics } = await this.admin.fetchTopicMetadata({ topics: present });
    for (const t of topics) {
      out.set(t.name, {
        partitions: t.partitions.length,
        replicationFactor: Math.max(0, ...t.partitions.map((p) => p.replicas.length)),
      });
    }
    return out;
  }

  async createTopics(topics: readonly TopicSpec[]): Promise<void> {
    await this.admin.createTopics({
      waitForLeaders: true,
      topics: topics.map((t) => ({
        topic: t.name,
        numPartitions: t.partitions,
        replicationFactor: t.replicationFactor,
        configEntries: Object.entries(t.configs).map(([name, value]) => ({ name, value })),
      })),
    });
  }

  async createPartitions(name: string, totalCount: number): Promise<void> {
    await this.admin.createPartitions({ topicPartitions: [{ topic: name, count: totalCount }] });
  }

  async setTopicConfigs(name: string, configs: Readonly<Record<string, string>>): Promise<void> {
    await this.admin.alterConfigs({
      validateOnly: false,
      resources: [
        {
          type: ConfigResourceTypes.TOPIC,
          name,
          configEntries: Object.entries(configs).map(([n, value]) => ({ name: n, value })),
        },
      ],
    });
  }
}

export class KafkaJsProducer implements RecordProducer {
  constructor(private readonly producer: Producer) {}

  async publish(topic: string, messages: readonly KafkaMessage[]): Promise<void> {
    await this.producer.send({
      topic,
      acks: -1,
      messages: messages.map((m) => ({ key: m.key, value: m.value })),
    });
  }
}

/** Connects an admin client, runs `fn`, and always disconnects. */
export async function withAdmin<T>(kafka: Kafka, fn: (admin: KafkaAdmin) => Promise<T>): Promise<T> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    return await fn(new KafkaJsAdmin(admin));
  } finally {
    await admin.disconnect();
  }
}

/** Connects a producer (no automatic topic creation), runs `fn`, and always disconnects. */
export async function withProducer<T>(kafka: Kafka, fn: (producer: RecordProducer) => Promise<T>): Promise<T> {
  // The Java-compatible (murmur2) partitioner: a key lands where a Java producer would put it.
  const producer = kafka.producer({
    allowAutoTopicCreation: false,
    idempotent: false,
    maxInFlightRequests: 1,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  await producer.connect();
  try {
    return await fn(new KafkaJsProducer(producer));
  } finally {
    await producer.disconnect();
  }
}
