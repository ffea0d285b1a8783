import { build } from 'esbuild';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { REPO_ROOT } from '../helpers/app';
import { mskIamToken } from '../../lambda/flink-alerting/adapters/kafka';
import {
  ensureTopics,
  type ExistingTopic,
  type KafkaAdmin,
  type KafkaMessage,
  parseTopicSpecs,
  publishMonitors,
  type TopicSpec,
} from '../../lambda/flink-alerting/core/kafka-admin';

class MemoryAdmin implements KafkaAdmin {
  readonly calls: string[] = [];
  constructor(readonly topics = new Map<string, ExistingTopic & { configs: Record<string, string> }>()) {}
  async describeTopics(names: readonly string[]) {
    return new Map([...this.topics].filter(([n]) => names.includes(n)));
  }
  async createTopics(topics: readonly TopicSpec[]) {
    for (const t of topics) {
      this.calls.push(`create ${t.name}`);
      this.topics.set(t.name, {
        partitions: t.partitions,
        replicationFactor: t.replicationFactor,
        configs: { ...t.configs },
      });
    }
  }
  async createPartitions(name: string, count: number) {
    this.calls.push(`grow ${name} ${count}`);
    const t = this.topics.get(name);
    if (t) this.topics.set(name, { ...t, partitions: count });
  }
  async setTopicConfigs(name: string, configs: Readonly<Record<string, string>>) {
    this.calls.push(`configure ${name}`);
    const t = this.topics.get(name);
    if (t) this.topics.set(name, { ...t, configs: { ...configs } });
  }
}

const spec = (name: string, partitions: number, replicationFactor = 3): TopicSpec => ({
  name,
  partitions,
  replicationFactor,
  configs: { 'cleanup.policy': 'delete' },
});

describe('Kafka admin core', () => {
  it('creates missing topics in one call and configures existing ones', async () => {
    const admin = new MemoryAdmin(new Map([['alerts', { partitions: 6, replicationFactor: 3, configs: {} }]]));
    const result = await ensureTopics([spec('telemetry', 12), spec('alerts', 6)], admin);
    expect(result).toEqual({ created: ['telemetry'], grown: [], unchanged: ['alerts'], warnings: [] });
    expect(admin.calls).toEqual(['create telemetry', 'configure alerts']);
    expect(admin.topics.get('alerts')?.configs).toEqual({ 'cleanup.policy': 'delete' });
  });

  it('grows partitions but never shrinks them or changes replication, saying so', async () => {
    const admin = new MemoryAdmin(
      new Map([
        ['telemetry', { partitions: 6, replicationFactor: 3, configs: {} }],
        ['alerts', { partitions: 6, replicationFactor: 2, configs: {} }],
      ]),
    );
    const result = await ensureTopics([spec('telemetry', 12), spec('alerts', 3)], admin);
    expect(result.grown).toEqual(['telemetry']);
    expect(admin.calls).toContain('grow telemetry 12');
    expect(result.warnings).toEqual([
      'alerts: has 6 partitions, config asks for 3; Kafka cannot remove partitions, kept 6',
      'alerts: replication factor is 2, config asks for 3; change it with a partition reassignment (kafka-reassign-partitions)',
    ]);
  });

  it('publishes every monitor keyed by id and tombstones removed ones once', async () => {
    const published: KafkaMessage[] = [];
    const producer = { publish: vi.fn(async (_t: string, m: readonly KafkaMessage[]) => void published.push(...m)) };
    const a = JSON.stringify({ id: 'a', severity: 'critical' });
    const b = JSON.stringify({ id: 'b' });
    const result = await publishMonitors('monitors', [a], [a, b, b], producer);
    expect(result).toEqual({ published: ['a'], deleted: ['b'] });
    expect(producer.publish).toHaveBeenCalledTimes(1);
    expect(published).toEqual([
      { key: 'a', value: a },
      { key: 'b', value: null },
    ]);
    await expect(publishMonitors('monitors', ['{"severity":"x"}'], [], producer)).rejects.toThrow(
      'monitors[0].id: expected a non-empty string',
    );
    const none = await publishMonitors('monitors', [], [], producer);
    expect(none).toEqual({ published: [], deleted: [] });
    expect(producer.publish).toHaveBeenCalledTimes(1);
  });

  it('reads topic specs as CloudFormation sends them (numbers as strings) and names bad fields', () => {
    expect(
      parseTopicSpecs([{ Name: 'alerts', Partitions: '6', ReplicationFactor: '3', Configs: { 'retention.ms': 1000 } }]),
    ).toEqual([{ name: 'alerts', partitions: 6, replicationFactor: 3, configs: { 'retention.ms': '1000' } }]);
    expect(() => parseTopicSpecs([{ Name: 'alerts', Partitions: '0', ReplicationFactor: '3' }])).toThrow(
      'Topics[0].Partitions: expected a positive integer, got "0"',
    );
    expect(() => parseTopicSpecs([])).toThrow('Topics: expected a non-empty array');
  });
});

describe('MSK IAM authentication token', () => {
  it('is a presigned kafka-cluster:Connect request signed with the role credentials', async () => {
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'AKIDEXAMPLE');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'secret');
    vi.stubEnv('AWS_SESSION_TOKEN', 'session');
    try {
      const token = await mskIamToken('eu-west-1');
      const url = new URL(Buffer.from(token, 'base64url').toString('utf8'));
      expect(url.host).toBe('kafka.eu-west-1.amazonaws.com');
      expect(url.searchParams.get('Action')).toBe('kafka-cluster:Connect');
      expect(url.searchParams.get('X-Amz-Credential')).toMatch(
        /^AKIDEXAMPLE\/\d{8}\/eu-west-1\/kafka-cluster\/aws4_request$/,
      );
      expect(url.searchParams.get('X-Amz-Signature')).toMatch(/^[0-9a-f]{64}$/);
    } finally {
      vi.unstubAllEnvs();
    }
  });
});

describe('Kafka admin bundle', () => {
  it('bundles every dependency (no AWS SDK from the runtime) and loads', async () => {
    const outfile = join(mkdtempSync(join(tmpdir(), 'kafka-admin-bundle-')), 'index.js');
    const result = await build({
      entryPoints: [join(REPO_ROOT, 'lambda/flink-alerting/handlers/kafka-admin.ts')],
      outfile,
      bundle: true,
      platform: 'node',
      target: 'node24',
      format: 'cjs',
      external: [],
      metafile: true,
      logLevel: 'silent',
    });
    const inputs = Object.keys(result.metafile.inputs);
    expect(inputs.some((i) => i.includes('node_modules/kafkajs/'))).toBe(true);
    expect(inputs.some((i) => i.includes('aws-msk-iam-sasl-signer-js'))).toBe(true);
    const { handler } = require(outfile) as { handler: (e: unknown) => Promise<unknown> };
    await expect(
      handler({
        RequestType: 'Delete',
        PhysicalResourceId: 'flink-alerting-topics',
        ResourceProperties: { Kind: 'Topics' },
      }),
    ).resolves.toEqual({ PhysicalResourceId: 'flink-alerting-topics' });
  });
});
