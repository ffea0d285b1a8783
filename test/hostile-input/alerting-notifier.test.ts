// Hostile input for the notifier: its runtime settings (NOTIFIER_SETTINGS), the webhook URL read
// from its secret, and the alert records it takes from the alerts topic. Each parser must refuse
// with its own error type and one line naming the field, never echoing raw control characters.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AlertContractError, parseAlert } from '../../lambda/flink-alerting/core/alert-contract';
import {
  NotifierSettingsError,
  parseNotifierSettings,
  parseWebhookUrl,
} from '../../lambda/flink-alerting/core/notifier-settings';
import { FIXTURES_DIR } from '../flink-alerting/fixtures';

const SAMPLE = JSON.parse(readFileSync(join(FIXTURES_DIR, 'alert.sample.json'), 'utf8')) as Record<string, unknown>;
const alert = (patch: Record<string, unknown>) => JSON.stringify({ ...SAMPLE, ...patch });

const hook = { name: 'pager', urlSecretArn: 'arn:aws:secretsmanager:x:1:secret:u', secretArn: 'arn:s' };
const settings = (patch: Record<string, unknown>) => JSON.stringify({ webhooks: [hook], ...patch });
const nested = (depth: number) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;

/** One line (so no stack), no raw control or bidirectional characters. */
function expectOneLine(message: string): void {
  expect(message).not.toMatch(/[\n\r\u202e\u200f\u0000]/);
}

describe('NOTIFIER_SETTINGS', () => {
  const cases: Array<[string, string | undefined, RegExp]> = [
    ['unset', undefined, /^NOTIFIER_SETTINGS is not set$/],
    ['empty', '', /^NOTIFIER_SETTINGS is not set$/],
    ['whitespace only', ' \n\t', /^NOTIFIER_SETTINGS is not set$/],
    ['not JSON', '{webhooks: []}', /^NOTIFIER_SETTINGS: not valid JSON: /],
    [
      'not JSON, with a right-to-left mark and a newline',
      '{"a":\u202e\n x}',
      /^NOTIFIER_SETTINGS: not valid JSON: .*\\u202e/,
    ],
    ['binary', '\u0000\u0001\u00ff\u00fe', /^NOTIFIER_SETTINGS: not valid JSON: /],
    ['a JSON array', '[]', /^NOTIFIER_SETTINGS: \(root\): /],
    ['deeply nested', nested(10_000), /^NOTIFIER_SETTINGS: \(root\): Unrecognized key: "a"$/],
    [
      'a webhook URL in the settings (kept in a secret)',
      settings({ webhooks: [{ ...hook, url: 'https://h.example.com/?token=1' }] }),
      /^NOTIFIER_SETTINGS: webhooks\.0: Unrecognized key: "url"$/,
    ],
    [
      'a look-alike webhook name (Cyrillic a)',
      settings({ webhooks: [{ ...hook, name: 'p\u0430ger' }] }),
      /^NOTIFIER_SETTINGS: webhooks\.0\.name: /,
    ],
    [
      'a right-to-left mark in a webhook name',
      settings({ webhooks: [{ ...hook, name: 'pager\u202e' }] }),
      /^NOTIFIER_SETTINGS: webhooks\.0\.name: /,
    ],
    [
      'a number where the secret ARN goes',
      settings({ webhooks: [{ ...hook, secretArn: 42 }] }),
      /^NOTIFIER_SETTINGS: webhooks\.0\.secretArn: /,
    ],
    [
      'a whitespace-only URL secret ARN',
      settings({ webhooks: [{ ...hook, urlSecretArn: '   ' }] }),
      /^NOTIFIER_SETTINGS: webhooks\.0\.urlSecretArn: expected a secret ARN$/,
    ],
    ['a string where a number goes', settings({ retry: { attempts: '4' } }), /^NOTIFIER_SETTINGS: retry\.attempts: /],
    ['an hour-long timeout', settings({ webhookTimeoutMs: 3_600_000 }), /^NOTIFIER_SETTINGS: webhookTimeoutMs: /],
    [
      'a newline in the mail subject prefix',
      settings({ email: { from: 'a@example.com', to: ['b@example.com'], subjectPrefix: 'x\nBcc: c@example.com' } }),
      /^NOTIFIER_SETTINGS: email\.subjectPrefix: expected text without control characters \(it starts the mail subject\)$/,
    ],
    [
      'a whitespace-only severity',
      settings({ webhooks: [{ ...hook, severities: [' '] }] }),
      /^NOTIFIER_SETTINGS: webhooks\.0\.severities\.0: expected a non-blank value$/,
    ],
    [
      'an empty recipient list',
      settings({ email: { from: 'a@example.com', to: [] } }),
      /^NOTIFIER_SETTINGS: email\.to: /,
    ],
    [
      'an unknown top-level key',
      settings({ webhook: [] }),
      /^NOTIFIER_SETTINGS: \(root\): Unrecognized key: "webhook"$/,
    ],
  ];
  it.each(cases)('refuses %s', (_name, text, message) => {
    let error: unknown;
    try {
      parseNotifierSettings(text);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(NotifierSettingsError);
    expect((error as Error).message).toMatch(message);
    expectOneLine((error as Error).message);
  });
});

describe('webhook URL secret value', () => {
  const cases: Array<[string, string]> = [
    ['http', 'http://hooks.example.com/a?token=1'],
    ['no scheme', 'hooks.example.com/a'],
    ['another scheme', 'file:///etc/passwd'],
    ['empty', ''],
    ['whitespace only', '  \n '],
    ['JSON instead of the URL', '{"url":"https://hooks.example.com"}'],
    ['a look-alike scheme (Cyrillic s)', 'http\u0455://hooks.example.com'],
  ];
  it.each(cases)('refuses %s, naming the secret and never the value', (_name, value) => {
    expect(() => parseWebhookUrl(value, 'arn:aws:secretsmanager:x:1:secret:u')).toThrow(
      /^webhook URL secret arn:aws:secretsmanager:x:1:secret:u: expected an https:\/\/ URL as the secret string$/,
    );
  });

  it('takes an https URL with its token, trimmed', () => {
    expect(parseWebhookUrl(' https://hooks.example.com/a?token=1\n', 'arn').href).toBe(
      'https://hooks.example.com/a?token=1',
    );
  });
});

describe('alert records', () => {
  const cases: Array<[string, string, RegExp]> = [
    ['empty', '', /^alert: not valid JSON: /],
    ['whitespace only', ' \n ', /^alert: not valid JSON: /],
    ['binary', '\u0000\u00ff\u00fe\u0007', /^alert: not valid JSON: .*\\u0000/],
    ['UTF-16 decoded as UTF-8', Buffer.from('{"a":1}', 'utf16le').toString('utf8'), /^alert: not valid JSON: /],
    ['a byte order mark', `\ufeff${alert({})}`, /^alert: not valid JSON: /],
    ['not JSON, with a right-to-left mark and a newline', '{"status":\u202e\n}', /^alert: not valid JSON: .*\\u202e/],
    ['a JSON array', '[]', /^alert: expected a JSON object, got an array$/],
    ['a number', '42', /^alert: expected a JSON object, got 42$/],
    ['deeply nested', nested(20_000), /^alert\.status: expected "TRIGGERED" or "RECOVERED", got nothing$/],
    ['a string version', alert({ version: '1' }), /^alert\.version: only version 1 is understood, got "1"$/],
    [
      'a look-alike status (Cyrillic E)',
      alert({ status: 'TRIGG\u0415RED' }),
      /^alert\.status: expected "TRIGGERED" or "RECOVERED", got "TRIGG\u0415RED"$/,
    ],
    [
      'a number where the alert id goes',
      alert({ alertId: 12345 }),
      /^alert\.alertId: expected a non-empty string, got 12345$/,
    ],
    [
      'a whitespace-only monitor id',
      alert({ monitorId: ' \t ' }),
      /^alert\.monitorId: expected a non-empty string, got " \\t "$/,
    ],
    [
      'a newline in the severity (mail subject)',
      alert({ severity: 'critical\nBcc: x@example.com' }),
      /^alert\.severity: expected printable text \(no control or bidirectional characters\), got "critical\\nBcc: /,
    ],
    [
      'a right-to-left mark in the monitor id',
      alert({ monitorId: 'vdi\u202ehgih' }),
      /^alert\.monitorId: expected printable text .*got "vdi\\u202ehgih"$/,
    ],
    [
      'a local-time timestamp',
      alert({ windowEnd: '2025-01-06T10:08:00+01:00' }),
      /^alert\.windowEnd: expected an ISO-8601 UTC timestamp/,
    ],
    [
      'an impossible date (February 30)',
      alert({ windowStart: '2025-02-30T09:07:30Z', windowEnd: '2025-02-30T09:08:00Z' }),
      /^alert\.windowStart: expected an ISO-8601 UTC timestamp/,
    ],
    [
      'an oversized record',
      alert({ group: { pool: 'p'.repeat(300_000) } }),
      /^alert: expected at most 262144 characters, got 30\d{4}$/,
    ],
    [
      'a window that ends before it starts',
      alert({ windowStart: '2025-01-06T09:09:00Z' }),
      /^alert\.windowStart: must not be after windowEnd/,
    ],
    [
      'a huge number',
      alert({ value: 350 }).replace('"value":350', '"value":1e400'),
      /^alert\.value: expected a number or null, got /,
    ],
    ['a string where the value goes', alert({ value: '350' }), /^alert\.value: expected a number or null, got "350"$/],
    [
      'a number as a group value',
      alert({ group: { desktopPool: 7 } }),
      /^alert\.group\.desktopPool: expected a string, got 7$/,
    ],
    [
      'a control character in a group key',
      alert({ group: { 'pool\nx': 1 } }),
      /^alert\.group\.pool\\u000ax: expected a string, got 1$/,
    ],
    [
      'an oversized id',
      alert({ alertId: 7 + 'x'.repeat(1000) }),
      /^alert\.alertId: expected at most 512 characters, got 1001$/,
    ],
  ];
  it.each(cases)('refuses %s', (_name, text, message) => {
    let error: unknown;
    try {
      parseAlert(text);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(AlertContractError);
    expect((error as Error).message).toMatch(message);
    expectOneLine((error as Error).message);
    expect((error as Error).message.length).toBeLessThan(400);
  });

  it('keeps a "__proto__" group dimension as data', () => {
    const parsed = parseAlert(alert({ group: JSON.parse('{"__proto__": "pool-x"}') as unknown }));
    expect(Object.keys(parsed.group)).toEqual(['__proto__']);
  });
});
