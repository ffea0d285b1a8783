// Hostile input for `npm run alerting:local`: arguments and the monitors file. Each case runs the
// CLI's main in-process (exit code and output captured); a few run it as a user would.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../tools/flink-alerting/alerting-local';
import { REPO_ROOT } from '../helpers/app';
import { FIXTURES_DIR } from '../flink-alerting/fixtures';

const work = mkdtempSync(join(tmpdir(), 'hostile-alerting-local-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const GOOD_MONITORS = readFileSync(
  join(FIXTURES_DIR, 'scenarios', 'threshold-trigger-recover', 'monitors.json'),
  'utf8',
);
const TELEMETRY = join(FIXTURES_DIR, 'scenarios', 'threshold-trigger-recover', 'telemetry.jsonl');

let caseNumber = 0;

/** A fresh directory with a monitors file of `content` (string or bytes), unless null. */
function setup(content: string | Buffer | null): { dir: string; monitors: string; out: string } {
  const dir = join(work, `case-${++caseNumber}`);
  mkdirSync(dir);
  const monitors = join(dir, 'monitors.json');
  if (content !== null) writeFileSync(monitors, content);
  return { dir, monitors, out: join(dir, 'alerts.jsonl') };
}

function run(argv: string[]): { code: number; stdout: string; stderr: string } {
  let stdout = '';
  let stderr = '';
  const code = main(argv, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
  return { code, stdout, stderr };
}

type Case = [name: string, content: string | Buffer | null, argv: (f: ReturnType<typeof setup>) => string[], RegExp];

const args = (f: ReturnType<typeof setup>, extra: string[] = []) => [
  '--monitors',
  f.monitors,
  '--telemetry',
  TELEMETRY,
  '--out',
  f.out,
  ...extra,
];
const nested = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;

const cases: Case[] = [
  ['no arguments', GOOD_MONITORS, () => [], /^--monitors is required$/],
  ['an option without its value', GOOD_MONITORS, () => ['--monitors'], /^--monitors: missing value$/],
  [
    'an option followed by another option',
    GOOD_MONITORS,
    (f) => ['--monitors', '--telemetry', TELEMETRY, '--out', f.out],
    /^--monitors: missing value$/,
  ],
  ['an option given twice', GOOD_MONITORS, (f) => [...args(f), '--monitors', f.monitors], /^--monitors: expected once/],
  [
    'an empty path',
    GOOD_MONITORS,
    (f) => ['--monitors', '', '--telemetry', TELEMETRY, '--out', f.out],
    /^--monitors: expected a file path, got an empty value$/,
  ],
  [
    'a whitespace-only path',
    GOOD_MONITORS,
    (f) => ['--monitors', '  \t', '--telemetry', TELEMETRY, '--out', f.out],
    /^--monitors: expected a file path, got an empty value$/,
  ],
  ['a missing monitors file', null, (f) => args(f), /^--monitors: cannot read .*monitors\.json$/],
  [
    'a directory as the monitors file',
    null,
    (f) => ['--monitors', f.dir, '--telemetry', TELEMETRY, '--out', f.out],
    /^--monitors: .* is not a file$/,
  ],
  [
    'a missing telemetry file',
    GOOD_MONITORS,
    (f) => ['--monitors', f.monitors, '--telemetry', join(f.dir, 'none.jsonl'), '--out', f.out],
    /^--telemetry: cannot read .*none\.jsonl$/,
  ],
  [
    'a directory as the telemetry file',
    GOOD_MONITORS,
    (f) => ['--monitors', f.monitors, '--telemetry', f.dir, '--out', f.out],
    /^--telemetry: .* is not a file$/,
  ],
  [
    '--out in a missing directory',
    GOOD_MONITORS,
    (f) => ['--monitors', f.monitors, '--telemetry', TELEMETRY, '--out', join(f.dir, 'no', 'a.jsonl')],
    /^--out: directory .* does not exist$/,
  ],
  [
    '--out naming a directory',
    GOOD_MONITORS,
    (f) => ['--monitors', f.monitors, '--telemetry', TELEMETRY, '--out', f.dir],
    /^--out: .* is not a file$/,
  ],
  [
    '--out naming the monitors file',
    GOOD_MONITORS,
    (f) => ['--monitors', f.monitors, '--telemetry', TELEMETRY, '--out', f.monitors],
    /^--out: expected a file other than --monitors/,
  ],
  [
    'a look-alike option name (Cyrillic o)',
    GOOD_MONITORS,
    (f) => ['--monit\u043ers', f.monitors, '--telemetry', TELEMETRY, '--out', f.out],
    /^--monitors is required$/,
  ],
  [
    'a right-to-left mark in a path (shown escaped)',
    null,
    (f) => ['--monitors', join(f.dir, '\u202enosj.json'), '--telemetry', TELEMETRY, '--out', f.out],
    /^--monitors: cannot read .*\\u202enosj\.json$/,
  ],
  [
    'a newline in a path (kept on one line)',
    null,
    (f) => ['--monitors', join(f.dir, 'a\nb.json'), '--telemetry', TELEMETRY, '--out', f.out],
    /^--monitors: cannot read .*a\\nb\.json$/,
  ],
  ['an empty monitors file', '', (f) => args(f), /^--monitors: expected a JSON array of monitors, got an empty file$/],
  [
    'a whitespace-only monitors file',
    ' \n\t\n',
    (f) => args(f),
    /^--monitors: expected a JSON array of monitors, got an empty file$/,
  ],
  [
    'a binary monitors file',
    Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x00, 0x00, 0xff, 0xfe]),
    (f) => args(f),
    /^--monitors: expected UTF-8 JSON text, got bytes that are not UTF-8/,
  ],
  [
    'a UTF-16 monitors file (with BOM)',
    Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('[]', 'utf16le')]),
    (f) => args(f),
    /^--monitors: expected UTF-8 JSON text/,
  ],
  [
    'a UTF-16 monitors file (no BOM)',
    Buffer.from('[]', 'utf16le'),
    (f) => args(f),
    /^--monitors: expected JSON text, got a binary file \(NUL bytes\)$/,
  ],
  [
    'a Latin-1 monitors file',
    Buffer.from('[{"id":"caf\xe9"}]', 'latin1'),
    (f) => args(f),
    /^--monitors: expected UTF-8 JSON text/,
  ],
  ['deeply nested JSON', nested(100_000), (f) => args(f), /^--monitors: expected JSON nested at most 32 levels deep$/],
  [
    'text that is not JSON',
    '{monitors: []}',
    (f) => args(f),
    /^--monitors: expected a JSON file of monitors, got a file that is not JSON \(/,
  ],
  [
    'a number instead of the list',
    '42',
    (f) => args(f),
    /^--monitors: expected a JSON array of monitors or \{"monitors": \[\.\.\.\]\}$/,
  ],
  ['a string instead of the list', '"monitors"', (f) => args(f), /^--monitors: expected a JSON array of monitors/],
  [
    'an object under "monitors"',
    '{"monitors": {"id": "x"}}',
    (f) => args(f),
    /^--monitors: expected a JSON array of monitors/,
  ],
  [
    'a number where a monitor goes',
    '[42]',
    (f) => args(f),
    /^--monitors: monitors\[0\]: expected a JSON object, got number$/,
  ],
  [
    'null where a monitor goes',
    '{"monitors": [{}, null]}',
    (f) => args(f),
    /^--monitors: monitors\[1\]: expected a JSON object, got null$/,
  ],
  [
    'an array where a monitor goes',
    '[[]]',
    (f) => args(f),
    /^--monitors: monitors\[0\]: expected a JSON object, got an array$/,
  ],
];

describe('alerting:local refuses hostile arguments and files with one line, exit 2, nothing written', () => {
  it.each(cases)('%s', (_name, content, argv, message) => {
    const f = setup(content);
    const before = existsSync(f.out);
    const r = run(argv(f));
    expect(r.code).toBe(2);
    const lines = r.stderr.split('\n').filter(Boolean);
    expect(lines[0]).toMatch(/^alerting-local: error: /);
    expect(lines[0].replace(/^alerting-local: error: /, '')).toMatch(message);
    expect(lines.filter((l) => l.startsWith('alerting-local: error')).length).toBe(1);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.stderr).not.toContain('\u202e');
    expect(existsSync(f.out)).toBe(before);
  });

  it('refuses an oversized monitors file before reading it', () => {
    const f = setup('');
    truncateSync(f.monitors, 9 * 1024 * 1024); // sparse: no 9 MiB written
    const r = run(args(f));
    expect(r.code).toBe(2);
    expect(r.stderr.split('\n')[0]).toBe(
      `alerting-local: error: --monitors: expected a JSON file of at most 8 MiB, got ${9 * 1024 * 1024} bytes`,
    );
    expect(existsSync(f.out)).toBe(false);
  });
});

describe('alerting:local run as a user would', () => {
  it('exits 2 with one line and no stack trace on a bad file', () => {
    const f = setup('[42]');
    const result = spawnSync('npx', ['tsx', 'tools/flink-alerting/alerting-local.ts', ...args(f)], {
      cwd: REPO_ROOT,
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(
      /^alerting-local: error: --monitors: monitors\[0\]: expected a JSON object, got number\n/,
    );
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(f.out)).toBe(false);
  });

  // The job's contract parser refuses the unknown field (the same parser dead-letters such a
  // monitor in the deployed job). Builds the jobs with Maven first if they are not built yet.
  it('refuses a misspelt monitor field (severty), naming it', () => {
    const f = setup(GOOD_MONITORS.replace('"severity"', '"severty"'));
    const result = spawnSync('npx', ['tsx', 'tools/flink-alerting/alerting-local.ts', ...args(f)], {
      cwd: REPO_ROOT,
      encoding: 'utf8',
      timeout: 600_000,
    });
    expect(result.status).toBe(2);
    const errors = result.stderr.split('\n').filter((l) => l.startsWith('error: '));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/monitors\[0\]\.severty: unknown field \(known: .*severity.*\)$/);
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(f.out)).toBe(false);
  }, 660_000);
});
