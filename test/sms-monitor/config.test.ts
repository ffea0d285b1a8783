import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, validateConfig } from '../../config/load';
import { REPO_ROOT } from '../helpers/app';

const shared = { tags: { owner: 'me' } };
const minimal = {
  accounts: [{ account: '111111111111', regions: ['us-east-1'] }],
  email: { identity: 'example.com', sender: 'reports@example.com', recipients: ['team@example.com'] },
};

function problemsOf(smsMonitor: unknown): readonly string[] {
  try {
    validateConfig({ shared, smsMonitor });
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as ConfigError).problems;
  }
  throw new Error('config was accepted');
}

describe('smsMonitor config', () => {
  it('accepts the example config: one account, two Regions', () => {
    const config = loadConfig(join(REPO_ROOT, 'config/example.yaml'));
    expect(config.smsMonitor?.accounts).toEqual([{ account: '111111111111', regions: ['us-east-1', 'us-west-2'] }]);
    expect(config.smsMonitor?.timeZone).toBe('America/New_York');
    expect(config.smsMonitor?.report.sendOnlyOnChange).toBe(true);
  });

  it('fills every default of a minimal section', () => {
    const config = validateConfig({ shared, smsMonitor: minimal }).smsMonitor;
    expect(config).toMatchObject({
      timeZone: 'UTC',
      schedule: {
        expression: 'cron(0 8 ? * MON-FRI *)',
        flexibleWindow: 'PT15M',
        retryAttempts: 10,
        maxEventAge: 'PT1H',
      },
      report: {
        sendOnlyOnChange: false,
        weeklyDigestDay: 'MONDAY',
        recentlyCompletedWithin: 'P7D',
        versionLookupConcurrency: 8,
      },
      alerts: { enabled: true, statuses: ['REQUIRES_UPDATES', 'REQUIRES_AUTHENTICATION', 'CLOSED'] },
    });
  });

  it('is optional: a config without it deploys no monitor', () => {
    expect(validateConfig({ shared }).smsMonitor).toBeUndefined();
  });

  it('names a sender outside the identity domain', () => {
    expect(problemsOf({ ...minimal, email: { ...minimal.email, sender: 'reports@other.org' } })).toEqual([
      'smsMonitor.email.sender: expected an address in the identity\'s domain example.com (SES sends only from verified identities), got "reports@other.org"',
    ]);
  });

  it('accepts a subdomain sender and an email-address identity only for that address', () => {
    expect(() =>
      validateConfig({ shared, smsMonitor: { ...minimal, email: { ...minimal.email, sender: 'r@mail.example.com' } } }),
    ).not.toThrow();
    expect(
      problemsOf({ ...minimal, email: { ...minimal.email, identity: 'ops@example.com', sender: 'other@example.com' } }),
    ).toEqual([
      'smsMonitor.email.sender: expected the identity\'s own address ops@example.com (SES sends only from verified identities), got "other@example.com"',
    ]);
  });

  it('names a repeated account and a repeated Region', () => {
    expect(
      problemsOf({
        ...minimal,
        accounts: [
          { account: '111111111111', regions: ['us-east-1', 'us-west-2', 'us-east-1'] },
          { account: '111111111111', regions: ['eu-west-1'] },
        ],
      }),
    ).toEqual([
      'smsMonitor.accounts[0].regions[2]: expected each Region once, got "us-east-1"',
      'smsMonitor.accounts[1].account: expected each account once (it is also accounts[0]), got "111111111111"',
    ]);
  });

  it('names a time zone that does not exist', () => {
    expect(problemsOf({ ...minimal, timeZone: 'Mars/Olympus_Mons' })).toEqual([
      'smsMonitor.timeZone: expected an IANA time zone name that exists, such as Europe/Berlin or UTC, got "Mars/Olympus_Mons"',
    ]);
    expect(problemsOf({ ...minimal, timeZone: '+01:00' })[0]).toMatch(
      /^smsMonitor\.timeZone: expected an IANA time zone name/,
    );
  });

  it('names a schedule that is not recurring or not well formed', () => {
    expect(problemsOf({ ...minimal, schedule: { expression: 'at(2025-01-01T00:00:00)' } })).toEqual([
      'smsMonitor.schedule.expression: expected a recurring schedule: rate(<n> minutes|hours|days) or cron(<6 fields>), got "at(2025-01-01T00:00:00)"',
    ]);
    expect(problemsOf({ ...minimal, schedule: { expression: 'cron(0 8 * * *)' } })).toHaveLength(1);
    expect(() =>
      validateConfig({ shared, smsMonitor: { ...minimal, schedule: { expression: 'rate(12 hours)' } } }),
    ).not.toThrow();
  });

  it('names out-of-range numbers', () => {
    expect(problemsOf({ ...minimal, schedule: { flexibleWindow: 'P1DT1M' } })).toEqual([
      'smsMonitor.schedule.flexibleWindow: expected at most P1D, got "P1DT1M"',
    ]);
    expect(problemsOf({ ...minimal, schedule: { maxEventAge: 'PT90S' } })).toEqual([
      'smsMonitor.schedule.maxEventAge: expected a whole number of minutes, got "PT90S"',
    ]);
    expect(problemsOf({ ...minimal, report: { recentlyCompletedWithin: '7d' } })).toEqual([
      'smsMonitor.report.recentlyCompletedWithin: expected an ISO-8601 duration such as "PT30S", "PT5M" or "P28D", got "7d"',
    ]);
    expect(problemsOf({ ...minimal, report: { versionLookupConcurrency: 0 } })).toEqual([
      'smsMonitor.report.versionLookupConcurrency: expected a value of at least 1, got 0',
    ]);
  });

  it('names an alert status that needs no action, and a repeated one', () => {
    expect(problemsOf({ ...minimal, alerts: { statuses: ['COMPLETE'] } })).toEqual([
      'smsMonitor.alerts.statuses[0]: expected one of "REQUIRES_UPDATES", "REQUIRES_AUTHENTICATION", "CLOSED", "CREATED", got "COMPLETE"',
    ]);
    expect(problemsOf({ ...minimal, alerts: { statuses: ['CLOSED', 'CLOSED'] } })).toEqual([
      'smsMonitor.alerts.statuses[1]: expected each status once, got "CLOSED"',
    ]);
  });

  it('names missing and unknown fields', () => {
    expect(problemsOf({ accounts: minimal.accounts })).toEqual([
      'smsMonitor.email: expected object, got nothing (the field is required)',
    ]);
    expect(problemsOf({ ...minimal, report: { sendOnlyOnChanges: true } })).toEqual([
      'smsMonitor.report.sendOnlyOnChanges: unknown field (not part of the config schema: check its spelling or remove it)',
    ]);
    expect(problemsOf({ ...minimal, email: { ...minimal.email, recipients: [] } })).toEqual([
      'smsMonitor.email.recipients: expected at least 1 entries, got an array of 0',
    ]);
  });
});
