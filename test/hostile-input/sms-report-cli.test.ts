import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../tools/sms-monitor/sms-report';
import { REPO_ROOT } from '../helpers/app';

// Bad arguments to `npm run sms:report`, run in-process through its main (stderr captured), plus
// one real child process. Every case is refused before any AWS call: exit 2, one line, no file.

const dir = mkdtempSync(join(tmpdir(), 'hostile-sms-report-'));
mkdirSync(join(dir, 'a-directory'));
const out = join(dir, 'report.html');
const RLM = '\u200f';

let stderr: string[];
beforeEach(() => {
  stderr = [];
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => (stderr.push(String(chunk)), true));
  vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
});
afterEach(() => vi.restoreAllMocks());

const cases: [string, string[], RegExp][] = [
  ['no arguments', [], /--regions is required/],
  ['duplicate Region', ['--regions', 'us-east-1,us-west-2,us-east-1'], /^--regions: us-east-1 is listed twice/],
  ['duplicate after trimming', ['--regions', 'us-east-1, us-east-1'], /^--regions: us-east-1 is listed twice/],
  ['unknown Region', ['--regions', 'zz-mars-1'], /^--regions: expected an AWS Region .*got "zz-mars-1"$/],
  ['Region in capitals', ['--regions', 'US-EAST-1'], /did you mean us-east-1\?/],
  ['Region with a right-to-left mark', ['--regions', `${RLM}us-east-1`], /did you mean us-east-1\?/],
  ['Region with a Cyrillic look-alike', ['--regions', 'us-\u0435ast-1'], /non-ASCII characters/],
  ['only commas', ['--regions', ',,,'], /^--regions: expected a comma-separated list of Regions, got nothing$/],
  ['whitespace-only Regions', ['--regions', '   '], /^--regions: expected a comma-separated list/],
  ['empty Regions', ['--regions', ''], /--regions is required|^--regions: expected/],
  ['a number where a Region goes', ['--regions', '1'], /^--regions: expected an AWS Region .*got "1"$/],
  ['unknown SES Region', ['--regions', 'us-east-1', '--ses-region', 'mars'], /^--ses-region: expected an AWS Region/],
  [
    '--out in a missing directory',
    ['--regions', 'us-east-1', '--out', join(dir, 'no/such/dir/r.html')],
    /^--out: expected a file in an existing directory/,
  ],
  [
    '--out is a directory',
    ['--regions', 'us-east-1', '--out', join(dir, 'a-directory')],
    /^--out: expected a file, got the directory/,
  ],
  ['--out empty', ['--regions', 'us-east-1', '--out', ' '], /^--out: expected a file name, got nothing$/],
  [
    '--text the same file as --out',
    ['--regions', 'us-east-1', '--out', out, '--text', out],
    /^--text: expected a file other than --out's/,
  ],
  [
    '--concurrency not a number',
    ['--regions', 'us-east-1', '--concurrency', 'many'],
    /^--concurrency expects a whole number, got "many"$/,
  ],
  [
    '--concurrency negative',
    ['--regions', 'us-east-1', '--concurrency=-1'],
    /^--concurrency expects a whole number, got "-1"$/,
  ],
  [
    '--concurrency followed by a dash value',
    ['--regions', 'us-east-1', '--concurrency', '-1'],
    /^Option '--concurrency' argument is ambiguous/,
  ],
  ['--recent-days huge', ['--regions', 'us-east-1', '--recent-days', '1e9'], /^--recent-days expects a whole number/],
  [
    'unknown time zone',
    ['--regions', 'us-east-1', '--time-zone', 'Mars/Olympus'],
    /^--time-zone: expected an IANA time zone/,
  ],
  [
    '--send without addresses',
    ['--regions', 'us-east-1', '--send'],
    /^--send needs --from <address> and --to <addresses>$/,
  ],
  [
    'bad sender',
    ['--regions', 'us-east-1', '--send', '--from', 'not-an-address', '--to', 'a@example.com'],
    /^--from: /,
  ],
  ['unknown option', ['--regions', 'us-east-1', '--bogus'], /Unknown option '--bogus'/],
  ['positional argument', ['us-east-1'], /Unexpected argument 'us-east-1'/],
];

describe('sms:report: hostile arguments', () => {
  it.each(cases)('%s', async (_name, argv, expected) => {
    const before = readdirSync(dir).sort();
    const code = await main(argv);
    expect(code).toBe(2);
    const text = stderr.join('');
    const lines = text.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^sms:report: .* \(run with --help for usage\)$/);
    expect(lines[0]!.replace(/^sms:report: /, '').replace(/ \(run with --help for usage\)$/, '')).toMatch(expected);
    expect(text).not.toMatch(/\s+at \S+ \(/);
    expect(readdirSync(dir).sort()).toEqual(before);
  });
});

describe('sms:report as a user runs it', () => {
  it('refuses a duplicate Region in a real process: exit 2, one line, no file', () => {
    const result = spawnSync(
      join(REPO_ROOT, 'node_modules/.bin/tsx'),
      ['tools/sms-monitor/sms-report.ts', '--regions', 'eu-west-1,eu-west-1', '--out', out],
      { cwd: REPO_ROOT, encoding: 'utf8', env: { ...process.env, NODE_NO_WARNINGS: '1' } },
    );
    expect(result.status).toBe(2);
    expect(result.stderr).toBe(
      'sms:report: --regions: eu-west-1 is listed twice (list each Region once) (run with --help for usage)\n',
    );
    expect(readdirSync(dir)).not.toContain('report.html');
  }, 30_000);
});
