// The notifier against real protocol peers: DynamoDB, SQS, Secrets Manager and SES v2 in moto
// (sent mail read back from /moto-api/data.json) and a local webhook receiver that checks the
// HMAC signature and fails on demand. The handler runs with its real adapters, as deployed.
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateSecretCommand, DeleteSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { CreateEmailIdentityCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import { CreateQueueCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { MSKEvent } from 'aws-lambda';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Alert } from '../../lambda/flink-alerting/core/alert-contract';
import { CachedSecretSource, SqsDeadLetterSink } from '../../lambda/flink-alerting/adapters/notifier';
import { FIXTURES_DIR } from './fixtures';
import { WebhookReceiver } from './webhook-receiver';
import { sentMail } from '../helpers/moto';
import { stringKeyedTable } from '../../testing/shared/dynamodb-tables';

const SAMPLE: Alert = JSON.parse(readFileSync(join(FIXTURES_DIR, 'alert.sample.json'), 'utf8'));
const SECRET = 'webhook-signing-key-0123456789';

const triggeredA = SAMPLE;
const triggeredB: Alert = {
  ...SAMPLE,
  alertId: 'b'.repeat(64),
  group: { desktopPool: 'pool-b' },
  severity: 'warning',
  windowStart: '2025-01-06T09:07:00Z',
  windowEnd: '2025-01-06T09:07:30Z',
};
const recoveredA: Alert = {
  ...SAMPLE,
  status: 'RECOVERED',
  value: 120,
  windowStart: '2025-01-06T09:09:00Z',
  windowEnd: '2025-01-06T09:09:30Z',
};

function mskEvent(values: Array<string | null>): MSKEvent {
  return {
    eventSource: 'aws:kafka',
    eventSourceArn: 'arn:aws:kafka:us-east-1:111111111111:cluster/alerting/abc',
    bootstrapServers: 'b-1:9098',
    records: {
      'alerts-0': values.map((v, i) => ({
        topic: 'alerts',
        partition: 0,
        offset: i,
        timestamp: 0,
        timestampType: 'CREATE_TIME',
        key: Buffer.from('k').toString('base64'),
        value: v === null ? (undefined as unknown as string) : Buffer.from(v).toString('base64'),
        headers: [],
      })),
    },
  };
}

const ddb = DynamoDBDocumentClient.from(new DynamoDBClient({}));
const sqs = new SQSClient({});
const secrets = new SecretsManagerClient({});
const ses = new SESv2Client({});
const receiver = new WebhookReceiver(SECRET);
let queueUrl = '';
let secretArn = '';
let urlSecretArn = '';
const tlsSetting = process.env.NODE_TLS_REJECT_UNAUTHORIZED;
let table = '';
let tableNumber = 0;

async function deadLetters(): Promise<Array<Record<string, unknown>>> {
  const out: Array<Record<string, unknown>> = [];
  for (;;) {
    const r = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, VisibilityTimeout: 600 }),
    );
    if (!r.Messages || r.Messages.length === 0) return out;
    out.push(...r.Messages.map((m) => JSON.parse(m.Body ?? '{}')));
  }
}

async function history(): Promise<Array<Record<string, unknown>>> {
  const r = await ddb.send(new ScanCommand({ TableName: table }));
  return (r.Items ?? []).sort((a, b) => String(a.windowEnd).localeCompare(String(b.windowEnd)));
}

type Handler = (event: MSKEvent) => Promise<void>;

/** A fresh handler module (settings are read once per cold start) with these settings. */
async function coldStart(settings: Record<string, unknown> = {}): Promise<Handler> {
  vi.resetModules();
  process.env.HISTORY_TABLE_NAME = table;
  process.env.DEAD_LETTER_QUEUE_URL = queueUrl;
  process.env.POWERTOOLS_METRICS_NAMESPACE = 'test';
  process.env.POWERTOOLS_SERVICE_NAME = 'notifier-test';
  process.env.POWERTOOLS_LOG_LEVEL = 'ERROR';
  process.env.NOTIFIER_SETTINGS = JSON.stringify({
    email: { from: 'alerts@example.com', to: ['oncall@example.com', 'lead@example.com'], subjectPrefix: 'vdi' },
    webhooks: [{ name: 'bridge', urlSecretArn, secretArn }],
    retry: { attempts: 3, baseDelayMs: 5, maxDelayMs: 50 },
    webhookTimeoutMs: 2000,
    ...settings,
  });
  const mod = (await import('../../lambda/flink-alerting/handlers/notifier')) as { handler: Handler };
  return mod.handler;
}

beforeAll(async () => {
  await receiver.start();
  queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: 'notifier-dlq' }))).QueueUrl ?? '';
  secretArn = (await secrets.send(new CreateSecretCommand({ Name: 'webhook-bridge', SecretString: SECRET }))).ARN ?? '';
  urlSecretArn =
    (await secrets.send(new CreateSecretCommand({ Name: 'webhook-bridge-url', SecretString: receiver.url }))).ARN ?? '';
  // The receiver's certificate is self-signed (the notifier posts over https only).
  process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0';
  await ses.send(new CreateEmailIdentityCommand({ EmailIdentity: 'example.com' }));
  // Metrics go to stdout as EMF; keep the test output readable.
  vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
});

afterAll(async () => {
  vi.restoreAllMocks();
  if (tlsSetting === undefined) delete process.env.NODE_TLS_REJECT_UNAUTHORIZED;
  else process.env.NODE_TLS_REJECT_UNAUTHORIZED = tlsSetting;
  await receiver.stop();
});

beforeEach(async () => {
  // A table per test: each starts with an empty history.
  table = `alert-history-${++tableNumber}`;
  await new DynamoDBClient({}).send(new CreateTableCommand(stringKeyedTable(table, 'alertId', 'windowEnd')));
  receiver.requests.length = 0;
  receiver.secret = SECRET;
  await deadLetters();
});

describe('notifier against moto and a local webhook receiver', () => {
  it('groups a batch into one email and one signed POST, records history and dead-letters bad records', async () => {
    const handler = await coldStart();
    const mailBefore = (await sentMail()).length;
    await handler(
      mskEvent([
        JSON.stringify(recoveredA),
        JSON.stringify(triggeredA),
        JSON.stringify(triggeredB),
        JSON.stringify(triggeredA),
        '{"alertId":',
        null,
      ]),
    );

    const mail = (await sentMail()).slice(mailBefore);
    expect(mail).toHaveLength(1);
    expect(mail[0]).toMatchObject({
      source: 'alerts@example.com',
      subject: '[vdi] 3 alerts: 2 triggered, 1 recovered (warning, critical)',
      destinations: { ToAddresses: ['oncall@example.com', 'lead@example.com'] },
    });
    expect(mail[0].body).toContain('vdi-latency-high');

    expect(receiver.requests).toHaveLength(1);
    expect(receiver.requests[0]).toMatchObject({ path: '/hooks/alerts', signatureValid: true, status: 204 });
    const [body] = receiver.accepted();
    expect(body.alerts.map((a) => [a.status, a.windowEnd])).toEqual([
      ['TRIGGERED', '2025-01-06T09:07:30Z'],
      ['TRIGGERED', '2025-01-06T09:08:00Z'],
      ['RECOVERED', '2025-01-06T09:09:30Z'],
    ]);
    expect(receiver.requests[0].headers['x-alerting-delivery']).toBe(body.deliveryId);

    const items = await history();
    expect(items).toHaveLength(3);
    for (const item of items) {
      expect(item.delivery).toBe('DELIVERED');
      expect([...(item.deliveredChannels as Set<string>)].sort()).toEqual(['email', 'webhook:bridge']);
      expect(item.expiresAt).toBeGreaterThan(Date.now() / 1000 + 89 * 86_400);
    }
    expect(items[1]).toMatchObject({
      alertId: triggeredA.alertId,
      monitorId: 'vdi-latency-high',
      value: 350,
      threshold: 300,
      group: { desktopPool: 'pool-a' },
    });

    const dlq = await deadLetters();
    expect(dlq).toEqual([
      expect.objectContaining({
        version: 1,
        reason: 'malformed',
        error: expect.stringContaining('alert: not valid JSON'),
        record: { topic: 'alerts', partition: 0, offset: 4, value: '{"alertId":' },
      }),
    ]);

    // The same records again (the event source retried, or Flink redelivered): nothing is sent twice.
    await handler(mskEvent([JSON.stringify(triggeredA), JSON.stringify(recoveredA)]));
    expect((await sentMail()).length - mailBefore).toBe(1);
    expect(receiver.requests).toHaveLength(1);
  });

  it('retries a webhook that answers 503 and then accepts, with backoff', async () => {
    const handler = await coldStart();
    receiver.failNext(2, 503, '0');
    await handler(mskEvent([JSON.stringify(triggeredA)]));
    expect(receiver.requests.map((r) => r.status)).toEqual([503, 503, 204]);
    expect(new Set(receiver.requests.map((r) => r.headers['x-alerting-delivery'])).size).toBe(1);
    expect((await history())[0].delivery).toBe('DELIVERED');
    expect(await deadLetters()).toEqual([]);
  });

  it('dead-letters a batch the webhook keeps refusing, and delivers it later to that webhook only', async () => {
    const handler = await coldStart();
    const mailBefore = (await sentMail()).length;
    receiver.failNext(3, 500);
    await handler(mskEvent([JSON.stringify(triggeredA), JSON.stringify(triggeredB)]));
    expect(receiver.requests.map((r) => r.status)).toEqual([500, 500, 500]);
    const dlq = await deadLetters();
    expect(dlq).toHaveLength(1);
    expect(dlq[0]).toMatchObject({
      reason: 'delivery-failed',
      channel: 'webhook:bridge',
      attempts: 3,
      error: expect.stringMatching(/answered HTTP 500$/),
    });
    expect((dlq[0].alerts as Alert[]).map((a) => a.alertId).sort()).toEqual(
      [triggeredA.alertId, triggeredB.alertId].sort(),
    );
    const failed = await history();
    expect(failed.map((i) => i.delivery)).toEqual(['FAILED', 'FAILED']);
    expect([...(failed[0].failedChannels as Set<string>)]).toEqual(['webhook:bridge']);
    expect([...(failed[0].deliveredChannels as Set<string>)]).toEqual(['email']);

    // Redrive (the records are published again): only the webhook gets them now.
    await handler(mskEvent([JSON.stringify(triggeredA), JSON.stringify(triggeredB)]));
    expect(receiver.requests.map((r) => r.status)).toEqual([500, 500, 500, 204]);
    expect((await sentMail()).length - mailBefore).toBe(1);
    expect((await history()).map((i) => i.delivery)).toEqual(['DELIVERED', 'DELIVERED']);
  });

  it('treats a rejected signature as permanent: no retries, straight to the dead-letter queue', async () => {
    const handler = await coldStart();
    receiver.secret = 'rotated-on-the-receiver-only';
    await handler(mskEvent([JSON.stringify(triggeredA)]));
    expect(receiver.requests.map((r) => [r.status, r.signatureValid])).toEqual([[401, false]]);
    expect(await deadLetters()).toEqual([expect.objectContaining({ channel: 'webhook:bridge', attempts: 1 })]);
  });

  it('dead-letters mail that SES refuses (unverified sender)', async () => {
    const handler = await coldStart({
      email: { from: 'alerts@unverified.example.org', to: ['oncall@example.com'], subjectPrefix: 'vdi' },
      webhooks: [],
    });
    await handler(mskEvent([JSON.stringify(triggeredA)]));
    expect(await deadLetters()).toEqual([
      expect.objectContaining({ reason: 'delivery-failed', channel: 'email', attempts: 3 }),
    ]);
    expect((await history())[0]).toMatchObject({ delivery: 'FAILED' });
  });

  it('fails the invocation on a bad setting, naming it, so nothing is silently dropped', async () => {
    const handler = await coldStart({ webhooks: [{ name: 'Bad Name', urlSecretArn, secretArn }] });
    await expect(handler(mskEvent([JSON.stringify(triggeredA)]))).rejects.toThrow('NOTIFIER_SETTINGS: webhooks.0.name');
  });
});

describe('notifier adapters', () => {
  it('caches a secret, so a warm function reads Secrets Manager once per TTL', async () => {
    const arn = (await secrets.send(new CreateSecretCommand({ Name: 'short-lived', SecretString: 'v1' }))).ARN ?? '';
    let now = 0;
    const source = new CachedSecretSource(undefined, 1000, () => now);
    expect(await source.get(arn)).toBe('v1');
    await secrets.send(new DeleteSecretCommand({ SecretId: arn, ForceDeleteWithoutRecovery: true }));
    expect(await source.get(arn)).toBe('v1');
    now = 2000;
    await expect(source.get(arn)).rejects.toThrow();
  });

  it('splits a large dead letter into SQS-sized messages', async () => {
    const many = Array.from({ length: 1500 }, (_, i) => ({ ...triggeredA, alertId: `${i}`.padStart(64, '0') }));
    await new SqsDeadLetterSink(queueUrl).send([
      { reason: 'delivery-failed', channel: 'email', error: 'x', attempts: 1, alerts: many },
    ]);
    const messages = await deadLetters();
    expect(messages.length).toBeGreaterThan(1);
    expect(messages.flatMap((m) => (m.alerts as Alert[]).map((a) => a.alertId))).toHaveLength(1500);
  });
});
