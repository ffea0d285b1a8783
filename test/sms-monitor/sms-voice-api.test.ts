import { DescribeRegistrationsCommand, PinpointSMSVoiceV2Client } from '@aws-sdk/client-pinpoint-sms-voice-v2';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SmsVoiceRegistrationApi } from '../../lambda/sms-monitor/adapters/sms-voice-api';
import { generateRegistrations } from '../../testing/sms-monitor/datasets';
import { FakeSmsVoiceApi, SMS_VOICE_ENDPOINT_ENV } from '../../testing/sms-monitor/fake-sms-api';

// The adapter against the local server speaking the service's wire protocol: the real SDK
// serializes, signs, paginates and retries. Only the standard endpoint variable points it there.
const fake = new FakeSmsVoiceApi({
  'us-east-1': generateRegistrations({ region: 'us-east-1', count: 250 }),
  'us-west-2': generateRegistrations({ region: 'us-west-2', count: 3 }),
});
const saved: Record<string, string | undefined> = {};

beforeAll(async () => {
  await fake.start();
  for (const k of [
    SMS_VOICE_ENDPOINT_ENV,
    'AWS_ENDPOINT_URL',
    'AWS_ACCESS_KEY_ID',
    'AWS_SECRET_ACCESS_KEY',
    'AWS_SESSION_TOKEN',
  ]) {
    saved[k] = process.env[k];
  }
  process.env[SMS_VOICE_ENDPOINT_ENV] = fake.url;
  // A general endpoint elsewhere proves the service-specific variable wins.
  process.env.AWS_ENDPOINT_URL = 'http://127.0.0.1:9';
  process.env.AWS_ACCESS_KEY_ID = 'local';
  process.env.AWS_SECRET_ACCESS_KEY = 'local';
  delete process.env.AWS_SESSION_TOKEN;
});

afterAll(async () => {
  for (const [k, v] of Object.entries(saved)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  await fake.stop();
});

beforeEach(() => {
  fake.resetCalls();
  fake.ratePerSecond = 0;
  fake.latencyMs = 0;
});

async function all(api: SmsVoiceRegistrationApi, region: string, ids?: string[]) {
  const out = [];
  for await (const page of api.pages(region, ids)) out.push(...page);
  return out;
}

describe('SmsVoiceRegistrationApi', () => {
  it('uses the endpoint variable the SDK derives from the service ID "Pinpoint SMS Voice V2"', async () => {
    expect(SMS_VOICE_ENDPOINT_ENV).toBe('AWS_ENDPOINT_URL_PINPOINT_SMS_VOICE_V2');
    const client = new PinpointSMSVoiceV2Client({ region: 'us-west-2' });
    const out = await client.send(new DescribeRegistrationsCommand({}));
    expect(out.Registrations).toHaveLength(3);
    client.destroy();
  });

  it('reads every page with the paginator, signed for each Region', async () => {
    const api = new SmsVoiceRegistrationApi({ pageSize: 20 });
    const east = await all(api, 'us-east-1');
    expect(east).toHaveLength(250);
    expect(new Set(east.map((r) => r.id)).size).toBe(250);
    expect(fake.callCount('DescribeRegistrations')).toBe(13);
    expect(fake.calls.every((c) => c.region === 'us-east-1' && c.body.MaxResults === 20)).toBe(true);
    expect(east[0].createdAt).toBeInstanceOf(Date);
    expect(await all(api, 'us-west-2')).toHaveLength(3);
    api.destroy();
  });

  it('asks for up to 100 per page by default and filters by registration ID', async () => {
    const api = new SmsVoiceRegistrationApi();
    await all(api, 'us-east-1');
    expect(fake.callCount('DescribeRegistrations')).toBe(3);
    fake.resetCalls();
    const ids = ['registration-useast1000007', 'registration-useast1000100'];
    expect((await all(api, 'us-east-1', ids)).map((r) => r.id)).toEqual(ids);
    expect(fake.calls[0].body.RegistrationIds).toEqual(ids);
    api.destroy();
  });

  it('reads the requested version by number, whatever order the API returns versions in', async () => {
    const api = new SmsVoiceRegistrationApi();
    const registration = fake
      .registrations('us-east-1')
      .find((r) => r.CurrentVersionNumber === 3 && r.LatestDeniedVersionNumber === 3);
    expect(registration).toBeDefined();
    const version = await api.version('us-east-1', registration!.RegistrationId, 3);
    expect(version).toMatchObject({ versionNumber: 3, status: 'DENIED' });
    expect(version?.deniedReasons[0].reason).toBe('Opt-in workflow');
    expect(fake.calls[0].body).toEqual({ RegistrationId: registration!.RegistrationId, VersionNumbers: [3] });
    api.destroy();
  });

  it('returns nothing for a registration that no longer exists', async () => {
    const api = new SmsVoiceRegistrationApi();
    await expect(api.version('us-east-1', 'registration-gone', 1)).resolves.toBeUndefined();
    expect(fake.calls[0].error).toBe('ResourceNotFoundException');
    api.destroy();
  });

  it('retries throttling with the SDK, and gives up loudly after its attempts', async () => {
    const api = new SmsVoiceRegistrationApi({ maxAttempts: 3 });
    fake.failNext(2, { operation: 'DescribeRegistrations' });
    expect(await all(api, 'us-west-2')).toHaveLength(3);
    expect(fake.calls.map((c) => c.error ?? 'ok')).toEqual(['ThrottlingException', 'ThrottlingException', 'ok']);
    fake.resetCalls();
    fake.failNext(3, { operation: 'DescribeRegistrationVersions' });
    await expect(api.version('us-east-1', 'registration-useast1000000', 1)).rejects.toMatchObject({
      name: 'ThrottlingException',
    });
    expect(fake.callCount()).toBe(3);
    api.destroy();
  });

  it('surfaces other API errors unchanged', async () => {
    const api = new SmsVoiceRegistrationApi();
    fake.failNext(1, { type: 'AccessDeniedException', status: 400 });
    await expect(all(api, 'us-west-2')).rejects.toMatchObject({ name: 'AccessDeniedException' });
    api.destroy();
  });
});
