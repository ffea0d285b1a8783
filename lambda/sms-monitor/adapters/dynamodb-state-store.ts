import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  BatchWriteCommand,
  type BatchWriteCommandInput,
  DynamoDBDocumentClient,
  GetCommand,
  paginateQuery,
  PutCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { SendRecord, SendStatus, StateStore, StoredRegistration } from '../core/ports';

/** Write requests one BatchWriteItem call takes. */
export const BATCH_WRITE_LIMIT = 25;

/**
 * The monitor's DynamoDB table (partition key `pk`, sort key `sk`, TTL attribute `expiresAt`):
 * - `STATE` / `<region>#<id>`: each registration as the last report saw it;
 * - `META` / `state` and `META` / `report`: when the state was saved and the last report sent;
 * - `SEND` / `report#<key>` or `alert#<event id>`: idempotency records, kept for 90 days.
 */
export class DynamoDbStateStore implements StateStore {
  private readonly doc: DynamoDBDocumentClient;

  constructor(
    private readonly tableName: string,
    client: DynamoDBClient = new DynamoDBClient({}),
  ) {
    this.doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  }

  async loadRegistrations(): Promise<{ savedAt?: Date; registrations: StoredRegistration[] }> {
    const registrations: StoredRegistration[] = [];
    const pages = paginateQuery(
      { client: this.doc },
      {
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': 'STATE' },
        ConsistentRead: true,
      },
    );
    for await (const page of pages) {
      for (const item of page.Items ?? []) {
        registrations.push({
          key: String(item.sk),
          region: String(item.region),
          id: String(item.id),
          type: String(item.type),
          status: String(item.status),
          currentVersion: num(item.currentVersion),
          approvedVersion: num(item.approvedVersion),
          deniedVersion: num(item.deniedVersion),
          approvedAt: num(item.approvedAt),
        });
      }
    }
    const meta = await this.get('META', 'state');
    return { savedAt: meta?.savedAt ? new Date(Number(meta.savedAt)) : undefined, registrations };
  }

  async saveRegistrations(
    upserts: readonly StoredRegistration[],
    deletedKeys: readonly string[],
    at: Date,
  ): Promise<void> {
    type WriteRequest = NonNullable<BatchWriteCommandInput['RequestItems']>[string][number];
    const requests: WriteRequest[] = [
      ...upserts.map((r): WriteRequest => ({
        PutRequest: {
          Item: {
            pk: 'STATE',
            sk: r.key,
            region: r.region,
            id: r.id,
            type: r.type,
            status: r.status,
            currentVersion: r.currentVersion,
            approvedVersion: r.approvedVersion,
            deniedVersion: r.deniedVersion,
            approvedAt: r.approvedAt,
          },
        },
      })),
      ...deletedKeys.map((sk): WriteRequest => ({ DeleteRequest: { Key: { pk: 'STATE', sk } } })),
    ];
    for (let i = 0; i < requests.length; i += BATCH_WRITE_LIMIT) {
      await this.batchWrite(requests.slice(i, i + BATCH_WRITE_LIMIT));
    }
    await this.doc.send(
      new PutCommand({ TableName: this.tableName, Item: { pk: 'META', sk: 'state', savedAt: at.getTime() } }),
    );
  }

  /** BatchWriteItem may leave items unprocessed under load: retry those with backoff, then fail. */
  private async batchWrite(batch: NonNullable<BatchWriteCommandInput['RequestItems']>[string]): Promise<void> {
    let pending = batch;
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt === 8) {
        throw new Error(`DynamoDB left ${pending.length} state writes unprocessed after ${attempt} attempts`);
      }
      if (attempt > 0) await new Promise((r) => setTimeout(r, Math.min(2000, 50 * 2 ** attempt)));
      const out = await this.doc.send(new BatchWriteCommand({ RequestItems: { [this.tableName]: pending } }));
      pending = out.UnprocessedItems?.[this.tableName] ?? [];
    }
  }

  async getSend(key: string): Promise<SendRecord | undefined> {
    const item = await this.get('SEND', key);
    if (!item) return undefined;
    return {
      key,
      status: item.status as SendStatus,
      messageId: item.messageId as string | undefined,
      stateSaved: item.stateSaved === true,
      updatedAt: new Date(Number(item.updatedAt)),
    };
  }

  async claimSend(key: string, at: Date): Promise<boolean> {
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { pk: 'SEND', sk: key, status: 'SENDING', updatedAt: at.getTime(), expiresAt: expiry(at) },
          ConditionExpression: 'attribute_not_exists(pk) OR #s IN (:failed, :skipped)',
          ExpressionAttributeNames: { '#s': 'status' },
          ExpressionAttributeValues: { ':failed': 'FAILED', ':skipped': 'SKIPPED' },
        }),
      );
      return true;
    } catch (e) {
      if (e instanceof ConditionalCheckFailedException) return false;
      throw e;
    }
  }

  async completeSend(key: string, messageId: string, at: Date): Promise<void> {
    await this.setSendStatus(key, 'SENT', at, { messageId });
  }

  async releaseSend(key: string, reason: string, at: Date): Promise<void> {
    await this.setSendStatus(key, 'FAILED', at, { reason: reason.slice(0, 1000) });
  }

  async skipSend(key: string, at: Date): Promise<void> {
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { pk: 'SEND', sk: key, status: 'SKIPPED', updatedAt: at.getTime(), expiresAt: expiry(at) },
          ConditionExpression: 'attribute_not_exists(pk) OR #s IN (:failed, :skipped)',
          ExpressionAttributeNames: { '#s': 'status' },
          ExpressionAttributeValues: { ':failed': 'FAILED', ':skipped': 'SKIPPED' },
        }),
      );
    } catch (e) {
      // Another attempt claimed or sent it meanwhile: its record wins.
      if (!(e instanceof ConditionalCheckFailedException)) throw e;
    }
  }

  async markStateSaved(key: string): Promise<void> {
    await this.doc.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { pk: 'SEND', sk: key },
        UpdateExpression: 'SET stateSaved = :t',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':t': true },
      }),
    );
  }

  async lastReportSentAt(): Promise<Date | undefined> {
    const item = await this.get('META', 'report');
    return item?.lastSentAt ? new Date(Number(item.lastSentAt)) : undefined;
  }

  async recordReportSent(at: Date): Promise<void> {
    await this.doc.send(
      new PutCommand({ TableName: this.tableName, Item: { pk: 'META', sk: 'report', lastSentAt: at.getTime() } }),
    );
  }

  private async setSendStatus(key: string, status: SendStatus, at: Date, extra: Record<string, string>): Promise<void> {
    const names: Record<string, string> = { '#s': 'status' };
    const values: Record<string, unknown> = { ':s': status, ':at': at.getTime(), ':sending': 'SENDING' };
    const sets = ['#s = :s', 'updatedAt = :at'];
    for (const [k, v] of Object.entries(extra)) {
      names[`#${k}`] = k;
      values[`:${k}`] = v;
      sets.push(`#${k} = :${k}`);
    }
    await this.doc.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { pk: 'SEND', sk: key },
        UpdateExpression: `SET ${sets.join(', ')}`,
        // Only the attempt that claimed the send may settle it.
        ConditionExpression: '#s = :sending',
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      }),
    );
  }

  private async get(pk: string, sk: string): Promise<Record<string, unknown> | undefined> {
    const out = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: { pk, sk }, ConsistentRead: true }),
    );
    return out.Item;
  }
}

function num(v: unknown): number | undefined {
  return v === undefined || v === null ? undefined : Number(v);
}

/** Idempotency records live 90 days (TTL, epoch seconds): longer than any retry. */
function expiry(at: Date): number {
  return Math.floor(at.getTime() / 1000) + 90 * 86_400;
}
