// The monitor's settings accept exactly what the config accepts for every setting the stack copies
// from the config into them: a value the config lets through must not stop the functions at cold
// start, and a value the functions would refuse must fail at synth.
import { describe, expect, it } from 'vitest';
import { isoDurationOf } from '../../config/schema/duration';
import { SMS_MONITOR_SETTING_DEFAULTS, smsMonitorConfig, smsMonitorReport } from '../../config/schema/sms-monitor';
import { recentlyCompletedDays } from '../../config/schema/sms-monitor-fields';
import { parseSettings } from '../../lambda/sms-monitor/adapters/settings';

const email = { identity: 'example.com', sender: 'reports@example.com', recipients: ['team@example.com'] };

function configAccepts(section: 'report' | 'alerts' | 'email' | 'timeZone', field: string, value: unknown): boolean {
  const smsMonitor: Record<string, unknown> = {
    accounts: [{ account: '111111111111', regions: ['us-east-1'] }],
    email,
  };
  if (section === 'timeZone') smsMonitor.timeZone = value;
  else smsMonitor[section] = { ...(section === 'email' ? email : {}), [field]: value };
  return smsMonitorConfig.safeParse(smsMonitor).success;
}

function settingsAccept(key: string, value: unknown): boolean {
  const settings = { ...SMS_MONITOR_SETTING_DEFAULTS, regions: ['us-east-1'], timeZone: 'UTC', ...email, [key]: value };
  delete (settings as Record<string, unknown>).identity;
  try {
    parseSettings(JSON.stringify(settings));
    return true;
  } catch {
    return false;
  }
}

describe('monitor settings and the config agree', () => {
  const numbers = smsMonitorReport.unwrap().shape;
  // The config takes the recent window as a duration, the functions as a number of days.
  it.each([
    [
      'recentlyCompletedDays',
      recentlyCompletedDays,
      'recentlyCompletedWithin',
      (days: number) => isoDurationOf(days * 86_400_000),
    ],
    [
      'versionLookupConcurrency',
      numbers.versionLookupConcurrency.unwrap(),
      'versionLookupConcurrency',
      (n: number) => n,
    ],
  ] as const)('on %s at its bounds', (key, schema, field, configValue) => {
    const { minValue: min, maxValue: max } = schema;
    if (min === null || max === null) throw new Error(`${key} needs both bounds`);
    for (const value of [min - 1, min, min + 0.5, max, max + 1]) {
      expect({ value, accepted: settingsAccept(key, value) }).toEqual({
        value,
        accepted: configAccepts('report', field, configValue(value)),
      });
    }
  });

  it.each([
    ['sendOnlyOnChange', 'report', 'sendOnlyOnChange', [true, false, 'yes', 1]],
    ['weeklyDigestDay', 'report', 'weeklyDigestDay', ['MONDAY', 'SUNDAY', 'monday', 'MON']],
    ['alertStatuses', 'alerts', 'statuses', [['CLOSED'], ['CREATED', 'REQUIRES_UPDATES'], [], ['COMPLETE']]],
    [
      'timeZone',
      'timeZone',
      'timeZone',
      ['UTC', 'Europe/Berlin', 'America/Argentina/Buenos_Aires', 'EST', 'Mars/Base'],
    ],
    ['recipients', 'email', 'recipients', [['a@example.com'], [], ['not-an-address'], Array(51).fill('a@example.com')]],
    ['configurationSet', 'email', 'configurationSet', ['reports_1', 'x'.repeat(64), 'x'.repeat(65), 'has space']],
  ] as const)('on %s', (key, section, field, values) => {
    for (const value of values) {
      expect({ value, accepted: settingsAccept(key, value) }).toEqual({
        value,
        accepted: configAccepts(section, field, value),
      });
    }
  });

  it('on the monitored Regions', () => {
    expect(configAccepts('timeZone', '', 'UTC')).toBe(true);
    for (const regions of [
      ['us-east-1'],
      ['us-east-1', 'cn-north-1'],
      [],
      ['zz-mars-1'],
      ['US-EAST-1'],
      ['constructor'],
    ]) {
      const config = smsMonitorConfig.safeParse({ accounts: [{ account: '111111111111', regions }], email });
      expect({ regions, accepted: settingsAccept('regions', regions) }).toEqual({ regions, accepted: config.success });
    }
  });
});
