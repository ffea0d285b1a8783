import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DynamoDbStateStore } from '../../lambda/sms-monitor/adapters/dynamodb-state-store';
import { SesMailer } from '../../lambda/sms-monitor/adapters/ses-mailer';
import { SmsVoiceRegistrationApi } from '../../lambda/sms-monitor/adapters/sms-voice-api';
import type { MonitorSettings } from '../../lambda/sms-monitor/core/settings';
import { createLogger, createMetrics } from '../../lambda/shared/powertools';
import { createReportHandler } from '../../lambda/sms-monitor/handlers/report';
import { REPO_ROOT } from '../helpers/app';
import { bundleHandler } from '../helpers/bundle';
import { ALL_STATUSES, generateRegistrations, HOSTILE, hostileRegistrations } from '../../testing/sms-monitor/datasets';
import { FakeSmsVoiceApi } from '../../testing/sms-monitor/fake-sms-api';
import { sentMail, useIntegrationWorld, verifyIdentity } from './support/moto';
import { monitorSettingsOf } from './support/settings';
import { SMS_MONITOR_SETTING_DEFAULTS } from '../../config/schema/sms-monitor';

// The report end to end: the real SDK against the local SMS API server (1,500+ registrations in two
// Regions, every status, hostile strings), change tracking and idempotency in moto's DynamoDB, and
// mail through moto's SES v2, read back from moto.

const TABLE = 'sms-monitor-state';
const FUNCTION_ARN = 'arn:aws:lambda:us-east-1:111111111111:function:sms-registration-report';
const east = [
  ...generateRegistrations({ region: 'us-east-1', count: 1100, seed: 7 }),
  ...hostileRegistrations('us-east-1'),
];
const west = generateRegistrations({ region: 'us-west-2', count: 400, seed: 8 });
const fake = new FakeSmsVoiceApi({ 'us-east-1': east, 'us-west-2': west });

const baseSettings = {
  regions: ['us-east-1', 'us-west-2'],
  timeZone: 'Europe/Berlin',
  sender: 'sms-reports@example.com',
  recipients: ['team@example.com', 'oncall@example.com'],
};
const settings = (overrides: Partial<MonitorSettings> = {}): MonitorSettings =>
  monitorSettingsOf({ ...baseSettings, ...overrides });

/** Request bodies the SES client sent over the wire. */
const sesRequests: {
  Content: { Simple: { Subject: { Data: string }; Body: { Html: { Data: string }; Text: { Data: string } } } };
}[] = [];

function handlerWith(s: MonitorSettings, now?: () => Date) {
  const ses = new SESv2Client({});
  ses.middlewareStack.add(
    (next) => async (args) => {
      // The JSON body is bytes by the time the request is finalized.
      const body = (args.request as { body?: string | Uint8Array }).body;
      if (body !== undefined) {
        sesRequests.push(JSON.parse(typeof body === 'string' ? body : new TextDecoder().decode(body)));
      }
      return next(args);
    },
    { step: 'finalizeRequest', name: 'captureSesRequest' },
  );
  return createReportHandler(() => ({
    api: new SmsVoiceRegistrationApi(),
    store: new DynamoDbStateStore(TABLE),
    mailer: new SesMailer(ses),
    now,
    settings: s,
    logger: createLogger(),
    metrics: createMetrics(),
  }));
}

const context = (id: string) => ({ awsRequestId: id, invokedFunctionArn: FUNCTION_ARN });
const expectedLookups = [...east, ...west].filter(
  (r) =>
    (r.RegistrationStatus === 'REQUIRES_UPDATES' && r.LatestDeniedVersionNumber !== undefined) ||
    (r.RegistrationStatus === 'COMPLETE' && r.ApprovedVersionNumber !== undefined),
).length;

useIntegrationWorld(fake, TABLE);

describe('scheduled report against the SMS API server, DynamoDB and SES (moto)', () => {
  it('covers every status, in data the size of a real account', () => {
    expect(east.length + west.length).toBeGreaterThan(1500);
    const statuses = new Set([...east, ...west].map((r) => r.RegistrationStatus));
    for (const s of ALL_STATUSES) expect(statuses.has(s), s).toBe(true);
  });

  it('reports every registration of both Regions over many pages and mails HTML and text once', async () => {
    const handler = handlerWith(settings());
    const result = await handler({ scheduledTime: '2025-06-02T06:00:00Z' }, context('run-1'));
    expect(result).toMatchObject({
      outcome: 'sent',
      reportKey: 'scheduled#2025-06-02T06:00:00.000Z',
      total: east.length + west.length,
    });
    // All pages (100 per page) and exactly one look-up per registration that needs one.
    expect(fake.callCount('DescribeRegistrations')).toBe(Math.ceil(east.length / 100) + Math.ceil(west.length / 100));
    expect(fake.callCount('DescribeRegistrationVersions')).toBe(expectedLookups);

    const mail = await sentMail();
    expect(mail).toHaveLength(1);
    expect(mail[0]).toMatchObject({
      source: 'sms-reports@example.com',
      destinations: { ToAddresses: ['team@example.com', 'oncall@example.com'] },
    });
    // The first report has no earlier state, so it counts no changes.
    expect(mail[0].subject).toBe(
      `SMS registration report for 111111111111: ${result.actionNeeded} need action (${result.total} total)`,
    );
    // What went over the wire: both parts, and the HTML escaped.
    const simple = sesRequests.at(-1)!.Content.Simple;
    expect(simple.Body.Html.Data).toBe(mail[0].body);
    expect(simple.Body.Text.Data).toContain(`${result.actionNeeded} of ${result.total} registrations need action.`);
    expect(mail[0].body).toContain('This is the first report');
    expect(mail[0].body).not.toContain(HOSTILE.script);
    expect(mail[0].body).toContain('&lt;script&gt;window.__pwned&#x3D;1&lt;/script&gt;');
    expect(mail[0].body).not.toMatch(/href="(javascript|data):/);
    for (const r of west.slice(0, 50)) expect(mail[0].body).toContain(r.RegistrationId);
  });

  it('does not send again when the same scheduled run is retried', async () => {
    const handler = handlerWith(settings());
    const retry = await handler({ scheduledTime: '2025-06-02T06:00:00Z' }, context('run-1-retry'));
    expect(retry).toMatchObject({ outcome: 'already-sent' });
    expect(await sentMail()).toHaveLength(1);
  });

  it('finishes through API throttling, retried by the SDK', async () => {
    fake.resetCalls();
    // Throttled as AWS throttles: above a rate per action and Region (the quota's shape; the local
    // rate is higher than AWS's default so the test runs in seconds).
    fake.ratePerSecond = 50;
    try {
      const result = await handlerWith(settings())({ scheduledTime: '2025-06-03T06:00:00Z' }, context('run-2'));
      expect(result.outcome).toBe('sent');
    } finally {
      fake.ratePerSecond = 0;
    }
    expect(fake.calls.filter((c) => c.error === 'ThrottlingException').length).toBeGreaterThan(10);
    expect(await sentMail()).toHaveLength(2);
  });

  it('throws when SES rejects the email, and the retry sends it exactly once', async () => {
    const unverified = settings({ sender: 'reports@unverified.example', recipients: ['team@example.com'] });
    const handler = handlerWith(unverified);
    await expect(handler({ scheduledTime: '2025-06-04T06:00:00Z' }, context('run-3'))).rejects.toThrow(
      /sending the SMS registration report failed: .*not verified/,
    );
    const record = await new DynamoDBClient({}).send(
      new GetItemCommand({
        TableName: TABLE,
        Key: { pk: { S: 'SEND' }, sk: { S: 'report#scheduled#2025-06-04T06:00:00.000Z' } },
      }),
    );
    expect(record.Item?.status?.S).toBe('FAILED');
    expect(await sentMail()).toHaveLength(2);

    await verifyIdentity('unverified.example');
    await expect(handler({ scheduledTime: '2025-06-04T06:00:00Z' }, context('run-3-retry'))).resolves.toMatchObject({
      outcome: 'sent',
    });
    await expect(handler({ scheduledTime: '2025-06-04T06:00:00Z' }, context('run-3-again'))).resolves.toMatchObject({
      outcome: 'already-sent',
    });
    const mail = await sentMail();
    expect(mail).toHaveLength(3);
    expect(mail[2].source).toBe('reports@unverified.example');
  });

  it('marks new, changed and resolved registrations since the last report', async () => {
    const target = east.find((r) => r.RegistrationStatus === 'REVIEWING')!;
    const fixed = east.find(
      (r) => r.RegistrationStatus === 'REQUIRES_UPDATES' && r.RegistrationId.startsWith('registration-useast'),
    )!;
    target.RegistrationStatus = 'REQUIRES_AUTHENTICATION';
    fixed.RegistrationStatus = 'REVIEWING';
    east.push({
      ...generateRegistrations({
        region: 'us-east-1',
        count: 1,
        idPrefix: 'brandnew',
        otherStatuses: ['CREATED'],
        lookupShare: 0,
      })[0],
    });
    const removed = west.pop()!;
    const result = await handlerWith(settings())({ scheduledTime: '2025-06-05T06:00:00Z' }, context('run-4'));
    expect(result).toMatchObject({ outcome: 'sent', changes: 4 });
    const text = sesRequests.at(-1)!.Content.Simple.Body.Text.Data;
    expect(text).toContain('1 new, 1 changed, 1 resolved, 1 no longer listed.');
    expect(text).toContain(`- Changed: ${target.RegistrationId}`);
    expect(text).toContain(`- Resolved: ${fixed.RegistrationId}`);
    expect(text).toContain(`- No longer listed: ${removed.RegistrationId}`);
    expect(text).toContain('- New: registration-brandnew000000');
  });

  it('with sendOnlyOnChange, sends nothing when nothing changed and it is not digest day', async () => {
    const wednesday = () => new Date('2025-06-11T06:00:00Z');
    const quiet = handlerWith(settings({ sendOnlyOnChange: true, weeklyDigestDay: 'MONDAY' }), wednesday);
    const before = (await sentMail()).length;
    await expect(quiet({ scheduledTime: '2025-06-11T06:00:00Z' }, context('run-5'))).resolves.toMatchObject({
      outcome: 'unchanged',
    });
    expect(await sentMail()).toHaveLength(before);
  });

  it('runs the same way from the deployed bundle (esbuild, SDK from the runtime)', async () => {
    const outfile = await bundleHandler(join(REPO_ROOT, 'lambda/sms-monitor/handlers/report.ts'));
    process.env.TABLE_NAME = TABLE;
    process.env.MONITOR_SETTINGS = JSON.stringify({ ...SMS_MONITOR_SETTING_DEFAULTS, ...baseSettings });
    try {
      const { handler } = require(outfile) as { handler: ReturnType<typeof createReportHandler> };
      await expect(handler({ scheduledTime: '2025-06-12T06:00:00Z' }, context('bundle'))).resolves.toMatchObject({
        outcome: 'sent',
        total: east.length + west.length,
      });
      await expect(handler({ scheduledTime: 'not a time' }, context('bad'))).rejects.toThrow(
        /scheduledTime must be an ISO 8601 time/,
      );
    } finally {
      delete process.env.TABLE_NAME;
      delete process.env.MONITOR_SETTINGS;
    }
    expect((await sentMail()).at(-1)?.subject).toMatch(/^SMS registration report for 111111111111: /);
  });
});
