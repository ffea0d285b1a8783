import { existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryStateStore } from './support/memory-state-store';
import { SmsVoiceRegistrationApi } from '../../lambda/sms-monitor/adapters/sms-voice-api';
import type { Mailer, OutgoingMail } from '../../lambda/sms-monitor/core/ports';
import { runReport } from '../../lambda/sms-monitor/core/run-report';
import { REPO_ROOT } from '../helpers/app';
import { exampleRegistrations, HOSTILE, hostileRegistrations } from '../../testing/sms-monitor/datasets';
import { FakeSmsVoiceApi, type FakeRegistration, SMS_VOICE_ENDPOINT_ENV } from '../../testing/sms-monitor/fake-sms-api';
import { monitorSettingsOf } from './support/settings';

// The report as a reader sees it, in headless Chromium (Debian's chromium; scripts/test-all.sh
// installs it). Also produces the documentation screenshot: UPDATE_SCREENSHOTS=1 rewrites
// docs/sms-monitor/report.png.

// Globals of the page, for page.evaluate (the project compiles without the DOM library).
interface PageElement {
  readonly tagName: string;
  readonly attributes: ArrayLike<{ readonly name: string }>;
  readonly href: string;
}
declare const document: {
  querySelectorAll(selector: string): ArrayLike<PageElement>;
  readonly body: { readonly innerText: string };
};
declare const window: { readonly __pwned?: number };

const CHROMIUM = '/usr/bin/chromium';
const SCREENSHOT = join(REPO_ROOT, 'docs/sms-monitor/report.png');
const fake = new FakeSmsVoiceApi();
let browser: Browser;
const saved: Record<string, string | undefined> = {};

class KeepMailer implements Mailer {
  readonly sent: OutgoingMail[] = [];
  async send(mail: OutgoingMail): Promise<{ messageId: string }> {
    this.sent.push(mail);
    return { messageId: `m${this.sent.length}` };
  }
}

const settings = monitorSettingsOf({
  account: '111111111111',
  regions: ['us-east-1', 'us-west-2'],
  timeZone: 'America/New_York',
  sender: 'sms-registrations@example.com',
  recipients: ['messaging-team@example.com'],
});

/** Renders the report of the fake API's current data, the same way the Lambda does. */
async function report(
  store = new MemoryStateStore(),
  now = new Date('2025-06-02T13:00:00Z'),
  key = 'k',
): Promise<string> {
  const mailer = new KeepMailer();
  const api = new SmsVoiceRegistrationApi();
  try {
    await runReport({ api, store, mailer, now: () => now }, settings, { send: true, reportKey: key });
  } finally {
    api.destroy();
  }
  return mailer.sent[0].html;
}

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `${CHROMIUM} is missing: install Debian's chromium (scripts/test-all.sh does: apt-get install -y chromium)`,
    );
  }
  await fake.start();
  for (const k of [SMS_VOICE_ENDPOINT_ENV, 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY']) saved[k] = process.env[k];
  process.env[SMS_VOICE_ENDPOINT_ENV] = fake.url;
  process.env.AWS_ACCESS_KEY_ID ??= 'local';
  process.env.AWS_SECRET_ACCESS_KEY ??= 'local';
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
});

afterAll(async () => {
  await browser?.close();
  await fake.stop();
  for (const [k, v] of Object.entries(saved)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
});

describe('the report in a browser', () => {
  it('runs no script and shows hostile API strings as plain text, even without its CSP', async () => {
    fake.setRegistrations('us-east-1', hostileRegistrations('us-east-1'));
    fake.setRegistrations('us-west-2', []);
    const html = (await report()).replace(/<meta http-equiv="Content-Security-Policy"[^>]*>/, '');
    const page = await browser.newPage();
    const dialogs: string[] = [];
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    await page.setContent(html, { waitUntil: 'load' });
    const seen = await page.evaluate(() => ({
      pwned: window.__pwned,
      scripts: document.querySelectorAll('script').length,
      images: document.querySelectorAll('img').length,
      handlers: Array.from(document.querySelectorAll('*')).flatMap((e) =>
        Array.from(e.attributes)
          .filter((a) => a.name.startsWith('on'))
          .map((a) => `${e.tagName}.${a.name}`),
      ),
      links: Array.from(document.querySelectorAll('a')).map((a) => a.href),
      text: document.body.innerText,
    }));
    await page.close();
    expect(seen.pwned).toBeUndefined();
    expect(dialogs).toEqual([]);
    expect(seen.scripts).toBe(0);
    expect(seen.images).toBe(0);
    expect(seen.handlers).toEqual([]);
    for (const link of seen.links) {
      const url = new URL(link);
      expect(url.protocol, link).toBe('https:');
      expect(url.hostname, link).toMatch(/(^|\.)aws\.amazon\.com$/);
    }
    // The reader sees the strings exactly as the API sent them (cleaned of control characters).
    expect(seen.text).toContain(HOSTILE.script);
    expect(seen.text).toContain(HOSTILE.img);
    expect(seen.text).toContain('Documentation (not linked, not an https AWS address): javascript:window.__pwned=1');
  });

  it('shows the summary first, then what needs action, and keeps a screenshot for the docs', async () => {
    // The previous report: the campaign was under review, one toll-free registration was provisioning
    // and another needed updates (resubmitted since), and a short code registration is gone now.
    const before = (region: string): FakeRegistration[] =>
      exampleRegistrations(region).map((r) =>
        r.RegistrationId === 'registration-4f0e8be1'
          ? { ...r, RegistrationStatus: 'REVIEWING', LatestDeniedVersionNumber: undefined }
          : r.RegistrationId === 'registration-55ab10w2'
            ? { ...r, RegistrationStatus: 'PROVISIONING', ApprovedVersionNumber: undefined }
            : r.RegistrationId === 'registration-7c1d0aw2'
              ? { ...r, RegistrationStatus: 'REQUIRES_UPDATES' }
              : r,
      );
    const store = new MemoryStateStore();
    fake.setRegistrations('us-east-1', before('us-east-1'));
    fake.setRegistrations('us-west-2', [
      ...before('us-west-2'),
      {
        ...exampleRegistrations('us-west-2')[3],
        RegistrationId: 'registration-3d9a52w2',
        RegistrationStatus: 'SUBMITTED',
      },
    ]);
    await report(store, new Date('2025-05-30T12:00:00Z'), 'previous');
    fake.setRegistrations('us-east-1', exampleRegistrations('us-east-1'));
    fake.setRegistrations('us-west-2', exampleRegistrations('us-west-2'));
    const html = await report(store, new Date('2025-06-02T12:00:00Z'), 'now');

    const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
    await page.setContent(html, { waitUntil: 'load' });
    const headings = await page.locator('h2').allInnerTexts();
    expect(headings.slice(0, 5)).toEqual([
      'Summary',
      'Requires updates (1)',
      'Requires authentication (1)',
      'Closed (1)',
      'Created, not submitted (1)',
    ]);
    expect(await page.locator('.headline').innerText()).toBe('4 of 10 registrations need action.');
    expect(await page.locator('table.summary tfoot').innerText()).toMatch(/All registrations\s+6\s+4\s+10/);
    expect(await page.locator('#changes + p').innerText()).toBe('0 new, 2 changed, 1 resolved, 1 no longer listed.');
    const denied = page.locator('#status-REQUIRES_UPDATES .denied');
    expect(await denied.locator('h4').innerText()).toBe('Why version 2 was denied (2025-05-31 05:00 EDT)');
    expect(await denied.locator('a').getAttribute('href')).toBe(
      'https://docs.aws.amazon.com/sms-voice/latest/userguide/registrations-10dlc.html',
    );
    const out = mkdtempSync(join(tmpdir(), 'sms-report-shot-'));
    const shot = await page.screenshot({ path: join(out, 'report.png'), fullPage: true });
    await page.close();
    expect(shot.byteLength).toBeGreaterThan(50_000);
    if (process.env.UPDATE_SCREENSHOTS === '1') {
      mkdirSync(join(REPO_ROOT, 'docs/sms-monitor'), { recursive: true });
      const { writeFileSync } = await import('node:fs');
      writeFileSync(SCREENSHOT, shot);
    }
    expect(existsSync(SCREENSHOT), `${SCREENSHOT}: run UPDATE_SCREENSHOTS=1 npx vitest run ${__filename}`).toBe(true);
  });
});
