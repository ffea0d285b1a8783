import { Match, Template } from 'aws-cdk-lib/assertions';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { validateConfig } from '../../config/load';
import type { SmsMonitorConfig } from '../../config/schema';
import { enableComplianceChecks } from '../../lib/shared';
import { addSmsMonitorStacks, MonitorStateTable } from '../../lib/sms-monitor';
import { testApp, type TestAppOptions, testOperations } from '../helpers/app';

function monitorConfig(overrides: Record<string, unknown> = {}): SmsMonitorConfig {
  const config = validateConfig({
    shared: {},
    smsMonitor: {
      accounts: [{ account: '111111111111', regions: ['us-east-1', 'us-west-2'] }],
      timeZone: 'Europe/Berlin',
      schedule: {
        expression: 'cron(0 7 ? * MON-FRI *)',
        flexibleWindow: 'PT30M',
        retryAttempts: 5,
        maxEventAge: 'PT1H30M',
      },
      email: {
        identity: 'example.com',
        sender: 'sms@example.com',
        recipients: ['a@example.com', 'b@example.com'],
        configurationSet: 'monitoring',
      },
      report: { sendOnlyOnChange: true, weeklyDigestDay: 'FRIDAY', versionLookupConcurrency: 4 },
      ...overrides,
    },
  });
  return config.smsMonitor as SmsMonitorConfig;
}

function synth(config = monitorConfig(), options: TestAppOptions = {}) {
  const app = testApp(options);
  enableComplianceChecks(app);
  const stacks = addSmsMonitorStacks(app, config, testOperations({ accountAliases: { '111111111111': 'tools' } }));
  return { app, ...stacks };
}

describe('SMS monitor stacks', () => {
  it('creates a monitor stack in the first Region and a forwarder in each other Region', () => {
    const { monitors, forwarders } = synth();
    expect(monitors.map((s) => s.stackName)).toEqual(['sms-monitor-tools-us-east-1']);
    expect(forwarders.map((s) => s.stackName)).toEqual(['sms-alert-forwarder-tools-us-west-2']);
    const homeElsewhere = synth(
      monitorConfig({
        accounts: [{ account: '111111111111', regions: ['us-east-1', 'us-west-2'], homeRegion: 'eu-west-1' }],
      }),
    );
    expect(homeElsewhere.monitors[0].region).toBe('eu-west-1');
    expect(homeElsewhere.forwarders.map((s) => s.region)).toEqual(['us-east-1', 'us-west-2']);
  });

  it('passes the compliance checks (cdk-nag) at synth', () => {
    const { app } = synth();
    expect(() => app.synth()).not.toThrow();
  });

  it('keeps the state table under a pinned logical ID, retained, with PITR and TTL', () => {
    const { monitors } = synth();
    const template = Template.fromStack(monitors[0]);
    template.resourceCountIs('AWS::DynamoDB::Table', 1);
    template.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: {
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
        BillingMode: 'PAY_PER_REQUEST',
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
        SSESpecification: { SSEEnabled: true },
        DeletionProtectionEnabled: true,
      },
    });
    expect(Object.keys(template.findResources('AWS::DynamoDB::Table'))).toEqual([MonitorStateTable.LOGICAL_ID]);
    expect(MonitorStateTable.LOGICAL_ID).toBe('SmsMonitorStateTable');
  });

  it('schedules the report from config, with retries, a dead-letter queue and the scheduled time as input', () => {
    const template = Template.fromStack(synth().monitors[0]);
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'cron(0 7 ? * MON-FRI *)',
      ScheduleExpressionTimezone: 'Europe/Berlin',
      FlexibleTimeWindow: { Mode: 'FLEXIBLE', MaximumWindowInMinutes: 30 },
      State: 'ENABLED',
      Target: {
        Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^ReportFunction'), 'Arn'] },
        Input: '{"scheduledTime":"<aws.scheduler.scheduled-time>"}',
        RetryPolicy: { MaximumRetryAttempts: 5, MaximumEventAgeInSeconds: 5400 },
        DeadLetterConfig: { Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^ReportScheduleDeadLetterQueue'), 'Arn'] } },
      },
    });
    // The Scheduler role may be assumed by Scheduler of this account only.
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [
          Match.objectLike({
            Principal: { Service: 'scheduler.amazonaws.com' },
            Condition: { StringEquals: { 'aws:SourceAccount': '111111111111' } },
          }),
        ],
      },
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmDescription: Match.stringLikeRegexp('^scheduled report invocations that Scheduler could not deliver'),
    });
  });

  it('turns the flexible window off when the config says PT0S', () => {
    const template = Template.fromStack(synth(monitorConfig({ schedule: { flexibleWindow: 'PT0S' } })).monitors[0]);
    template.hasResourceProperties('AWS::Scheduler::Schedule', { FlexibleTimeWindow: { Mode: 'OFF' } });
  });

  it('configures the report function with its settings, a long timeout and a failure queue', () => {
    const template = Template.fromStack(synth().monitors[0]);
    const fns = template.findResources('AWS::Lambda::Function', {
      Properties: { Environment: { Variables: { POWERTOOLS_SERVICE_NAME: 'sms-registration-report' } } },
    });
    const [report] = Object.values(fns) as { Properties: Record<string, unknown> }[];
    expect(report.Properties).toMatchObject({ Timeout: 600, MemorySize: 512, Runtime: 'nodejs24.x' });
    const env = (report.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
    expect(env.TABLE_NAME).toEqual({ Ref: 'SmsMonitorStateTable' });
    expect(JSON.parse(env.MONITOR_SETTINGS as string)).toEqual({
      regions: ['us-east-1', 'us-west-2'],
      timeZone: 'Europe/Berlin',
      sender: 'sms@example.com',
      recipients: ['a@example.com', 'b@example.com'],
      configurationSet: 'monitoring',
      sendOnlyOnChange: true,
      weeklyDigestDay: 'FRIDAY',
      recentlyCompletedDays: 7,
      versionLookupConcurrency: 4,
      alertStatuses: ['REQUIRES_UPDATES', 'REQUIRES_AUTHENTICATION', 'CLOSED'],
    });
    // cfn-lint's W3005 (DependsOn the role next to a GetAtt of it) is accepted on the function, with a reason.
    template.hasResource('AWS::Lambda::Function', {
      Metadata: {
        'cfn-lint': { config: { ignore_checks: ['W3005'], reason: Match.stringLikeRegexp('first run') } },
      },
      Properties: { Environment: { Variables: { POWERTOOLS_SERVICE_NAME: 'sms-registration-report' } } },
    });
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      MaximumRetryAttempts: 2,
      DestinationConfig: { OnFailure: { Destination: Match.anyValue() } },
    });
  });

  it('lets the functions send only ses:SendEmail, from the sender, to the recipients, on the identity and configuration set', () => {
    const template = Template.fromStack(synth().monitors[0]);
    const sesStatement = {
      Effect: 'Allow',
      Action: 'ses:SendEmail',
      Resource: [
        'arn:aws:ses:us-east-1:111111111111:configuration-set/monitoring',
        'arn:aws:ses:us-east-1:111111111111:identity/example.com',
      ],
      Condition: {
        StringEquals: { 'ses:FromAddress': 'sms@example.com' },
        'ForAllValues:StringEquals': { 'ses:Recipients': ['a@example.com', 'b@example.com'] },
      },
    };
    const policies = template.findResources('AWS::IAM::Policy', {
      Properties: { PolicyDocument: { Statement: Match.arrayWith([sesStatement]) } },
    });
    expect(Object.keys(policies)).toHaveLength(2); // report and alert functions
    const everything = JSON.stringify(template.toJSON());
    expect(everything).not.toContain('ses:SendRawEmail');
    expect(everything).not.toMatch(/"ses:\*"|"Action":"\*"/);
  });

  it('grants read-only registration access in the configured Regions and only the table actions the store uses', () => {
    const template = Template.fromStack(synth().monitors[0]);
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyName: Match.stringLikeRegexp('^ReportReadSmsRegistrations'),
      PolicyDocument: {
        Statement: [
          // Listing without IDs names no registration (an optional resource type): `*`, per Region.
          {
            Effect: 'Allow',
            Action: 'sms-voice:DescribeRegistrations',
            Resource: '*',
            Condition: { StringEquals: { 'aws:RequestedRegion': ['us-east-1', 'us-west-2'] } },
          },
          {
            Effect: 'Allow',
            Action: 'sms-voice:DescribeRegistrationVersions',
            Resource: [
              'arn:aws:sms-voice:us-east-1:111111111111:registration/*',
              'arn:aws:sms-voice:us-west-2:111111111111:registration/*',
            ],
          },
        ],
      },
    });
    const tableActions = (name: string) => {
      const found = template.findResources('AWS::IAM::Policy', {
        Properties: { PolicyName: Match.stringLikeRegexp(`^${name}FunctionRoleDefaultPolicy`) },
      });
      const [policy] = Object.values(found) as {
        Properties: { PolicyDocument: { Statement: { Action: string[] }[] } };
      }[];
      return policy.Properties.PolicyDocument.Statement.flatMap((s) => [s.Action].flat()).filter((a) =>
        a.startsWith('dynamodb:'),
      );
    };
    expect(tableActions('Report').sort()).toEqual([
      'dynamodb:BatchWriteItem',
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:Query',
      'dynamodb:UpdateItem',
    ]);
    expect(tableActions('Alerts').sort()).toEqual(['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem']);
  });

  it('alerts on status changes of the monitored Regions, with retries and a dead-letter queue', () => {
    const template = Template.fromStack(synth().monitors[0]);
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        source: ['aws.sms-voice'],
        'detail-type': ['Registration Status Change'],
        region: ['us-east-1', 'us-west-2'],
        detail: { registrationDetails: { currentStatus: ['REQUIRES_UPDATES', 'REQUIRES_AUTHENTICATION', 'CLOSED'] } },
      },
      Targets: [
        Match.objectLike({
          Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^AlertsFunction'), 'Arn'] },
          RetryPolicy: { MaximumRetryAttempts: 8, MaximumEventAgeInSeconds: 21600 },
          DeadLetterConfig: { Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^AlertsRuleDeadLetterQueue'), 'Arn'] } },
        }),
      ],
    });
  });

  it("forwards the other Regions' events to the monitor Region's default bus", () => {
    const template = Template.fromStack(synth().forwarders[0]);
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: Match.objectLike({ source: ['aws.sms-voice'], region: ['us-west-2'] }),
      Targets: [
        Match.objectLike({
          Arn: 'arn:aws:events:us-east-1:111111111111:event-bus/default',
          DeadLetterConfig: { Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^ForwardDeadLetterQueue'), 'Arn'] } },
        }),
      ],
    });
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: [
          {
            Effect: 'Allow',
            Action: 'events:PutEvents',
            Resource: 'arn:aws:events:us-east-1:111111111111:event-bus/default',
          },
        ],
      },
    });
  });

  it('leaves out the alert rule, function and forwarders when alerts are off', () => {
    const { monitors, forwarders } = synth(monitorConfig({ alerts: { enabled: false } }));
    expect(forwarders).toEqual([]);
    const template = Template.fromStack(monitors[0]);
    template.resourceCountIs('AWS::Events::Rule', 0);
    template.resourceCountIs('AWS::Lambda::Function', 1);
  });

  it('bundles the handlers as deployed (esbuild, templates included)', () => {
    const { app } = synth(monitorConfig(), { bundling: true });
    const outdir = app.synth().directory;
    const bundles = readdirSync(outdir)
      .filter((d) => d.startsWith('asset.') && existsSync(join(outdir, d, 'index.js')))
      .map((d) => readFileSync(join(outdir, d, 'index.js'), 'utf8'));
    const report = bundles.filter(
      (code) => code.includes('Why version') && code.includes('DescribeRegistrationVersions'),
    );
    expect(report.length).toBe(2); // report and alert handlers, each with the templates compiled in
    // The AWS SDK comes from the Lambda runtime, not the bundle.
    for (const code of report) expect(code).toMatch(/require\("@aws-sdk\/client-pinpoint-sms-voice-v2"\)/);
  });
});
