import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SmsVoiceRegistrationApi } from '../../lambda/sms-monitor/adapters/sms-voice-api';
import { collectRegistrations } from '../../lambda/sms-monitor/core/collect';
import { generateRegistrations } from './support/datasets';
import { FakeSmsVoiceApi, SMS_VOICE_ENDPOINT_ENV } from './support/fake-sms-api';

// The API's rate quota is per operation and Region, with Describe actions at 1 request per second
// by default (https://docs.aws.amazon.com/sms-voice/latest/userguide/quotas.html), while the report
// runs up to `versionLookupConcurrency` (8 by default, 32 at most) look-ups at once. The local server
// keeps that ratio at a quicker pace (4 per second against 32 at once), so the test runs in seconds.
const fake = new FakeSmsVoiceApi({
  'us-east-1': generateRegistrations({ region: 'us-east-1', count: 40, lookupShare: 1 }),
});
const saved: Record<string, string | undefined> = {};

beforeAll(async () => {
  await fake.start();
  for (const k of [SMS_VOICE_ENDPOINT_ENV, 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN']) {
    saved[k] = process.env[k];
  }
  process.env[SMS_VOICE_ENDPOINT_ENV] = fake.url;
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

describe('version look-ups against the rate quota', () => {
  it('finish when the concurrency far exceeds the quota: the client slows down instead of giving up', async () => {
    fake.ratePerSecond = 4;
    const api = new SmsVoiceRegistrationApi();
    try {
      const result = await collectRegistrations(api, { regions: ['us-east-1'], concurrency: 32 });
      expect(result.stats.versionLookups).toBe(40);
      expect(result.registrations).toHaveLength(40);
      expect(fake.calls.some((c) => c.error === 'ThrottlingException')).toBe(true);
    } finally {
      api.destroy();
    }
  }, 120_000);
});
