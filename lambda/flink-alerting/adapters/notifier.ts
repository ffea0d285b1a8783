import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SendEmailCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Alert } from '../core/alert-contract';
import type {
  AlertHistory,
  Clock,
  DeadLetterEntry,
  DeadLetterSink,
  DeliveryOutcome,
  EmailMessage,
  EmailSender,
  SecretSource,
  WebhookPoster,
  WebhookRequest,
  WebhookResponse,
} from '../core/notifier-ports';

// Thin adapters over AWS and HTTP. Clients take no endpoint: the SDK's standard settings
// (AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_<SERVICE>) point them at moto or a local peer in tests.

/** History items: key alertId (hash) + windowEnd (range), TTL attribute expiresAt. */
export class DynamoAlertHistory implements AlertHistory {
  private readonly doc: DynamoDBDocumentClient;

  constructor(
    private readonly tableName: string,
    private readonly ttlDays: number,
    client: DynamoDBClient = new DynamoDBClient({}),
  ) {
    this.doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  }

  async claim(alert: Alert, now: Date): Promise<{ deliveredChannels: readonly string[] }> {
    // Fields of the alert are set on every claim (they are identical for one key); the first
    // sighting and the delivery state are kept from an earlier claim.
    const result = await this.doc.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { alertId: alert.alertId, windowEnd: alert.windowEnd },
        UpdateExpression:
          'SET monitorId = :monitorId, #status = :status, #group = :group, #value = :value, ' +
          'threshold = :threshold, windowStart = :windowStart, severity = :severity, ' +
          'firstSeenAt = if_not_exists(firstSeenAt, :now), expiresAt = if_not_exists(expiresAt, :expiresAt), ' +
          'delivery = if_not_exists(delivery, :pending)',
        ExpressionAttributeNames: { '#status': 'status', '#group': 'group', '#value': 'value' },
        ExpressionAttributeValues: {
          ':monitorId': alert.monitorId,
          ':status': alert.status,
          ':group': alert.group,
          ':value': alert.value,
          ':threshold': alert.threshold,
          ':windowStart': alert.windowStart,
          ':severity': alert.severity,
          ':now': now.toISOString(),
          ':expiresAt': Math.floor(now.getTime() / 1000) + this.ttlDays * 86_400,
          ':pending': 'PENDING',
        },
        ReturnValues: 'ALL_NEW',
      }),
    );
    const delivered = result.Attributes?.deliveredChannels as Set<string> | undefined;
    return { deliveredChannels: delivered ? [...delivered] : [] };
  }

  async recordDelivery(alert: Alert, outcome: DeliveryOutcome, now: Date): Promise<void> {
    const delivery = outcome.failed.length > 0 ? 'FAILED' : outcome.delivered.length > 0 ? 'DELIVERED' : 'NO_CHANNEL';
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = { ':delivery': delivery, ':now': now.toISOString() };
    let set = 'SET delivery = :delivery, lastAttemptAt = :now';
    if (outcome.failed.length > 0) {
      set += ', failedChannels = :failed';
      values[':failed'] = new Set(outcome.failed);
    } else {
      set += ' REMOVE failedChannels';
    }
    const add = outcome.delivered.length > 0 ? ' ADD deliveredChannels :delivered' : '';
    if (add) values[':delivered'] = new Set(outcome.delivered);
    await this.doc.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { alertId: alert.alertId, windowEnd: alert.windowEnd },
        UpdateExpression: set + add,
        ExpressionAttributeNames: Object.keys(names).length > 0 ? names : undefined,
        ExpressionAttributeValues: values,
      }),
    );
  }
}

export class SesEmailSender implements EmailSender {
  constructor(
    private readonly settings: { from: string; to: readonly string[]; configurationSetName?: string },
    private readonly client: SESv2Client = new SESv2Client({}),
  ) {}

  async send(message: EmailMessage): Promise<void> {
    await this.client.send(
      new SendEmailCommand({
        FromEmailAddress: this.settings.from,
        Destination: { ToAddresses: [...this.settings.to] },
        ConfigurationSetName: this.settings.configurationSetName,
        Content: {
          Simple: {
            Subject: { Data: message.subject, Charset: 'UTF-8' },
            Body: { Text: { Data: message.text, Charset: 'UTF-8' }, Html: { Data: message.html, Charset: 'UTF-8' } },
          },
        },
      }),
    );
  }
}

/** POSTs with Node's fetch and a per-request timeout. */
export class FetchWebhookPoster implements WebhookPoster {
  constructor(private readonly timeoutMs: number) {}

  async post(request: WebhookRequest): Promise<WebhookResponse> {
    const response = await fetch(request.url, {
      method: 'POST',
      headers: request.headers,
      body: request.body,
      redirect: 'error',
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    // Drain the body so the connection is reused.
    await response.arrayBuffer().catch(() => undefined);
    const retryAfter = Number(response.headers.get('retry-after'));
    return {
      status: response.status,
      retryAfterSeconds:
        Number.isFinite(retryAfter) && retryAfter >= 0 && response.headers.has('retry-after') ? retryAfter : undefined,
    };
  }
}

/** Secrets Manager with a cache, so a warm function reads each secret once per `ttlMs`. */
export class CachedSecretSource implements SecretSource {
  private readonly cache = new Map<string, { value: string; until: number }>();

  constructor(
    private readonly client: SecretsManagerClient = new SecretsManagerClient({}),
    private readonly ttlMs = 5 * 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  async get(secretArn: string): Promise<string> {
    const hit = this.cache.get(secretArn);
    if (hit && hit.until > this.now()) return hit.value;
    const result = await this.client.send(new GetSecretValueCommand({ SecretId: secretArn }));
    if (!result.SecretString) throw new Error(`secret ${secretArn} has no string value`);
    this.cache.set(secretArn, { value: result.SecretString, until: this.now() + this.ttlMs });
    return result.SecretString;
  }
}

/** SQS limits a message to 256 KiB; entries are split so each fits with room to spare. */
const MAX_MESSAGE_BYTES = 200 * 1024;

export class SqsDeadLetterSink implements DeadLetterSink {
  constructor(
    private readonly queueUrl: string,
    private readonly client: SQSClient = new SQSClient({}),
  ) {}

  async send(entries: readonly DeadLetterEntry[]): Promise<void> {
    const bodies = entries.flatMap(splitEntry).map((e) => JSON.stringify({ version: 1, ...e }));
    for (let i = 0; i < bodies.length; i += 10) {
      const chunk = bodies.slice(i, i + 10);
      const result = await this.client.send(
        new SendMessageBatchCommand({
          QueueUrl: this.queueUrl,
          Entries: chunk.map((body, j) => ({ Id: String(i + j), MessageBody: body })),
        }),
      );
      if (result.Failed && result.Failed.length > 0) {
        throw new Error(
          `dead-letter queue refused ${result.Failed.length} message(s): ${result.Failed.map((f) => f.Message ?? f.Code).join('; ')}`,
        );
      }
    }
  }
}

/** Splits a delivery failure with many alerts into entries that each fit one SQS message. */
export function splitEntry(entry: DeadLetterEntry): DeadLetterEntry[] {
  if (Buffer.byteLength(JSON.stringify(entry)) <= MAX_MESSAGE_BYTES) return [entry];
  if (entry.reason === 'malformed') {
    return [{ ...entry, record: { ...entry.record, value: (entry.record.value ?? '').slice(0, 32 * 1024) } }];
  }
  if (entry.alerts.length <= 1) return [entry];
  const half = Math.ceil(entry.alerts.length / 2);
  return [
    ...splitEntry({ ...entry, alerts: entry.alerts.slice(0, half) }),
    ...splitEntry({ ...entry, alerts: entry.alerts.slice(half) }),
  ];
}

export const systemClock: Clock = {
  now: () => new Date(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};
