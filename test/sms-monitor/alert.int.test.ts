import { EventBridgeClient, PutEventsCommand, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { createLogger, createMetrics } from '../../lambda/shared/powertools';
import { createAlertHandler } from '../../lambda/sms-monitor/handlers/alert';
import { DynamoDbStateStore } from '../../lambda/sms-monitor/adapters/dynamodb-state-store';
import { SesMailer } from '../../lambda/sms-monitor/adapters/ses-mailer';
import { SmsVoiceRegistrationApi } from '../../lambda/sms-monitor/adapters/sms-voice-api';
import { InvalidEventError } from '../../lambda/sms-monitor/core/alert';
import { validateConfig } from '../../config/load';
import type { SmsMonitorConfig } from '../../config/schema';
import { addSmsMonitorStacks } from '../../lib/sms-monitor';
import { testApp, testOperations } from '../helpers/app';
import { HOSTILE, hostileRegistrations } from '../../testing/sms-monitor/datasets';
import { FakeSmsVoiceApi } from '../../testing/sms-monitor/fake-sms-api';
import { sentMail, useIntegrationWorld } from './support/moto';
import { monitorSettingsOf } from './support/settings';

// Real-time alerts: the synthesized rule's pattern evaluated by moto's EventBridge, and the alert
// function against the local SMS API server, DynamoDB and SES in moto.

const TABLE = 'sms-monitor-alerts';
const east = hostileRegistrations('us-east-1');
const fake = new FakeSmsVoiceApi({ 'us-east-1': east, 'us-west-2': [] });
const settings = monitorSettingsOf({
  regions: ['us-east-1', 'us-west-2'],
  timeZone: 'America/New_York',
  sender: 'alerts@example.com',
  recipients: ['team@example.com'],
});
const handler = createAlertHandler(() => ({
  api: new SmsVoiceRegistrationApi(),
  store: new DynamoDbStateStore(TABLE),
  mailer: new SesMailer(),
  settings,
  logger: createLogger(),
  metrics: createMetrics(),
}));
const context = { invokedFunctionArn: 'arn:aws:lambda:us-east-1:111111111111:function:sms-registration-alert' };

function statusEvent(id: string, registrationId: string, detail: Record<string, unknown> = {}, region = 'us-east-1') {
  return {
    version: '0',
    id,
    'detail-type': 'Registration Status Change',
    source: 'aws.sms-voice',
    account: '111111111111',
    time: '2025-06-03T13:15:00Z',
    region,
    resources: [`arn:aws:sms-voice:${region}:111111111111:registration/${registrationId}`],
    detail,
  };
}

useIntegrationWorld(fake, TABLE);

describe('registration status change rule (pattern evaluated by moto EventBridge)', () => {
  it('matches action-needed statuses of monitored Regions, not events without the status field', async () => {
    const config = validateConfig({
      shared: {},
      smsMonitor: {
        accounts: [{ account: '111111111111', regions: ['us-east-1', 'us-west-2'] }],
        email: { identity: 'example.com', sender: 'alerts@example.com', recipients: ['team@example.com'] },
      },
    }).smsMonitor as SmsMonitorConfig;
    const { monitors } = addSmsMonitorStacks(testApp(), config, testOperations());
    const rules = Template.fromStack(monitors[0]).findResources('AWS::Events::Rule');
    const [pattern] = Object.values(rules).map(
      (r) => (r as { Properties: { EventPattern: unknown } }).Properties.EventPattern,
    );

    const sqs = new SQSClient({});
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'matched-status-events' }));
    const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }));
    const events = new EventBridgeClient({});
    await events.send(new PutRuleCommand({ Name: 'status-changes', EventPattern: JSON.stringify(pattern) }));
    await events.send(
      new PutTargetsCommand({ Rule: 'status-changes', Targets: [{ Id: 'queue', Arn: Attributes!.QueueArn }] }),
    );

    const entry = (n: string, region: string, detail: Record<string, unknown>, source = 'aws.sms-voice') => ({
      Source: source,
      DetailType: 'Registration Status Change',
      Detail: JSON.stringify({ n, ...detail }),
      Resources: [`arn:aws:sms-voice:${region}:111111111111:registration/r-${n}`],
    });
    // moto stamps each event with the client's Region (us-east-1), which the rule's region filter allows.
    await events.send(
      new PutEventsCommand({
        Entries: [
          entry('updates', 'us-east-1', { registrationDetails: { currentStatus: 'REQUIRES_UPDATES' } }),
          entry('auth', 'us-east-1', { registrationDetails: { currentStatus: 'REQUIRES_AUTHENTICATION' } }),
          entry('complete', 'us-east-1', { registrationDetails: { currentStatus: 'COMPLETE' } }),
          entry('no-status-field', 'us-east-1', { status: 'CLOSED' }),
          entry('other-source', 'us-east-1', { registrationDetails: { currentStatus: 'CLOSED' } }, 'aws.ec2'),
        ],
      }),
    );
    const received: string[] = [];
    for (let i = 0; i < 5; i++) {
      const { Messages } = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10 }));
      for (const m of Messages ?? []) received.push((JSON.parse(m.Body!) as { detail: { n: string } }).detail.n);
      if (!Messages?.length) break;
    }
    expect(received.sort()).toEqual(['auth', 'updates']);
  });
});

describe('alert function (SMS API server, DynamoDB and SES in moto)', () => {
  const needsUpdates = east.find((r) => r.RegistrationStatus === 'REQUIRES_UPDATES')!;

  it('mails a short, escaped alert once per event for a registration that needs action', async () => {
    const event = statusEvent('event-1', needsUpdates.RegistrationId, {
      registrationDetails: { currentStatus: 'REQUIRES_UPDATES' },
    });
    await expect(handler(event, context)).resolves.toMatchObject({ outcome: 'sent', status: 'REQUIRES_UPDATES' });
    await expect(handler(event, context)).resolves.toMatchObject({ outcome: 'already-sent' });
    const mail = await sentMail();
    expect(mail).toHaveLength(1);
    expect(mail[0]).toMatchObject({
      source: 'alerts@example.com',
      subject: 'SMS registration needs action: Requires updates (us-east-1, 111111111111)',
    });
    expect(mail[0].body).toContain(needsUpdates.RegistrationId);
    expect(mail[0].body).toContain('2025-06-03 09:15 EDT');
    expect(mail[0].body).not.toContain(HOSTILE.script);
    expect(mail[0].body).toContain('&lt;script&gt;');
    // The registration was re-read and its denied version looked up.
    expect(fake.calls.map((c) => c.operation)).toEqual(['DescribeRegistrations', 'DescribeRegistrationVersions']);
  });

  it('sends nothing when the registration now needs no alert, or no longer exists', async () => {
    const target = east.find((r) => r.RegistrationId === 'registration-hostile0003')!;
    target.RegistrationStatus = 'COMPLETE';
    await expect(handler(statusEvent('event-2', target.RegistrationId), context)).resolves.toMatchObject({
      outcome: 'no-action-needed',
      status: 'COMPLETE',
    });
    await expect(handler(statusEvent('event-3', 'registration-doesnotexist'), context)).resolves.toMatchObject({
      outcome: 'registration-gone',
    });
    expect(await sentMail()).toHaveLength(1);
  });

  it('rejects events it cannot handle, so they reach the dead-letter queue', async () => {
    await expect(handler({ ...statusEvent('event-4', 'r1'), source: 'aws.ec2' }, context)).rejects.toBeInstanceOf(
      InvalidEventError,
    );
    await expect(handler(statusEvent('event-5', 'r1', {}, 'eu-central-1'), context)).rejects.toThrow(/not monitored/);
    await expect(handler({ ...statusEvent('event-6', 'x'), resources: [] }, context)).rejects.toThrow(
      /names no registration/,
    );
  });
});
