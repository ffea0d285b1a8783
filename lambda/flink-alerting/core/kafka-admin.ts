// Deploy-time Kafka administration, as custom resources: make the topics exist with the
// configured partitions and settings, and publish the configured monitors to the monitor topic.
// Pure over the KafkaAdmin and RecordProducer ports.

export interface TopicSpec {
  readonly name: string;
  readonly partitions: number;
  readonly replicationFactor: number;
  /** Topic-level settings (cleanup.policy, retention.ms, ...), all as strings. */
  readonly configs: Readonly<Record<string, string>>;
}

export interface ExistingTopic {
  readonly partitions: number;
  readonly replicationFactor: number;
}

export interface KafkaAdmin {
  /** Existing topics among `names` (absent names do not exist). */
  describeTopics(names: readonly string[]): Promise<Map<string, ExistingTopic>>;
  createTopics(topics: readonly TopicSpec[]): Promise<void>;
  createPartitions(name: string, totalCount: number): Promise<void>;
  /** Sets the topic's dynamic settings to exactly `configs`. */
  setTopicConfigs(name: string, configs: Readonly<Record<string, string>>): Promise<void>;
}

export interface KafkaMessage {
  readonly key: string;
  /** null publishes a tombstone, which a compacted topic keeps until it deletes the key. */
  readonly value: string | null;
}

export interface RecordProducer {
  /** Publishes in order and waits for every in-sync replica (acks=all). */
  publish(topic: string, messages: readonly KafkaMessage[]): Promise<void>;
}

export interface TopicsResult {
  readonly created: string[];
  readonly grown: string[];
  readonly unchanged: string[];
  /** What could not be applied (Kafka cannot shrink partitions or change the replication factor). */
  readonly warnings: string[];
}

export async function ensureTopics(desired: readonly TopicSpec[], admin: KafkaAdmin): Promise<TopicsResult> {
  const existing = await admin.describeTopics(desired.map((t) => t.name));
  const missing = desired.filter((t) => !existing.has(t.name));
  if (missing.length > 0) await admin.createTopics(missing);
  const result: TopicsResult = { created: missing.map((t) => t.name), grown: [], unchanged: [], warnings: [] };
  for (const topic of desired) {
    const current = existing.get(topic.name);
    if (!current) continue;
    if (topic.partitions > current.partitions) {
      await admin.createPartitions(topic.name, topic.partitions);
      result.grown.push(topic.name);
    } else {
      if (topic.partitions < current.partitions) {
        result.warnings.push(
          `${topic.name}: has ${current.partitions} partitions, config asks for ${topic.partitions}; Kafka cannot remove partitions, kept ${current.partitions}`,
        );
      }
      result.unchanged.push(topic.name);
    }
    if (topic.replicationFactor !== current.replicationFactor) {
      result.warnings.push(
        `${topic.name}: replication factor is ${current.replicationFactor}, config asks for ${topic.replicationFactor}; change it with a partition reassignment (kafka-reassign-partitions)`,
      );
    }
    await admin.setTopicConfigs(topic.name, topic.configs);
  }
  return result;
}

/**
 * Publishes every configured monitor (keyed by id, so the compacted topic keeps the latest) and a
 * tombstone for each monitor that the previous deploy had and this one does not.
 */
export async function publishMonitors(
  topic: string,
  monitors: readonly string[],
  previousMonitors: readonly string[],
  producer: RecordProducer,
): Promise<{ published: string[]; deleted: string[] }> {
  const current = monitors.map((m, i) => ({ id: monitorId(m, `monitors[${i}]`), json: m }));
  const ids = new Set(current.map((m) => m.id));
  const deleted = previousMonitors.map((m, i) => monitorId(m, `previous monitors[${i}]`)).filter((id) => !ids.has(id));
  const messages: KafkaMessage[] = [
    ...current.map((m) => ({ key: m.id, value: m.json })),
    ...[...new Set(deleted)].map((id) => ({ key: id, value: null })),
  ];
  if (messages.length > 0) await producer.publish(topic, messages);
  return { published: current.map((m) => m.id), deleted: [...new Set(deleted)] };
}

function monitorId(json: string, path: string): string {
  let data: unknown;
  try {
    data = JSON.parse(json);
  } catch (e) {
    throw new Error(`${path}: not valid JSON: ${(e as Error).message}`);
  }
  const id = (data as { id?: unknown } | null)?.id;
  if (typeof id !== 'string' || id.length === 0) throw new Error(`${path}.id: expected a non-empty string`);
  return id;
}

/**
 * Custom resource properties arrive as CloudFormation gives them: numbers as strings. This turns
 * the Topics property back into specs and names the bad field.
 */
export function parseTopicSpecs(raw: unknown): TopicSpec[] {
  if (!Array.isArray(raw) || raw.length === 0) throw new Error('Topics: expected a non-empty array');
  return raw.map((t, i) => {
    const o = (t ?? {}) as Record<string, unknown>;
    const name = o.Name;
    if (typeof name !== 'string' || !/^[A-Za-z0-9._-]{1,249}$/.test(name)) {
      throw new Error(`Topics[${i}].Name: expected a Kafka topic name, got ${JSON.stringify(name)}`);
    }
    const int = (field: string): number => {
      const n = Number(o[field]);
      if (!Number.isInteger(n) || n < 1) {
        throw new Error(`Topics[${i}].${field}: expected a positive integer, got ${JSON.stringify(o[field])}`);
      }
      return n;
    };
    const configs: Record<string, string> = {};
    for (const [k, v] of Object.entries((o.Configs ?? {}) as Record<string, unknown>)) configs[k] = String(v);
    return { name, partitions: int('Partitions'), replicationFactor: int('ReplicationFactor'), configs };
  });
}

/** Monitors travel as one JSON string (an array of monitor objects) so CloudFormation keeps their types. */
export function parseJsonArray(raw: unknown, field: string): string[] {
  if (raw === undefined || raw === '') return [];
  let data: unknown;
  try {
    data = JSON.parse(String(raw));
  } catch (e) {
    throw new Error(`${field}: not valid JSON: ${(e as Error).message}`);
  }
  if (!Array.isArray(data)) throw new Error(`${field}: expected a JSON array`);
  return data.map((m) => JSON.stringify(m));
}
