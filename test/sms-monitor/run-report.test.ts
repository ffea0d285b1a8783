import { describe, expect, it } from 'vitest';
import { MemoryStateStore } from './support/memory-state-store';
import { InvalidEventError, parseRegistrationEvent, runAlert } from '../../lambda/sms-monitor/core/alert';
import type { Mailer, OutgoingMail } from '../../lambda/sms-monitor/core/ports';
import { isDigestDue, runReport } from '../../lambda/sms-monitor/core/run-report';
import { AmbiguousSendError } from '../../lambda/sms-monitor/core/send-once';
import { parseSettings } from '../../lambda/sms-monitor/adapters/settings';
import type { MonitorSettings } from '../../lambda/sms-monitor/core/settings';
import { reportKeyOf } from '../../lambda/sms-monitor/handlers/report';
import { MemoryRegistrationApi, reg } from './support/memory-api';
import { monitorSettingsOf } from './support/settings';
import { SMS_MONITOR_SETTING_DEFAULTS } from '../../config/schema/sms-monitor';
import { SMS_ACTION_STATUSES } from '../../config/schema/sms-monitor-fields';

/** A Mailer that records what it sends and fails on demand. */
class RecordingMailer implements Mailer {
  readonly sent: OutgoingMail[] = [];
  failures = 0;
  async send(mail: OutgoingMail): Promise<{ messageId: string }> {
    if (this.failures > 0) {
      this.failures--;
      throw new Error('MessageRejected: Email address is not verified');
    }
    this.sent.push(mail);
    return { messageId: `message-${this.sent.length}` };
  }
}

const settings = (overrides: Partial<MonitorSettings> = {}): MonitorSettings =>
  monitorSettingsOf({
    account: '111111111111',
    regions: ['us-east-1'],
    timeZone: 'UTC',
    sender: 'sms@example.com',
    recipients: ['team@example.com'],
    ...overrides,
  });

function setup(now = new Date('2025-06-03T08:00:00Z')) {
  const api = new MemoryRegistrationApi(
    {
      'us-east-1': [
        reg({ id: 'r1', status: 'REQUIRES_UPDATES', deniedVersion: 1 }),
        reg({ id: 'r2', status: 'REVIEWING' }),
      ],
    },
    {
      'us-east-1#r1': [
        { versionNumber: 1, status: 'DENIED', deniedReasons: [{ reason: 'Opt-in', shortDescription: 'Show consent' }] },
      ],
    },
  );
  const store = new MemoryStateStore();
  const mailer = new RecordingMailer();
  let clock = now;
  const deps = { api, store, mailer, now: () => clock };
  return { api, store, mailer, deps, setNow: (d: Date) => (clock = d) };
}

describe('runReport', () => {
  it('sends once per report key: a retried invocation does not send again', async () => {
    const { deps, mailer, store } = setup();
    const first = await runReport(deps, settings(), { send: true, reportKey: 'scheduled#2025-06-03T08:00:00.000Z' });
    expect(first).toMatchObject({ outcome: 'sent', messageId: 'message-1', total: 2, actionNeeded: 1 });
    expect(mailer.sent[0]).toMatchObject({ from: 'sms@example.com', to: ['team@example.com'] });
    expect(mailer.sent[0].html).toContain('Show consent');
    expect(mailer.sent[0].text).toContain('Show consent');
    const retry = await runReport(deps, settings(), { send: true, reportKey: 'scheduled#2025-06-03T08:00:00.000Z' });
    expect(retry).toMatchObject({ outcome: 'already-sent', messageId: 'message-1' });
    expect(mailer.sent).toHaveLength(1);
    expect(store.sends.get('report#scheduled#2025-06-03T08:00:00.000Z')).toMatchObject({
      status: 'SENT',
      stateSaved: true,
    });
    expect(store.registrations.size).toBe(2);
  });

  it('throws when sending fails, releases the claim, and a retry sends it', async () => {
    const { deps, mailer, store } = setup();
    mailer.failures = 1;
    await expect(runReport(deps, settings(), { send: true, reportKey: 'k' })).rejects.toThrow(
      'sending the SMS registration report failed: MessageRejected: Email address is not verified',
    );
    expect(store.sends.get('report#k')?.status).toBe('FAILED');
    expect(store.registrations.size).toBe(0); // the state moves only with a sent report
    await expect(runReport(deps, settings(), { send: true, reportKey: 'k' })).resolves.toMatchObject({
      outcome: 'sent',
    });
    expect(mailer.sent).toHaveLength(1);
  });

  it('refuses to send again when an earlier attempt may have sent it', async () => {
    const { deps, mailer, store } = setup();
    await store.claimSend('report#k', new Date());
    await expect(runReport(deps, settings(), { send: true, reportKey: 'k' })).rejects.toBeInstanceOf(
      AmbiguousSendError,
    );
    expect(mailer.sent).toHaveLength(0);
  });

  it('saves the state a sent report could not save, without sending again', async () => {
    const { deps, mailer, store } = setup();
    await store.claimSend('report#k', new Date());
    await store.completeSend('report#k', 'earlier', new Date());
    const result = await runReport(deps, settings(), { send: true, reportKey: 'k' });
    expect(result).toMatchObject({ outcome: 'already-sent', messageId: 'earlier' });
    expect(mailer.sent).toHaveLength(0);
    expect(store.registrations.size).toBe(2);
    expect(store.sends.get('report#k')?.stateSaved).toBe(true);
  });

  it('marks changes since the last sent report', async () => {
    const { deps, mailer, api } = setup();
    await runReport(deps, settings(), { send: true, reportKey: 'one' });
    api.registrations['us-east-1'][1] = { ...api.registrations['us-east-1'][1], status: 'COMPLETE' };
    api.registrations['us-east-1'].push(reg({ id: 'r3', status: 'CREATED' }));
    const second = await runReport(deps, settings(), { send: true, reportKey: 'two' });
    expect(second.changes).toBe(2);
    expect(mailer.sent[1].text).toContain('- New: r3');
    expect(mailer.sent[1].text).toContain(
      '- Changed: r2 (United States 10DLC campaign registration, us-east-1): Reviewing -> Complete',
    );
  });

  it('with sendOnlyOnChange, stays silent when nothing changed, except for the weekly digest', async () => {
    const { deps, mailer, store, setNow } = setup(new Date('2025-06-03T08:00:00Z')); // a Tuesday
    const s = settings({ sendOnlyOnChange: true, weeklyDigestDay: 'MONDAY' });
    expect((await runReport(deps, s, { send: true, reportKey: 'tue' })).outcome).toBe('sent'); // first report
    setNow(new Date('2025-06-04T08:00:00Z'));
    expect((await runReport(deps, s, { send: true, reportKey: 'wed' })).outcome).toBe('unchanged');
    expect(store.sends.get('report#wed')?.status).toBe('SKIPPED');
    setNow(new Date('2025-06-09T08:00:00Z')); // Monday: the digest goes out
    const monday = await runReport(deps, s, { send: true, reportKey: 'mon' });
    expect(monday).toMatchObject({ outcome: 'sent', digest: true });
    expect(mailer.sent[1].subject).toMatch(/^SMS registrations weekly digest for 111111111111: 1 needs action/);
    expect(mailer.sent[1].html).toContain('Weekly digest: nothing changed since the last report.');
    setNow(new Date('2025-06-09T12:00:00Z')); // same Monday again: no second digest
    expect((await runReport(deps, s, { send: true, reportKey: 'mon-noon' })).outcome).toBe('unchanged');
    expect(mailer.sent).toHaveLength(2);
  });

  it('renders without sending or touching the state when send is off', async () => {
    const { deps, mailer, store } = setup();
    const result = await runReport({ api: deps.api, now: deps.now }, settings(), { send: false });
    expect(result.outcome).toBe('rendered');
    expect(result.mail?.html).toContain('Change tracking is off');
    await runReport(deps, settings(), { send: false });
    expect(mailer.sent).toHaveLength(0);
    expect(store.sends.size).toBe(0);
  });
});

describe('isDigestDue', () => {
  const s = settings({ timeZone: 'America/New_York', weeklyDigestDay: 'MONDAY' });
  it('is due on the digest day in the configured time zone, once, and after a silent week', () => {
    const sundayNightNy = new Date('2025-06-09T03:00:00Z'); // Sunday 23:00 in New York
    const mondayMorningNy = new Date('2025-06-09T12:00:00Z');
    const lastFriday = new Date('2025-06-06T12:00:00Z');
    expect(isDigestDue(sundayNightNy, lastFriday, s)).toBe(false);
    expect(isDigestDue(mondayMorningNy, lastFriday, s)).toBe(true);
    expect(isDigestDue(mondayMorningNy, new Date('2025-06-09T11:00:00Z'), s)).toBe(false);
    expect(isDigestDue(new Date('2025-06-13T12:00:00Z'), new Date('2025-06-06T11:00:00Z'), s)).toBe(true);
    expect(isDigestDue(mondayMorningNy, undefined, s)).toBe(true);
  });
});

describe('settings and invocation input', () => {
  it('names the bad fields of the settings variable', () => {
    expect(() => parseSettings(undefined)).toThrow(/MONITOR_SETTINGS is not set/);
    expect(() => parseSettings('{')).toThrow(/MONITOR_SETTINGS is not valid JSON/);
    expect(() => parseSettings('{"regions":[],"timeZone":"Nowhere/City","sender":"x","recipients":[]}')).toThrow(
      /regions: .*; timeZone: expected an IANA time zone name .*; sender: .*; recipients: /,
    );
  });

  it('takes only the alert statuses the config allows, so a typo cannot silently never match', () => {
    const base = {
      ...SMS_MONITOR_SETTING_DEFAULTS,
      regions: ['eu-west-1'],
      timeZone: 'UTC',
      sender: 'a@example.com',
      recipients: ['b@example.com'],
    };
    expect(parseSettings(JSON.stringify({ ...base, alertStatuses: SMS_ACTION_STATUSES })).alertStatuses).toEqual(
      SMS_ACTION_STATUSES,
    );
    expect(() => parseSettings(JSON.stringify({ ...base, alertStatuses: ['CLOSED', 'REQUIRES_UPDATE'] }))).toThrow(
      /^MONITOR_SETTINGS is invalid: alertStatuses\.1: .*expected one of "REQUIRES_UPDATES".*"CREATED"$/,
    );
  });

  it('takes the report key from the scheduled time, or the request ID of a manual run', () => {
    const context = { awsRequestId: 'req-1' };
    expect(reportKeyOf({ scheduledTime: '2025-06-03T08:00:00Z' }, context)).toBe('scheduled#2025-06-03T08:00:00.000Z');
    expect(reportKeyOf({}, context)).toBe('invocation#req-1');
    expect(reportKeyOf(undefined, context)).toBe('invocation#req-1');
    expect(() => reportKeyOf({ scheduledTime: 'yesterday' }, context)).toThrow(InvalidEventError);
    expect(() => reportKeyOf('go', context)).toThrow(/expected a JSON object/);
  });
});

describe('alerts', () => {
  const event = (overrides: Record<string, unknown> = {}) => ({
    version: '0',
    id: 'event-1',
    'detail-type': 'Registration Status Change',
    source: 'aws.sms-voice',
    account: '111111111111',
    time: '2025-06-03T09:15:00Z',
    region: 'us-east-1',
    resources: ['arn:aws:sms-voice:us-east-1:111111111111:registration/r1'],
    detail: {},
    ...overrides,
  });

  it('reads the registration from the resources, or from detail.registrationDetails', () => {
    expect(parseRegistrationEvent(event(), ['us-east-1'])).toEqual({
      eventId: 'event-1',
      region: 'us-east-1',
      time: new Date('2025-06-03T09:15:00Z'),
      registrationId: 'r1',
    });
    expect(
      parseRegistrationEvent(event({ resources: [], detail: { registrationDetails: { registrationId: 'r9' } } }), [
        'us-east-1',
      ]).registrationId,
    ).toBe('r9');
  });

  it('rejects events it cannot handle with a clear error', () => {
    expect(() => parseRegistrationEvent(event({ source: 'aws.ec2' }), ['us-east-1'])).toThrow(InvalidEventError);
    expect(() => parseRegistrationEvent(event({ region: 'eu-west-1' }), ['us-east-1'])).toThrow(
      'event event-1 is from Region "eu-west-1", which is not monitored (us-east-1)',
    );
    expect(() => parseRegistrationEvent(event({ resources: [] }), ['us-east-1'])).toThrow(/names no registration/);
    expect(() =>
      parseRegistrationEvent(event({ resources: ['arn:aws:sms-voice:us-east-1:111111111111:registration/<script>'] }), [
        'us-east-1',
      ]),
    ).toThrow(/a registration ID the API would reject/);
  });

  it('mails an alert once per event, only for the statuses that need action', async () => {
    const { deps, mailer } = setup();
    const s = settings();
    const parsed = parseRegistrationEvent(event(), ['us-east-1']);
    await expect(runAlert(deps, s, parsed)).resolves.toMatchObject({ outcome: 'sent', status: 'REQUIRES_UPDATES' });
    await expect(runAlert(deps, s, parsed)).resolves.toMatchObject({ outcome: 'already-sent' });
    expect(mailer.sent).toHaveLength(1);
    expect(mailer.sent[0].subject).toBe('SMS registration needs action: Requires updates (us-east-1, 111111111111)');
    expect(mailer.sent[0].text).toContain('Opt-in: Show consent');
    expect(mailer.sent[0].html).toContain('Why version 1 was denied');
    const reviewing = parseRegistrationEvent(
      event({ id: 'event-2', resources: ['arn:aws:sms-voice:us-east-1:111111111111:registration/r2'] }),
      ['us-east-1'],
    );
    await expect(runAlert(deps, s, reviewing)).resolves.toMatchObject({
      outcome: 'no-action-needed',
      status: 'REVIEWING',
    });
    const gone = parseRegistrationEvent(
      event({ id: 'event-3', resources: [], detail: { registrationDetails: { registrationId: 'nope' } } }),
      ['us-east-1'],
    );
    await expect(runAlert(deps, s, gone)).resolves.toMatchObject({ outcome: 'registration-gone' });
    expect(mailer.sent).toHaveLength(1);
  });

  it('throws on a failed send and sends on the retry', async () => {
    const { deps, mailer } = setup();
    mailer.failures = 1;
    const parsed = parseRegistrationEvent(event(), ['us-east-1']);
    await expect(runAlert(deps, settings(), parsed)).rejects.toThrow(/sending the alert for r1 failed/);
    await expect(runAlert(deps, settings(), parsed)).resolves.toMatchObject({ outcome: 'sent' });
    expect(mailer.sent).toHaveLength(1);
  });
});
