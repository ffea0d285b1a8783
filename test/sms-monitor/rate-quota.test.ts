import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { SmsVoiceRegistrationApi } from '../../lambda/sms-monitor/adapters/sms-voice-api';
import { collectRegistrations } from '../../lambda/sms-monitor/core/collect';
import { generateRegistrations } from '../../testing/sms-monitor/datasets';
import { FakeSmsVoiceApi, SMS_VOICE_ENDPOINT_ENV } from '../../testing/sms-monitor/fake-sms-api';

// The API's rate quota is per operation and Region, with Describe actions at 1 request per second
// by default (https://docs.aws.amazon.com/sms-voice/latest/userguide/quotas.html), while the report
// runs up to `versionLookupConcurrency` (8 by default, 32 at most) look-ups at once. The local server
// keeps that ratio at a quicker pace (4 per second against 32 at once), so the test runs in seconds.
const fake = new FakeSmsVoiceApi({
  'us-east-1': generateRegistrations({ region: 'us-east-1', count: 40, lookupShare: 1 }),
});
beforeAll(async () => {
  await fake.start();
  vi.stubEnv(SMS_VOICE_ENDPOINT_ENV, fake.url);
  vi.stubEnv('AWS_ACCESS_KEY_ID', 'local');
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'local');
  vi.stubEnv('AWS_SESSION_TOKEN', undefined);
});

afterAll(async () => {
  vi.unstubAllEnvs();
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
