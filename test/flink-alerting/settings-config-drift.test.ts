// The notifier's settings accept exactly what the config accepts for every setting the stack copies
// from the config into them: a value the config lets through must not stop the notifier at cold
// start, and a value the notifier would refuse must fail at synth.
import { describe, expect, it } from 'vitest';
import { durationIn, durationMs, isoDurationOf } from '../../config/schema/duration';
import { flinkAlertingConfig } from '../../config/schema/flink-alerting';
import { historyTtlDays, retryAttempts, retryDelayMs } from '../../config/schema/flink-alerting-fields';
import { parseNotifierSettings } from '../../lambda/flink-alerting/core/notifier-settings';
import { alertingSection } from './fixtures';
import { expectSameVerdicts } from '../helpers/settings-drift';

const hook = { name: 'pager', urlSecretArn: 'arn:aws:secretsmanager:x:1:secret:u', secretArn: 'arn:s' };
const mail = { from: 'alerts@example.com', to: ['oncall@example.com'] };

type Notifier = { email: Record<string, unknown>; webhooks: Array<Record<string, unknown>> } & Record<string, unknown>;

function configAccepts(change: (notifier: Notifier) => void): boolean {
  const notifier: Notifier = {
    email: { ...mail },
    webhooks: [{ ...(alertingSection().notifier as Notifier).webhooks[0] }],
  };
  change(notifier);
  return flinkAlertingConfig.safeParse(alertingSection({ notifier })).success;
}

function settingsAccept(settings: Record<string, unknown>): boolean {
  try {
    parseNotifierSettings(JSON.stringify({ webhooks: [hook], ...settings }));
    return true;
  } catch {
    return false;
  }
}

function boundsOf(schema: { minValue: number | null; maxValue: number | null }): readonly number[] {
  const { minValue: min, maxValue: max } = schema;
  if (min === null || max === null) throw new Error('expected a schema with both bounds');
  return [min - 1, min, min + 0.5, max, max + 1];
}

describe('notifier settings and the config agree', () => {
  it('on retry.attempts at its bounds', () => {
    expectSameVerdicts(
      boundsOf(retryAttempts),
      (v) => configAccepts((n) => (n.retry = { attempts: v })),
      (v) => settingsAccept({ retry: { attempts: v } }),
    );
  });

  // The config takes the delays as durations, the notifier as milliseconds.
  it.each([
    ['baseDelay', 'baseDelayMs'],
    ['maxDelay', 'maxDelayMs'],
  ] as const)('on retry.%s at its bounds', (field, key) => {
    expectSameVerdicts(
      boundsOf(retryDelayMs).filter((ms) => ms >= 0 && Number.isInteger(ms)),
      (v) => configAccepts((n) => (n.retry = { [field]: isoDurationOf(v as number) })),
      (v) => settingsAccept({ retry: { [key]: v } }),
    );
  });

  it('on historyTtl at its bounds', () => {
    expectSameVerdicts(
      boundsOf(historyTtlDays).filter((days) => days >= 0),
      (v) => configAccepts((n) => (n.historyTtl = isoDurationOf((v as number) * 86_400_000))),
      (v) => settingsAccept({ historyTtlDays: v }),
    );
  });

  it('on the mail settings', () => {
    expectSameVerdicts(
      ['alerting', '', 'x'.repeat(40), 'x'.repeat(41), 'x\nBcc: c@example.com'],
      (v) => configAccepts((n) => (n.email.subjectPrefix = v)),
      (v) => settingsAccept({ email: { ...mail, subjectPrefix: v } }),
    );
    expectSameVerdicts(
      [['a@example.com'], [], ['not-an-address']],
      (v) => configAccepts((n) => (n.email.to = v)),
      (v) => settingsAccept({ email: { ...mail, to: v } }),
    );
    expectSameVerdicts(
      ['alerting', '', ' ', 'a\tb'],
      (v) => configAccepts((n) => (n.email.configurationSetName = v)),
      (v) => settingsAccept({ email: { ...mail, configurationSetName: v } }),
    );
  });

  it('on webhook names and severities', () => {
    expectSameVerdicts(
      ['pager', 'x'.repeat(63), 'x'.repeat(64), 'Pager', '-pager', 'p\u0430ger'],
      (v) => configAccepts((n) => (n.webhooks[0].name = v)),
      (v) => settingsAccept({ webhooks: [{ ...hook, name: v }] }),
    );
    expectSameVerdicts(
      [['critical'], [], [''], [' '], ['a\nb']],
      (v) => configAccepts((n) => (n.webhooks[0].severities = v)),
      (v) => settingsAccept({ webhooks: [{ ...hook, severities: v }] }),
    );
  });

  it('on the defaults, as the stack converts them', () => {
    const config = flinkAlertingConfig.parse(alertingSection()).notifier;
    const settings = parseNotifierSettings(JSON.stringify({ email: mail }));
    expect({
      subjectPrefix: config.email?.subjectPrefix,
      attempts: config.retry.attempts,
      baseDelayMs: durationMs(config.retry.baseDelay),
      maxDelayMs: durationMs(config.retry.maxDelay),
      historyTtlDays: durationIn(config.historyTtl, 'P1D'),
    }).toEqual({
      subjectPrefix: settings.email?.subjectPrefix,
      ...settings.retry,
      historyTtlDays: settings.historyTtlDays,
    });
  });
});
