import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type Alert, alertKey, parseAlert } from '../../lambda/flink-alerting/core/alert-contract';
import {
  type Channel,
  emailChannel,
  type NotifierDeps,
  processBatch,
  webhookChannel,
} from '../../lambda/flink-alerting/core/notifier';
import type {
  AlertHistory,
  AlertRecord,
  DeadLetterEntry,
  DeliveryOutcome,
  EmailMessage,
  WebhookRequest,
  WebhookResponse,
} from '../../lambda/flink-alerting/core/notifier-ports';
import { deliveryIdOf, renderEmail, renderWebhookBody } from '../../lambda/flink-alerting/core/render';
import { backoffDelay, withRetries } from '../../lambda/flink-alerting/core/retry';
import { parseNotifierSettings } from '../../lambda/flink-alerting/core/notifier-settings';
import { sign, verify } from '../../lambda/flink-alerting/core/signing';
import { FIXTURES_DIR } from './fixtures';

const SAMPLE: Alert = parseAlert(readFileSync(join(FIXTURES_DIR, 'alert.sample.json'), 'utf8'));
const NOW = new Date('2025-01-06T09:08:05Z');

function alert(overrides: Partial<Alert> = {}): Alert {
  return { ...SAMPLE, ...overrides };
}

function record(value: string | null, offset = 0): AlertRecord {
  return { topic: 'alerts', partition: 0, offset, value };
}

class MemoryHistory implements AlertHistory {
  readonly items = new Map<string, { alert: Alert; delivered: Set<string>; failed: string[]; claims: number }>();

  async claim(a: Alert): Promise<{ deliveredChannels: readonly string[] }> {
    const item = this.items.get(alertKey(a)) ?? { alert: a, delivered: new Set<string>(), failed: [], claims: 0 };
    item.claims++;
    this.items.set(alertKey(a), item);
    return { deliveredChannels: [...item.delivered] };
  }

  async recordDelivery(a: Alert, outcome: DeliveryOutcome): Promise<void> {
    const item = this.items.get(alertKey(a));
    if (!item) throw new Error('recordDelivery before claim');
    outcome.delivered.forEach((c) => item.delivered.add(c));
    item.failed = [...outcome.failed];
  }
}

/** A scripted webhook receiver: answers from `script` in order, then 200. */
class ScriptedPoster {
  readonly requests: WebhookRequest[] = [];
  constructor(private readonly script: Array<WebhookResponse | Error> = []) {}
  async post(request: WebhookRequest): Promise<WebhookResponse> {
    this.requests.push(request);
    const next = this.script.shift() ?? { status: 200 };
    if (next instanceof Error) throw next;
    return next;
  }
}

interface Harness {
  deps: NotifierDeps;
  history: MemoryHistory;
  emails: EmailMessage[];
  poster: ScriptedPoster;
  deadLetters: DeadLetterEntry[];
  sleeps: number[];
}

function harness(
  options: {
    script?: Array<WebhookResponse | Error>;
    webhookSeverities?: string[];
    failEmail?: Error;
    webhookUrl?: string;
  } = {},
): Harness {
  const history = new MemoryHistory();
  const emails: EmailMessage[] = [];
  const poster = new ScriptedPoster(options.script);
  const deadLetters: DeadLetterEntry[] = [];
  const sleeps: number[] = [];
  const clock = { now: () => NOW, sleep: async (ms: number) => void sleeps.push(ms) };
  const settings = parseNotifierSettings(
    JSON.stringify({
      email: { from: 'alerts@example.com', to: ['oncall@example.com'], subjectPrefix: 'vdi' },
      webhooks: [
        {
          name: 'bridge',
          urlSecretArn: 'arn:url',
          secretArn: 'arn:secret',
          severities: options.webhookSeverities,
        },
      ],
      retry: { attempts: 3, baseDelayMs: 100, maxDelayMs: 1000 },
    }),
  );
  const channels: Channel[] = [
    emailChannel(settings.email!, {
      send: async (m) => {
        if (options.failEmail) throw options.failEmail;
        emails.push(m);
      },
    }),
    webhookChannel(settings.webhooks[0], {
      poster,
      secrets: {
        get: async (arn) =>
          arn === 'arn:url' ? (options.webhookUrl ?? 'https://hooks.example.com/a?token=secret') : 'hmac-key',
      },
      clock,
    }),
  ];
  return {
    deps: {
      channels,
      history,
      deadLetters: { send: async (e) => void deadLetters.push(...e) },
      clock,
      retry: settings.retry,
      random: () => 1,
    },
    history,
    emails,
    poster,
    deadLetters,
    sleeps,
  };
}

const triggered = alert();
const recovered = alert({
  status: 'RECOVERED',
  value: 120,
  windowStart: '2025-01-06T09:09:00Z',
  windowEnd: '2025-01-06T09:09:30Z',
});
const otherGroup = alert({
  alertId: 'b'.repeat(64),
  group: { desktopPool: 'pool-b' },
  severity: 'warning',
  windowEnd: '2025-01-06T09:07:30Z',
  windowStart: '2025-01-06T09:07:00Z',
});

describe('alert contract v1', () => {
  it('parses the shared fixture and names the field a bad record gets wrong', () => {
    expect(SAMPLE).toMatchObject({ monitorId: 'vdi-latency-high', status: 'TRIGGERED', value: 350, threshold: 300 });
    const bad = (patch: Record<string, unknown>) => () => parseAlert(JSON.stringify({ ...SAMPLE, ...patch }));
    expect(bad({ status: 'FIRING' })).toThrow('alert.status: expected "TRIGGERED" or "RECOVERED", got "FIRING"');
    expect(bad({ windowEnd: '2025-01-06 09:08' })).toThrow('alert.windowEnd: expected an ISO-8601 UTC timestamp');
    expect(bad({ value: 'high' })).toThrow('alert.value: expected a number or null, got "high"');
    expect(bad({ group: { pool: 1 } })).toThrow('alert.group.pool: expected a string, got 1');
    expect(bad({ version: 2 })).toThrow('alert.version: only version 1 is understood');
    expect(() => parseAlert('{not json')).toThrow('alert: not valid JSON');
    expect(parseAlert(JSON.stringify({ ...SAMPLE, value: null, extra: true })).value).toBeNull();
  });
});

describe('notifier core', () => {
  it('sends the alerts of one batch as one email and one signed POST, in windowEnd order', async () => {
    const h = harness();
    const summary = await processBatch(
      [
        record(JSON.stringify(recovered), 1),
        record(JSON.stringify(triggered), 2),
        record(JSON.stringify(otherGroup), 3),
      ],
      h.deps,
    );
    expect(summary).toMatchObject({ records: 3, malformed: 0, duplicates: 0, notified: 3 });
    expect(h.emails).toHaveLength(1);
    expect(h.emails[0].subject).toBe('[vdi] 3 alerts: 2 triggered, 1 recovered (warning, critical)');
    expect(
      h.emails[0].text
        .split('\n')
        .slice(2, 5)
        .map((l) => l.split(' ')[0]),
    ).toEqual(['TRIGGERED', 'TRIGGERED', 'RECOVERED']);
    expect(h.poster.requests).toHaveLength(1);
    const [request] = h.poster.requests;
    const body = JSON.parse(request.body);
    expect(body.version).toBe(1);
    expect(body.alerts.map((a: Alert) => a.windowEnd)).toEqual([
      '2025-01-06T09:07:30Z',
      '2025-01-06T09:08:00Z',
      '2025-01-06T09:09:30Z',
    ]);
    expect(body.deliveryId).toBe(deliveryIdOf([triggered, recovered, otherGroup]));
    expect(
      verify(
        'hmac-key',
        { signature: request.headers['x-alerting-signature'], timestamp: request.headers['x-alerting-timestamp'] },
        request.body,
        NOW.getTime() / 1000,
      ),
    ).toBe(true);
    expect(request.headers['x-alerting-timestamp']).toBe(String(NOW.getTime() / 1000));
    for (const item of h.history.items.values())
      expect([...item.delivered].sort()).toEqual(['email', 'webhook:bridge']);
  });

  it('deduplicates by alertId + windowEnd within a batch and across redeliveries', async () => {
    const h = harness();
    const first = await processBatch([record(JSON.stringify(triggered)), record(JSON.stringify(triggered))], h.deps);
    expect(first).toMatchObject({ duplicates: 1, notified: 1 });
    const again = await processBatch([record(JSON.stringify(triggered))], h.deps);
    expect(again).toMatchObject({ duplicates: 1, notified: 0, channels: [] });
    expect(h.emails).toHaveLength(1);
    expect(h.poster.requests).toHaveLength(1);
    expect(h.history.items.get(alertKey(triggered))?.claims).toBe(2);
  });

  it('sends a redelivered alert only to the channels that did not get it', async () => {
    const h = harness();
    await h.history.claim(triggered);
    await h.history.recordDelivery(triggered, { delivered: ['email'], failed: ['webhook:bridge'] });
    const summary = await processBatch([record(JSON.stringify(triggered))], h.deps);
    expect(summary.channels).toEqual([{ name: 'webhook:bridge', alerts: 1, ok: true, attempts: 1 }]);
    expect(h.emails).toHaveLength(0);
    expect(h.history.items.get(alertKey(triggered))?.failed).toEqual([]);
  });

  it('dead-letters a malformed record with the reason and delivers the rest', async () => {
    const h = harness();
    const summary = await processBatch(
      [
        record('{"alertId":"x"', 7),
        record(JSON.stringify({ ...triggered, status: 'FIRING' }), 8),
        record(JSON.stringify(triggered), 9),
        record(null, 10),
      ],
      h.deps,
    );
    expect(summary).toMatchObject({ records: 4, tombstones: 1, malformed: 2, notified: 1 });
    expect(h.deadLetters.map((d) => d.reason)).toEqual(['malformed', 'malformed']);
    expect(h.deadLetters[1]).toMatchObject({
      error: 'alert.status: expected "TRIGGERED" or "RECOVERED", got "FIRING"',
      record: { topic: 'alerts', partition: 0, offset: 8 },
    });
  });

  it('retries a failing webhook with backoff, honouring Retry-After, then succeeds', async () => {
    const h = harness({ script: [{ status: 503 }, new Error('ECONNRESET'), { status: 429, retryAfterSeconds: 0.3 }] });
    const h2 = harness({ script: [{ status: 503 }, new Error('ECONNRESET')] });
    const summary = await processBatch([record(JSON.stringify(triggered))], h2.deps);
    expect(summary.channels.find((c) => c.name === 'webhook:bridge')).toEqual({
      name: 'webhook:bridge',
      alerts: 1,
      ok: true,
      attempts: 3,
    });
    // Full jitter with random() = 1: the cap itself, 100 then 200 ms.
    expect(h2.sleeps).toEqual([100, 200]);
    const exhausted = await processBatch([record(JSON.stringify(triggered))], h.deps);
    expect(exhausted.channels.find((c) => c.name === 'webhook:bridge')).toMatchObject({ ok: false, attempts: 3 });
    expect(h.sleeps).toEqual([100, 200]);
    expect(h.deadLetters).toEqual([
      {
        reason: 'delivery-failed',
        channel: 'webhook:bridge',
        error: 'POST https://hooks.example.com/a answered HTTP 429',
        attempts: 3,
        alerts: [triggered],
      },
    ]);
    // The URL's query (a token) never reaches logs or dead letters.
    expect(JSON.stringify(h.deadLetters)).not.toContain('token=secret');
    expect([...(h.history.items.get(alertKey(triggered))?.delivered ?? [])]).toEqual(['email']);
    expect(h.history.items.get(alertKey(triggered))?.failed).toEqual(['webhook:bridge']);
  });

  it('does not retry a permanent refusal, and other channels still deliver', async () => {
    const h = harness({ script: [{ status: 400 }] });
    const summary = await processBatch([record(JSON.stringify(triggered))], h.deps);
    expect(summary.channels).toEqual([
      { name: 'email', alerts: 1, ok: true, attempts: 1 },
      {
        name: 'webhook:bridge',
        alerts: 1,
        ok: false,
        attempts: 1,
        error: 'POST https://hooks.example.com/a answered HTTP 400',
      },
    ]);
    expect(h.poster.requests).toHaveLength(1);
    expect(h.sleeps).toEqual([]);
    expect(h.deadLetters).toHaveLength(1);
  });

  it.each([['http://hooks.example.com/a'], ['hooks.example.com/a'], ['ftp://hooks.example.com/a'], ['']])(
    'refuses a webhook URL secret holding %j: https only, dead-lettered without a request',
    async (url) => {
      const h = harness({ webhookUrl: url });
      const summary = await processBatch([record(JSON.stringify(triggered))], h.deps);
      expect(h.poster.requests).toHaveLength(0);
      expect(h.sleeps).toEqual([]);
      expect(summary.channels[1]).toEqual({
        name: 'webhook:bridge',
        alerts: 1,
        ok: false,
        attempts: 1,
        error: 'webhook URL secret arn:url: expected an https:// URL as the secret string',
      });
      expect(h.deadLetters).toHaveLength(1);
      if (url) expect(JSON.stringify(h.deadLetters)).not.toContain(url);
    },
  );

  it('dead-letters an email the sender keeps refusing', async () => {
    const h = harness({ failEmail: new Error('Throttling') });
    await processBatch([record(JSON.stringify(triggered))], h.deps);
    expect(h.deadLetters).toEqual([
      expect.objectContaining({ reason: 'delivery-failed', channel: 'email', error: 'Throttling', attempts: 3 }),
    ]);
  });

  it('sends a channel only the severities it asks for', async () => {
    const h = harness({ webhookSeverities: ['critical'] });
    await processBatch([record(JSON.stringify(triggered)), record(JSON.stringify(otherGroup))], h.deps);
    expect(JSON.parse(h.poster.requests[0].body).alerts.map((a: Alert) => a.severity)).toEqual(['critical']);
    expect(h.emails[0].subject).toContain('2 alerts');
  });

  it('fails the batch when the dead-letter sink is down, after recording what was delivered', async () => {
    const h = harness({ script: [{ status: 400 }] });
    h.deps = { ...h.deps, deadLetters: { send: async () => Promise.reject(new Error('SQS unavailable')) } };
    await expect(processBatch([record(JSON.stringify(triggered))], h.deps)).rejects.toThrow('SQS unavailable');
    expect([...(h.history.items.get(alertKey(triggered))?.delivered ?? [])]).toEqual(['email']);
  });
});

describe('notifier helpers', () => {
  it('signs and verifies webhook bodies, rejecting tampering and stale timestamps', () => {
    const signature = sign('k', 1_700_000_000, '{"a":1}');
    expect(signature).toMatch(/^v1=[0-9a-f]{64}$/);
    expect(verify('k', { signature, timestamp: '1700000000' }, '{"a":1}', 1_700_000_100)).toBe(true);
    expect(verify('k', { signature, timestamp: '1700000000' }, '{"a":2}', 1_700_000_100)).toBe(false);
    expect(verify('other', { signature, timestamp: '1700000000' }, '{"a":1}', 1_700_000_100)).toBe(false);
    expect(verify('k', { signature, timestamp: '1700000000' }, '{"a":1}', 1_700_001_000)).toBe(false);
  });

  it('caps backoff and stops at the attempt limit', async () => {
    const policy = { attempts: 5, baseDelayMs: 200, maxDelayMs: 1000 };
    expect([1, 2, 3, 4, 5].map((r) => backoffDelay(policy, r, () => 0.999))).toEqual([199, 399, 799, 999, 999]);
    let calls = 0;
    await expect(
      withRetries(
        async () => {
          calls++;
          throw new Error('down');
        },
        policy,
        async () => undefined,
      ),
    ).rejects.toThrow('down (after 5 attempts)');
    expect(calls).toBe(5);
  });

  it('escapes alert text in the HTML email and renders silent groups as "no data"', () => {
    const html = renderEmail([alert({ monitorId: '<script>', value: null, status: 'RECOVERED' })], 'x').html;
    expect(html).toContain('&lt;script&gt;');
    expect(html).not.toContain('<script>');
    expect(html).toContain('no data');
    expect(renderWebhookBody([triggered]).deliveryId).toBe(renderWebhookBody([triggered]).deliveryId);
  });

  it('rejects bad notifier settings naming the field', () => {
    // The URL comes from its secret: a URL in the settings (the environment) is refused.
    expect(() =>
      parseNotifierSettings(
        JSON.stringify({ webhooks: [{ name: 'a', url: 'http://h.example.com', urlSecretArn: 'u', secretArn: 'x' }] }),
      ),
    ).toThrow('NOTIFIER_SETTINGS: webhooks.0: Unrecognized key: "url"');
    expect(() => parseNotifierSettings(undefined)).toThrow('NOTIFIER_SETTINGS is not set');
  });
});
