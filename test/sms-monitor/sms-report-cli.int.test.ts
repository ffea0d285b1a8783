import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/app';
import { exampleRegistrations, generateRegistrations } from '../../testing/sms-monitor/datasets';
import { FakeSmsVoiceApi, SMS_VOICE_ENDPOINT_ENV } from '../../testing/sms-monitor/fake-sms-api';
import { createStateTable, sentMail, verifyIdentity } from './support/moto';

// The local report command as a user runs it: a separate process with only environment settings
// (the SMS API server's endpoint, moto for SES and DynamoDB, dummy credentials).

const fake = new FakeSmsVoiceApi({
  'us-east-1': [...exampleRegistrations('us-east-1'), ...generateRegistrations({ region: 'us-east-1', count: 230 })],
  'us-west-2': exampleRegistrations('us-west-2'),
});
const dir = mkdtempSync(join(tmpdir(), 'sms-report-'));

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the command asynchronously (the API server answers from this process). */
function run(args: readonly string[], viaNpm = false): Promise<Run> {
  const [command, argv] = viaNpm
    ? ['npm', ['run', '-s', 'sms:report', '--', ...args]]
    : [join(REPO_ROOT, 'node_modules/.bin/tsx'), [join(REPO_ROOT, 'tools/sms-monitor/sms-report.ts'), ...args]];
  return new Promise((resolve, reject) => {
    const child = spawn(command, argv, {
      cwd: REPO_ROOT,
      env: { ...process.env, [SMS_VOICE_ENDPOINT_ENV]: fake.url, NODE_NO_WARNINGS: '1' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

beforeAll(async () => {
  await fake.start();
});

afterAll(async () => {
  await fake.stop();
});

describe('npm run sms:report', () => {
  it('prints its usage with --help', async () => {
    const { code, stdout } = await run(['--help'], true);
    expect(code).toBe(0);
    expect(stdout).toContain('Usage: npm run sms:report -- --regions <r1,r2> [options]');
    expect(stdout).toContain('--send');
  });

  it('names bad arguments and exits with 2', async () => {
    expect(await run([])).toMatchObject({ code: 2, stderr: expect.stringContaining('--regions is required') });
    expect(await run(['--regions', 'us-east-1', '--send'])).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('--send needs --from <address> and --to <addresses>'),
    });
    expect(await run(['--regions', 'us-east-1', '--time-zone', 'Nowhere/City'])).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('--time-zone: expected an IANA time zone name'),
    });
    expect(await run(['--regions', 'nowhere'])).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('--regions'),
    });
    // A repeated Region is refused (usually a typo for another one), not silently merged.
    expect(await run(['--regions', 'us-east-1,us-west-2,us-east-1'])).toMatchObject({
      code: 2,
      stderr: 'sms:report: --regions: us-east-1 is listed twice (list each Region once) (run with --help for usage)\n',
    });
  });

  it('writes the HTML and text reports of every Region without sending', async () => {
    fake.resetCalls();
    const html = join(dir, 'report.html');
    const text = join(dir, 'report.txt');
    const before = (await sentMail()).length;
    const result = await run([
      '--regions',
      'us-east-1,us-west-2',
      '--out',
      html,
      '--text',
      text,
      '--time-zone',
      'America/New_York',
    ]);
    expect(result.code).toBe(0);
    const total = fake.registrations('us-east-1').length + fake.registrations('us-west-2').length;
    expect(result.stderr).toContain(`${total} registrations, `);
    expect(readFileSync(html, 'utf8')).toContain('<h1>SMS registration report</h1>');
    expect(readFileSync(text, 'utf8')).toMatch(/^All registrations\s+236\s+4\s+240$/m);
    expect(readFileSync(text, 'utf8')).toContain('(times in America/New_York)');
    expect(fake.calls.every((c) => !c.error)).toBe(true);
    expect(await sentMail()).toHaveLength(before);
  });

  it('prints the text report to stdout when no file is named', async () => {
    const { code, stdout } = await run(['--regions', 'us-west-2']);
    expect(code).toBe(0);
    expect(stdout).toContain('1 of 4 registrations need action.');
  });

  it('sends with --send through SES, and tracks changes with --state-table', async () => {
    await verifyIdentity('example.com');
    await createStateTable('cli-state');
    const before = (await sentMail()).length;
    const args = [
      '--regions',
      'us-west-2',
      '--send',
      '--from',
      'sms@example.com',
      '--to',
      'a@example.com,b@example.com',
    ];
    // SES identity and table live in us-east-1 (moto keeps Regions apart), like a monitor's home Region.
    const first = await run([...args, '--state-table', 'cli-state', '--ses-region', 'us-east-1']);
    expect(first.stderr).not.toContain('failed');
    expect(first.code).toBe(0);
    expect(first.stderr).toMatch(/sent, message ID \S+/);
    fake.registrations('us-west-2')[0].RegistrationStatus = 'REQUIRES_UPDATES';
    const second = await run([...args, '--state-table', 'cli-state', '--ses-region', 'us-east-1']);
    expect(second.stderr).not.toContain('failed');
    expect(second.code).toBe(0);
    const mail = (await sentMail()).slice(before);
    expect(mail).toHaveLength(2);
    expect(mail[0]).toMatchObject({
      source: 'sms@example.com',
      destinations: { ToAddresses: ['a@example.com', 'b@example.com'] },
    });
    expect(mail[0].body).toContain('This is the first report');
    expect(mail[1].body).toContain('0 new, 1 changed, 0 resolved, 0 no longer listed.');
  });

  it('fails with exit status 1 and the API error when the report cannot be built', async () => {
    fake.failNext(20, { type: 'AccessDeniedException' });
    try {
      const html = join(dir, 'failed.html');
      const { code, stderr } = await run(['--regions', 'us-east-1', '--out', html]);
      expect(code).toBe(1);
      expect(readdirSync(dir).filter((f) => f.startsWith('failed'))).toEqual([]);
      expect(stderr).toContain(
        'sms:report failed: reading SMS registrations in us-east-1 failed: injected AccessDeniedException',
      );
    } finally {
      fake.failNext(0);
    }
  });
});
