import { describe, expect, it } from 'vitest';
import type { CollectedRegistration } from '../../lambda/sms-monitor/core/collect';
import { diffState, toStored } from '../../lambda/sms-monitor/core/diff';
import { safeAwsLink } from '../../lambda/sms-monitor/core/links';
import { renderReport, TEMPLATE_SOURCES } from '../../lambda/sms-monitor/core/render';
import { buildReportView } from '../../lambda/sms-monitor/core/report-model';
import { HOSTILE, HOSTILE_VALUES } from '../../testing/sms-monitor/datasets';
import { reg } from './support/memory-api';

const NOW = new Date('2025-06-02T13:00:00Z');

/** Every field that reaches the report carries a hostile string. */
function hostileRegistrations(): CollectedRegistration[] {
  return HOSTILE_VALUES.flatMap((h, i) => [
    reg({ id: h, type: h, status: h, attributes: { [h]: h } }),
    reg({
      id: `registration-h${i}`,
      type: h,
      status: 'REQUIRES_UPDATES',
      deniedVersion: 2,
      attributes: { NOTE: h },
      deniedVersionDetails: {
        versionNumber: 2,
        status: 'DENIED',
        deniedAt: new Date('2025-06-01T10:00:00Z'),
        deniedReasons: [
          { reason: h, shortDescription: h, longDescription: h, documentationTitle: h, documentationLink: h },
        ],
        feedback: h,
      },
    }),
  ]);
}

function render(registrations: CollectedRegistration[], previous = registrations.slice(1).map(toStored)) {
  const diff = diffState(previous, registrations, true);
  const view = buildReportView({
    registrations,
    regions: ['us-east-1', 'us-west-2'],
    diff,
    now: NOW,
    timeZone: 'Europe/Berlin',
    account: '111111111111',
    recentlyCompletedDays: 7,
  });
  return { view, ...renderReport(view) };
}

/** The values of every href attribute, with the HTML entities Handlebars writes decoded. */
function hrefs(html: string): string[] {
  return [...html.matchAll(/href="([^"]*)"/g)].map((m) =>
    m[1]
      .replace(/&#x3D;/g, '=')
      .replace(/&#x27;/g, "'")
      .replace(/&#x60;/g, '`')
      .replace(/&quot;/g, '"')
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&amp;/g, '&'),
  );
}

describe('report rendering', () => {
  it('writes templates with double braces only (every value escaped)', () => {
    for (const [name, source] of Object.entries(TEMPLATE_SOURCES)) {
      expect(source, name).not.toMatch(/\{\{\{|\{\{&/);
    }
  });

  it('escapes every API string in the HTML part', () => {
    const { html } = render(hostileRegistrations());
    for (const raw of [HOSTILE.script, HOSTILE.img, HOSTILE.quote, HOSTILE.dataLink]) {
      expect(html).not.toContain(raw);
    }
    expect(html).toContain('&lt;script&gt;window.__pwned&#x3D;1&lt;/script&gt;');
    expect(html).toContain('&quot;&gt;&lt;img src&#x3D;x onerror&#x3D;&quot;window.__pwned&#x3D;1&quot;&gt;');
    // Data are never evaluated as templates.
    expect(html).toContain('{{constructor.constructor(&quot;window.__pwned&#x3D;1&quot;)()}}');
    // Markup comes from the templates only: no element or attribute an API string could have opened.
    expect(html).not.toMatch(/<script|<img|\son\w+=|href="(javascript|data):/i);
  });

  it('links only to https AWS console and documentation addresses', () => {
    const { html } = render(hostileRegistrations());
    const links = hrefs(html);
    expect(links.length).toBeGreaterThan(20);
    for (const link of links) expect(safeAwsLink(link), link).toBe(link);
    // An unsafe documentation link is shown as text, not linked.
    expect(html).toContain('Documentation (not linked, not an https AWS address): javascript:window.__pwned&#x3D;1');
  });

  it('keeps the plain-text part plain: values as text, no forged lines, no bidi overrides', () => {
    const { text } = render(hostileRegistrations());
    expect(text).toContain(HOSTILE.script);
    expect(text).toContain('x Bcc: attacker@example.com');
    expect(text).not.toMatch(/^Bcc:/m);
    expect(text).not.toMatch(/[\r\u202E]/);
    expect(text).toContain('documentation (not linked, not an https AWS address): javascript:window.__pwned=1');
  });

  it('orders sections with what needs action first, puts unknown statuses in their own bucket, and counts per Region', () => {
    const registrations = [
      reg({ status: 'COMPLETE', approvedVersion: 1, approvedAt: new Date('2025-06-01T00:00:00Z') }),
      reg({ status: 'SUBMITTED', region: 'us-west-2' }),
      reg({ status: 'REQUIRES_AUTHENTICATION', type: 'SG_SENDER_ID_REGISTRATION' }),
      reg({ status: 'BRAND_NEW_STATUS' }),
      reg({ status: 'CREATED', region: 'us-west-2' }),
      reg({ status: 'CLOSED' }),
      reg({ status: 'DELETED' }),
    ];
    const { view, html, text, subject } = render(registrations, registrations.map(toStored));
    expect(view.sections.map((s) => s.code)).toEqual([
      'REQUIRES_AUTHENTICATION',
      'CLOSED',
      'CREATED',
      'UNKNOWN',
      'SUBMITTED',
      'COMPLETE',
      'DELETED',
    ]);
    expect(view.summaryRows).toHaveLength(11);
    expect(view.summaryRows.find((r) => r.code === 'CREATED')?.counts).toEqual([0, 1]);
    expect(view.summaryTotals).toEqual([5, 2]);
    expect(view.actionNeeded).toBe(4);
    expect(subject).toBe('SMS registration report for 111111111111: 4 need action, 0 changes (7 total)');
    expect(html.indexOf('id="status-REQUIRES_AUTHENTICATION"')).toBeLessThan(html.indexOf('id="status-COMPLETE"'));
    expect(html).toContain('Singapore sender ID registration (1)');
    expect(text).toContain('BRAND_NEW_STATUS');
    expect(text).toMatch(/approved 2025-06-01 02:00 GMT\+2 \(recent\)/);
    expect(html).toContain('No changes since the last report.');
  });

  it('summarises what changed since the last report', () => {
    const a = reg({ id: 'a', status: 'REQUIRES_UPDATES' });
    const b = reg({ id: 'b', status: 'COMPLETE' });
    const previous = [
      { ...toStored(a), status: 'REVIEWING' },
      { ...toStored(b), status: 'REQUIRES_UPDATES' },
      toStored(reg({ id: 'c', status: 'CLOSED' })),
    ];
    const { view, html, text } = render([a, b, reg({ id: 'd', status: 'CREATED' })], previous);
    expect(view.changes).toMatchObject({ count: 4, newCount: 1, changedCount: 1, resolvedCount: 1, removedCount: 1 });
    expect(html).toContain('1 new, 1 changed, 1 resolved, 1 no longer listed.');
    expect(text).toContain(
      '- Changed: a (United States 10DLC campaign registration, us-east-1): Reviewing -> Requires updates',
    );
    expect(text).toContain('- Resolved: b');
    expect(text).toContain('- No longer listed: c');
  });
});
