import { RegistrationStatus } from '@aws-sdk/client-pinpoint-sms-voice-v2';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/load';
import { isoDurationOf } from '../../config/schema/duration';
import { smsMonitorConfig } from '../../config/schema/sms-monitor';
import { SMS_ACTION_STATUSES } from '../../config/schema/sms-monitor-fields';
import { BATCH_WRITE_LIMIT } from '../../lambda/sms-monitor/adapters/dynamodb-state-store';
import { REGISTRATIONS_PAGE_SIZE } from '../../lambda/sms-monitor/adapters/sms-voice-api';
import { STATUSES } from '../../lambda/sms-monitor/core/statuses';
import { REPO_ROOT } from '../helpers/app';
import { iamDefinition, inputMember, serviceModel, serviceRegions } from '../shared/aws-service-models';
import { monitorSettingsOf } from './support/settings';

// The monitor's API assumptions, checked against AWS's service models (botocore's copy) and the
// SDK's generated enums, not against this project's fake API.

describe('pinpoint-sms-voice-v2 as AWS models it', () => {
  const model = serviceModel('pinpoint-sms-voice-v2');

  it('takes the report page size as DescribeRegistrations MaxResults', () => {
    const maxResults = inputMember(model, 'DescribeRegistrations', 'MaxResults');
    expect(REGISTRATIONS_PAGE_SIZE).toBeGreaterThanOrEqual(maxResults.min as number);
    expect(REGISTRATIONS_PAGE_SIZE).toBeLessThanOrEqual(maxResults.max as number);
  });

  it('takes the one ID an alert asks for, and the one version a look-up asks for', () => {
    expect(inputMember(model, 'DescribeRegistrations', 'RegistrationIds').max).toBeGreaterThanOrEqual(1);
    expect(inputMember(model, 'DescribeRegistrationVersions', 'VersionNumbers').max).toBeGreaterThanOrEqual(1);
  });

  it('knows every registration status the SDK enumerates, and only those', () => {
    const known = STATUSES.map((s) => s.code).filter((c) => c !== 'UNKNOWN');
    expect([...known].sort()).toEqual(Object.values(RegistrationStatus).sort());
    for (const s of SMS_ACTION_STATUSES) expect(Object.values(RegistrationStatus)).toContain(s);
  });

  it('has an endpoint in every Region of the example config', () => {
    const regions = serviceRegions(model.metadata.endpointPrefix);
    const config = loadConfig(join(REPO_ROOT, 'config', 'example.yaml'));
    for (const account of config.smsMonitor?.accounts ?? []) {
      for (const region of account.regions) expect(regions).toContain(region);
    }
  });
});

describe('the state table as DynamoDB models it', () => {
  it('writes state in batches BatchWriteItem takes', () => {
    const { min, max } = serviceModel('dynamodb').shapes.WriteRequests;
    expect(BATCH_WRITE_LIMIT).toBeGreaterThanOrEqual(min as number);
    expect(BATCH_WRITE_LIMIT).toBeLessThanOrEqual(max as number);
  });
});

describe('the schedule settings as EventBridge Scheduler models them', () => {
  const model = serviceModel('scheduler');
  const base = {
    accounts: [{ account: '111111111111', regions: ['us-east-1'] }],
    email: { identity: 'example.com', sender: 'reports@example.com', recipients: ['team@example.com'] },
  };
  const accepts = (schedule: Record<string, number | string>): boolean =>
    smsMonitorConfig.safeParse({ ...base, schedule }).success;

  it('accepts exactly the retry attempts RetryPolicy takes', () => {
    const { min, max } = model.shapes.MaximumRetryAttempts;
    expect([accepts({ retryAttempts: min as number }), accepts({ retryAttempts: max as number })]).toEqual([
      true,
      true,
    ]);
    expect([accepts({ retryAttempts: (min as number) - 1 }), accepts({ retryAttempts: (max as number) + 1 })]).toEqual([
      false,
      false,
    ]);
  });

  it('accepts only event ages RetryPolicy takes', () => {
    const { min, max } = model.shapes.MaximumEventAgeInSeconds;
    for (const minutes of [1, 60, 1440]) {
      expect(accepts({ maxEventAge: isoDurationOf(minutes * 60_000) })).toBe(true);
      expect(minutes * 60).toBeGreaterThanOrEqual(min as number);
      expect(minutes * 60).toBeLessThanOrEqual(max as number);
    }
    expect(accepts({ maxEventAge: isoDurationOf((Math.floor((max as number) / 60) + 1) * 60_000) })).toBe(false);
  });

  it('accepts only flexible windows FlexibleTimeWindow takes (0 turns the window off)', () => {
    const { min, max } = model.shapes.MaximumWindowInMinutes;
    const window = (minutes: number) => isoDurationOf(minutes * 60_000);
    expect(accepts({ flexibleWindow: window(min as number) })).toBe(true);
    expect(accepts({ flexibleWindow: window(max as number) })).toBe(true);
    expect(accepts({ flexibleWindow: window((max as number) + 1) })).toBe(false);
  });
});

describe('SES sending authorization as AWS models it', () => {
  const identityArn = 'arn:aws:ses:eu-west-1:555555555555:identity/example.com';

  const settingsBase = {
    regions: ['eu-west-1'],
    timeZone: 'UTC',
    sender: 'a@example.com',
    recipients: ['b@example.com'],
  };

  it('lets SendEmail name the identity another account owns (FromEmailAddressIdentityArn)', () => {
    expect(inputMember(serviceModel('sesv2'), 'SendEmail', 'FromEmailAddressIdentityArn').type).toBe('string');
  });

  it('authorizes ses:SendEmail on the identity ARN the config takes, with the From address condition', () => {
    const ses = iamDefinition().ses as unknown as {
      privileges: Record<string, { resource_types: Record<string, { condition_keys: string[] }> }>;
      resources: Record<string, { arn: string }>;
    };
    const pattern = ses.resources.identity.arn
      .replace('${Partition}', 'aws[a-z-]*')
      .replace('${Region}', '[a-z0-9-]+')
      .replace('${Account}', '\\d{12}')
      .replace('${IdentityName}', '\\S+');
    expect(identityArn).toMatch(new RegExp(`^${pattern}$`));
    const send = ses.privileges.SendEmail.resource_types;
    expect(Object.keys(send)).toContain('identity');
    expect(send[''].condition_keys).toEqual(expect.arrayContaining(['ses:FromAddress', 'ses:Recipients']));
    expect(Object.keys(ses.privileges.SendRawEmail.resource_types)).toContain('identity');
    // The settings the functions read accept the same ARN.
    expect(monitorSettingsOf({ ...settingsBase, identityArn }).identityArn).toBe(identityArn);
  });
});
