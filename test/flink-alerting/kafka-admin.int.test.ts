// The Kafka admin custom resource handler against a real Kafka broker (KRaft, in its own JVM):
// topics are created, grown and configured, and monitors published with tombstones for removed
// ones, exactly as at deploy time (minus TLS and IAM, which only MSK provides).
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { ConfigResourceTypes, Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { KafkaBroker } from './kafka-broker';

const broker = new KafkaBroker();
type Handler = (
  event: CloudFormationCustomResourceEvent,
) => Promise<{ PhysicalResourceId: string; Data?: Record<string, string> }>;
let handler: Handler;
let kafka: Kafka;

const monitor = (id: string, value: number) => ({
  id,
  source: 'vdi',
  metric: 'networkLatencyMs',
  aggregation: 'avg',
  groupBy: ['desktopPool'],
  window: { size: 'PT30S', slide: 'PT30S' },
  condition: { type: 'threshold', operator: '>', value },
  for: 'PT5M',
  severity: 'critical',
  enabled: true,
});

function event(
  requestType: 'Create' | 'Update' | 'Delete',
  props: Record<string, unknown>,
  oldProps: Record<string, unknown> = {},
): CloudFormationCustomResourceEvent {
  return {
    RequestType: requestType,
    ServiceToken: 'arn:aws:lambda:eu-west-1:111111111111:function:provider',
    ResponseURL: 'https://example.com',
    StackId: 'arn:aws:cloudformation:eu-west-1:111111111111:stack/s/1',
    RequestId: 'r1',
    LogicalResourceId: 'Topics',
    ResourceType: 'Custom::KafkaTopics',
    PhysicalResourceId: 'flink-alerting-topics',
    // CloudFormation hands numbers over as strings.
    ResourceProperties: { ServiceToken: 'x', BootstrapBrokers: broker.bootstrap, ...props },
    OldResourceProperties: { ServiceToken: 'x', BootstrapBrokers: broker.bootstrap, ...oldProps },
  } as CloudFormationCustomResourceEvent;
}

const topics = (alertsPartitions: string, retentionMs: string) => ({
  Kind: 'Topics',
  Topics: [
    { Name: 'monitors', Partitions: '1', ReplicationFactor: '1', Configs: { 'cleanup.policy': 'compact' } },
    {
      Name: 'alerts',
      Partitions: alertsPartitions,
      ReplicationFactor: '1',
      Configs: { 'cleanup.policy': 'delete', 'retention.ms': retentionMs },
    },
  ],
});

async function topicConfig(name: string, key: string): Promise<string | undefined> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const d = await admin.describeConfigs({
      includeSynonyms: false,
      resources: [{ type: ConfigResourceTypes.TOPIC, name }],
    });
    return d.resources[0].configEntries.find((c) => c.configName === key)?.configValue;
  } finally {
    await admin.disconnect();
  }
}

async function partitions(name: string): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    return (await admin.fetchTopicOffsets(name)).length;
  } finally {
    await admin.disconnect();
  }
}

/** Every record of the monitor topic, in order, as [key, value or null]. */
async function monitorRecords(expected: number): Promise<Array<[string, string | null]>> {
  const consumer = kafka.consumer({ groupId: `reader-${Date.now()}` });
  const out: Array<[string, string | null]> = [];
  await consumer.connect();
  await consumer.subscribe({ topic: 'monitors', fromBeginning: true });
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, 30_000);
    void consumer.run({
      eachMessage: async ({ message }) => {
        out.push([message.key?.toString() ?? '', message.value ? message.value.toString() : null]);
        if (out.length >= expected) {
          clearTimeout(timer);
          resolve();
        }
      },
    });
  });
  await consumer.disconnect();
  return out;
}

describe('Kafka admin custom resource against a real broker', () => {
  beforeAll(async () => {
    await broker.start();
    vi.stubEnv('KAFKA_SECURITY', 'plaintext');
    vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'ERROR');
    handler = ((await import('../../lambda/flink-alerting/handlers/kafka-admin')) as { handler: Handler }).handler;
    kafka = new Kafka({ brokers: [broker.bootstrap], logLevel: logLevel.NOTHING });
  }, 180_000);

  afterAll(async () => {
    vi.unstubAllEnvs();
    await broker.stop();
  });

  it('creates the topics with their partitions and settings', async () => {
    const result = await handler(event('Create', topics('2', '604800000')));
    expect(result).toEqual({
      PhysicalResourceId: 'flink-alerting-topics',
      Data: { Created: 'monitors,alerts', Warnings: '' },
    });
    expect(await partitions('alerts')).toBe(2);
    expect(await topicConfig('monitors', 'cleanup.policy')).toBe('compact');
    expect(await topicConfig('alerts', 'retention.ms')).toBe('604800000');
  });

  it('grows partitions and changes settings on update, and warns instead of shrinking', async () => {
    const grown = await handler(event('Update', topics('4', '86400000'), topics('2', '604800000')));
    expect(grown.Data).toEqual({ Created: '', Warnings: '' });
    expect(await partitions('alerts')).toBe(4);
    expect(await topicConfig('alerts', 'retention.ms')).toBe('86400000');
    const shrink = await handler(event('Update', topics('3', '86400000'), topics('4', '86400000')));
    expect(shrink.Data?.Warnings).toBe(
      'alerts: has 4 partitions, config asks for 3; Kafka cannot remove partitions, kept 4',
    );
    expect(await partitions('alerts')).toBe(4);
  });

  it('publishes monitors keyed by id, and tombstones the ones a later deploy removes', async () => {
    const first = [monitor('latency-high', 300), monitor('latency-low', 10)];
    const created = await handler(
      event('Create', { Kind: 'Monitors', MonitorTopic: 'monitors', Monitors: JSON.stringify(first) }),
    );
    expect(created).toEqual({
      PhysicalResourceId: 'flink-alerting-monitors',
      Data: { Published: 'latency-high,latency-low', Deleted: '' },
    });
    const second = [monitor('latency-high', 250)];
    const updated = await handler(
      event(
        'Update',
        { Kind: 'Monitors', MonitorTopic: 'monitors', Monitors: JSON.stringify(second) },
        { Kind: 'Monitors', MonitorTopic: 'monitors', Monitors: JSON.stringify(first) },
      ),
    );
    expect(updated.Data).toEqual({ Published: 'latency-high', Deleted: 'latency-low' });
    const records = await monitorRecords(4);
    expect(records.map(([k, v]) => [k, v === null ? null : JSON.parse(v).condition.value])).toEqual([
      ['latency-high', 300],
      ['latency-low', 10],
      ['latency-high', 250],
      ['latency-low', null],
    ]);
    // The published JSON is the monitor contract, byte for byte what the config produced.
    expect(records[2][1]).toBe(JSON.stringify(second[0]));
  });

  it('keeps topics and monitors on delete and names bad properties', async () => {
    await expect(handler(event('Delete', topics('4', '86400000')))).resolves.toEqual({
      PhysicalResourceId: 'flink-alerting-topics',
    });
    expect(await partitions('alerts')).toBe(4);
    await expect(
      handler(
        event('Create', { Kind: 'Topics', Topics: [{ Name: 'bad topic', Partitions: '1', ReplicationFactor: '1' }] }),
      ),
    ).rejects.toThrow('Topics[0].Name: expected a Kafka topic name, got "bad topic"');
    await expect(handler(event('Create', { Kind: 'Acls' }))).rejects.toThrow(
      'Kind: expected "Topics" or "Monitors", got "Acls"',
    );
  });

  it('fails clearly when the brokers cannot be reached', async () => {
    const dead = { ...topics('1', '1000'), BootstrapBrokers: '127.0.0.1:1' };
    // kafkajs logs each retry as an error; the test only needs the final failure.
    const quiet = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      await expect(handler(event('Create', dead))).rejects.toThrow(/ECONNREFUSED|Connection error/);
    } finally {
      quiet.mockRestore();
    }
  }, 120_000);
});
