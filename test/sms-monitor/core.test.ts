import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { collectRegistrations } from '../../lambda/sms-monitor/core/collect';
import { diffState, toStored } from '../../lambda/sms-monitor/core/diff';
import { createLimiter } from '../../lambda/sms-monitor/core/limiter';
import { registrationConsoleUrl, safeAwsLink } from '../../lambda/sms-monitor/core/links';
import { registrationTypeName } from '../../lambda/sms-monitor/core/registration-types';
import { STATUSES, statusInfo } from '../../lambda/sms-monitor/core/statuses';
import { cleanLine, cleanText } from '../../lambda/sms-monitor/core/text';
import { formatDateTime, localDate, localWeekday } from '../../lambda/sms-monitor/core/time';
import { HOSTILE } from '../../testing/sms-monitor/datasets';
import { MemoryRegistrationApi, reg } from './support/memory-api';

describe('statuses', () => {
  it('knows every documented status, puts what needs action first, and has an unknown bucket', () => {
    const known = STATUSES.map((s) => s.code).filter((c) => c !== 'UNKNOWN');
    expect(known.sort()).toEqual(
      [
        'AWS_REVIEWING',
        'CLOSED',
        'COMPLETE',
        'CREATED',
        'DELETED',
        'PROVISIONING',
        'REQUIRES_AUTHENTICATION',
        'REQUIRES_UPDATES',
        'REVIEWING',
        'SUBMITTED',
      ].sort(),
    );
    const firstCalm = STATUSES.findIndex((s) => !s.actionNeeded);
    expect(STATUSES.slice(firstCalm).every((s) => !s.actionNeeded)).toBe(true);
    expect(statusInfo('SOMETHING_NEW').code).toBe('UNKNOWN');
    expect(statusInfo(HOSTILE.script).code).toBe('UNKNOWN');
    expect(statusInfo('REQUIRES_AUTHENTICATION').actionNeeded).toBe(true);
  });
});

describe('registration type names', () => {
  it('composes readable names from the codes, including codes this code has never seen', () => {
    expect(registrationTypeName('US_TEN_DLC_CAMPAIGN_REGISTRATION')).toEqual({
      name: 'United States 10DLC campaign registration',
      family: '10DLC',
    });
    expect(registrationTypeName('US_TOLL_FREE_REGISTRATION').name).toBe('United States toll-free registration');
    expect(registrationTypeName('SG_SENDER_ID_REGISTRATION')).toEqual({
      name: 'Singapore sender ID registration',
      family: 'Sender ID',
    });
    expect(registrationTypeName('UK_LONG_CODE_REGISTRATION').name).toBe('United Kingdom long code registration');
    expect(registrationTypeName('US_TEN_DLC_BRAND_VETTING').name).toBe('United States 10DLC brand vetting');
    expect(registrationTypeName('ZZ_FUTURE_THING').name).toBe('Zz future thing');
    // Not a type code: shown as it is (the templates escape it).
    expect(registrationTypeName(HOSTILE.img).name).toBe(HOSTILE.img);
  });
});

describe('links', () => {
  it('links only https AWS console and documentation addresses', () => {
    expect(safeAwsLink('https://docs.aws.amazon.com/sms-voice/latest/userguide/x.html')).toBe(
      'https://docs.aws.amazon.com/sms-voice/latest/userguide/x.html',
    );
    expect(safeAwsLink('https://us-east-1.console.aws.amazon.com/sms-voice/home')).toBeDefined();
    for (const bad of [
      HOSTILE.jsLink,
      HOSTILE.dataLink,
      HOSTILE.lookalike,
      HOSTILE.creds,
      'http://docs.aws.amazon.com/x',
      'https://docs.aws.amazon.com:8443/x',
      'https://evilaws.amazon.com/x',
      '//docs.aws.amazon.com/x',
      ' javascript:alert(1)',
      '',
      undefined,
    ]) {
      expect(safeAwsLink(bad), String(bad)).toBeUndefined();
    }
  });

  it('never returns anything but an https URL on an aws.amazon.com host (property)', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.webUrl(), fc.constantFrom(...Object.values(HOSTILE))), (candidate) => {
        const out = safeAwsLink(candidate);
        if (out === undefined) return true;
        const url = new URL(out);
        return url.protocol === 'https:' && /(^|\.)aws\.amazon\.com$/.test(url.hostname) && !url.username;
      }),
    );
  });

  it('builds console links from a validated Region and an encoded ID', () => {
    const url = new URL(registrationConsoleUrl('us-west-2', HOSTILE.img));
    expect(url.hostname).toBe('us-west-2.console.aws.amazon.com');
    expect(url.href).not.toContain('"');
    expect(url.href).not.toContain('<');
    expect(() => registrationConsoleUrl('evil.com/x', 'id')).toThrow(/not a Region name/);
  });
});

describe('text cleaning and time formatting', () => {
  it('removes control and bidi characters and caps the length', () => {
    expect(cleanText(HOSTILE.bidi)).toBe('abcgnp.exe');
    expect(cleanLine(HOSTILE.lines)).toBe('x Bcc: attacker@example.com');
    expect(cleanText('a\u0000b\u0007c')).toBe('abc');
    expect(cleanText('x'.repeat(5000))).toHaveLength(2000);
    expect(cleanText(undefined)).toBe('');
  });

  it('shows times in the configured time zone, with the zone', () => {
    const at = new Date('2025-01-31T07:30:00Z');
    expect(formatDateTime(at, 'Europe/Berlin')).toBe('2025-01-31 08:30 GMT+1');
    expect(formatDateTime(at, 'America/New_York')).toBe('2025-01-31 02:30 EST');
    expect(formatDateTime(at, 'UTC')).toBe('2025-01-31 07:30 UTC');
    expect(localDate(new Date('2025-01-31T23:30:00Z'), 'Asia/Tokyo')).toBe('2025-02-01');
    expect(localWeekday(new Date('2025-01-31T23:30:00Z'), 'Asia/Tokyo')).toBe('SATURDAY');
  });
});

describe('limiter', () => {
  it('runs at most n tasks at once and passes results and errors through', async () => {
    const limit = createLimiter(3);
    let active = 0;
    let peak = 0;
    const task = (i: number) =>
      limit(async () => {
        active++;
        peak = Math.max(peak, active);
        await new Promise((r) => setTimeout(r, 5));
        active--;
        if (i === 7) throw new Error('seven');
        return i;
      });
    const results = await Promise.allSettled(Array.from({ length: 20 }, (_, i) => task(i)));
    expect(peak).toBe(3);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(19);
    expect(results[7]).toMatchObject({ status: 'rejected', reason: new Error('seven') });
    expect(() => createLimiter(0)).toThrow(/positive integer/);
  });
});

describe('collectRegistrations', () => {
  const denied = { versionNumber: 2, status: 'DENIED', deniedReasons: [{ reason: 'r', shortDescription: 's' }] };
  const approved = {
    versionNumber: 1,
    status: 'APPROVED',
    approvedAt: new Date('2025-05-20T00:00:00Z'),
    deniedReasons: [],
  };

  function api() {
    const east = [
      reg({ id: 'ru', status: 'REQUIRES_UPDATES', currentVersion: 3, deniedVersion: 2 }),
      reg({ id: 'ok', status: 'COMPLETE', approvedVersion: 1 }),
      reg({ id: 'gone', status: 'COMPLETE', approvedVersion: 4 }),
      ...Array.from({ length: 40 }, () => reg({ status: 'REVIEWING' })),
    ];
    const west = [reg({ region: 'us-west-2', id: 'w', status: 'CREATED' })];
    return new MemoryRegistrationApi(
      { 'us-east-1': east, 'us-west-2': west },
      { 'us-east-1#ru': [denied], 'us-east-1#ok': [approved], 'us-east-1#gone': [] },
    );
  }

  it('reads every page of every Region and looks up versions only where the report needs them', async () => {
    const source = api();
    const { registrations, stats } = await collectRegistrations(source, {
      regions: ['us-east-1', 'us-west-2'],
      concurrency: 2,
    });
    expect(registrations).toHaveLength(44);
    expect(stats).toEqual({ pages: 6, versionLookups: 3, approvalsFromCache: 0 });
    const byId = new Map(registrations.map((r) => [r.id, r]));
    expect(byId.get('ru')?.deniedVersionDetails).toEqual(denied);
    expect(byId.get('ok')?.approvedAt).toEqual(approved.approvedAt);
    expect(byId.get('gone')?.versionUnavailable).toBe(4);
    expect(byId.get('w')?.region).toBe('us-west-2');
  });

  it('bounds the look-ups in flight per Region', async () => {
    const many = Array.from({ length: 30 }, (_, i) => reg({ id: `c${i}`, status: 'COMPLETE', approvedVersion: 1 }));
    const source = new MemoryRegistrationApi({ 'us-east-1': many }, {}, 5);
    source.delayMs = 3;
    await collectRegistrations(source, { regions: ['us-east-1'], concurrency: 4 });
    expect(source.versionCalls).toBe(30);
    expect(source.maxInFlight).toBe(4);
  });

  it('uses known approval times instead of looking them up again', async () => {
    const source = api();
    const { stats, registrations } = await collectRegistrations(source, {
      regions: ['us-east-1'],
      concurrency: 2,
      knownApprovals: new Map([['us-east-1#ok#1', Date.parse('2025-05-20T00:00:00Z')]]),
    });
    expect(stats.approvalsFromCache).toBe(1);
    expect(source.versionCalls).toBe(2);
    expect(registrations.find((r) => r.id === 'ok')?.approvedAt).toEqual(new Date('2025-05-20T00:00:00Z'));
  });

  it('fails the whole collection, naming the Region, when a look-up fails', async () => {
    const source = api();
    source.failVersionOf = 'ru';
    await expect(collectRegistrations(source, { regions: ['us-east-1', 'us-west-2'], concurrency: 2 })).rejects.toThrow(
      'reading SMS registrations in us-east-1 failed: version look-up of ru failed',
    );
  });
});

describe('diffState', () => {
  const now = (r: Parameters<typeof reg>[0]) => reg(r);

  it('marks new, changed, resolved and removed registrations, and writes only what moved', () => {
    const kept = now({ id: 'same', status: 'REVIEWING' });
    const fixed = now({ id: 'fixed', status: 'REVIEWING', currentVersion: 2 });
    const worse = now({ id: 'worse', status: 'REQUIRES_UPDATES', deniedVersion: 1 });
    const bumped = now({ id: 'bumped', status: 'CREATED', currentVersion: 3 });
    const fresh = now({ id: 'fresh', status: 'CREATED' });
    const previous = [
      toStored(kept),
      { ...toStored(fixed), status: 'REQUIRES_UPDATES', currentVersion: 1 },
      { ...toStored(worse), status: 'REVIEWING', deniedVersion: undefined },
      { ...toStored(bumped), currentVersion: 2 },
      { ...toStored(now({ id: 'old', status: 'CLOSED' })) },
    ];
    const diff = diffState(previous, [kept, fixed, worse, bumped, fresh], true);
    const kinds = Object.fromEntries(diff.changes.map((c) => [c.id, c.kind]));
    expect(kinds).toEqual({ fixed: 'resolved', worse: 'changed', bumped: 'changed', fresh: 'new', old: 'removed' });
    expect(diff.byKey.get('us-east-1#bumped')?.detail).toBe('version 2 → 3');
    expect(diff.upserts.map((u) => u.id).sort()).toEqual(['bumped', 'fixed', 'fresh', 'worse']);
    expect(diff.deletedKeys).toEqual(['us-east-1#old']);
  });

  it('calls nothing new on the first report, but records everything', () => {
    const diff = diffState([], [now({ status: 'CREATED' }), now({ status: 'COMPLETE' })], false);
    expect(diff.changes).toEqual([]);
    expect(diff.upserts).toHaveLength(2);
  });
});
