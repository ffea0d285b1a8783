// Hostile arguments and input files for `npm run license:simulate`: each is refused before any
// simulation (or moto) starts with one line naming the option, exit status 2, no stack trace, and
// no file written.
import { spawnSync } from 'node:child_process';
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  symlinkSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../tools/license-orchestration/simulate';
import { REPO_ROOT } from '../helpers/app';
import { ec2Event } from '../../testing/license-orchestration/events';

const FIXTURES = join(REPO_ROOT, 'tools/license-orchestration/fixtures');
const INSTANCES = join(FIXTURES, 'instances.json');
const EVENTS = join(FIXTURES, 'events.jsonl');
const EVENT = readEventLine();
const TSX = createRequire(__filename).resolve('tsx/cjs');

function readEventLine(): Record<string, unknown> {
  return {
    version: '0',
    id: '7f3c1a2e-0000-4000-8000-000000000001',
    'detail-type': 'EC2 Instance State-change Notification',
    source: 'aws.ec2',
    account: '222222222222',
    time: '2025-03-03T08:00:00Z',
    region: 'eu-west-1',
    resources: ['arn:aws:ec2:eu-west-1:222222222222:instance/i-0a000000000000001'],
    detail: { 'instance-id': 'i-0a000000000000001', state: 'pending' },
  };
}

let dir: string;
/** Writes an input file into the case's directory and returns its path. */
const file = (name: string, content: string | Buffer) => {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
};
const instances = (content: string | Buffer) => ['--instances', file('instances.json', content), '--events', EVENTS];
const events = (content: string | Buffer) => ['--instances', INSTANCES, '--events', file('events.jsonl', content)];
const eventLine = (fields: Record<string, unknown>) => events(`${JSON.stringify({ ...EVENT, ...fields })}\n`);

const cases: [string, () => string[], RegExp][] = [
  ['no arguments', () => [], /^--instances and --events are required/],
  ['an unknown option', () => ['--instance', INSTANCES, '--events', EVENTS], /^Unknown option '--instance'/],
  ['--instances without a value', () => ['--events', EVENTS, '--instances'], /--instances/],
  [
    '--moto with a value',
    () => ['--instances', INSTANCES, '--events', EVENTS, '--moto=yes'],
    /^Option '--moto' does not take an argument/,
  ],
  [
    'a missing --instances file',
    () => ['--instances', join(dir, 'none.json'), '--events', EVENTS],
    /^--instances: expected a JSON file of instance records .*\(no such file\)$/,
  ],
  ['a directory as --instances', () => ['--instances', dir, '--events', EVENTS], /^--instances: .*\(a directory\)$/],
  [
    'garbage instances',
    () => instances('garbage{'),
    /^--instances: expected a JSON file of instance records .*got a file that is not JSON/,
  ],
  ['an empty instances file', () => instances(''), /^--instances: .*not JSON/],
  ['a whitespace-only instances file', () => instances('  \n\t\n'), /^--instances: .*not JSON/],
  [
    'binary instances',
    () => instances(Buffer.from([0x5b, 0xff, 0xfe, 0x00, 0x80, 0x5d])),
    /^--instances: .*not UTF-8 text/,
  ],
  ['UTF-16 instances', () => instances(Buffer.from('\ufeff[]', 'utf16le')), /^--instances: .*not UTF-8 text/],
  ['an object instead of an array', () => instances('{"instanceId": "i-1"}'), /^--instances: .*got an object$/],
  ['a number as a record', () => instances('[7]'), /^--instances: record 0: expected an object .*got a number$/],
  [
    'a number as instanceId',
    () => instances('[{"instanceId": 7, "tags": {}}]'),
    /^--instances: record 0: expected "instanceId" to be a non-empty string, got a number$/,
  ],
  [
    'a whitespace-only instanceId',
    () => instances('[{"instanceId": "  ", "tags": {}}]'),
    /record 0: expected "instanceId" to be a non-empty string, got an empty string$/,
  ],
  [
    'a number as a tag value',
    () => instances('[{"instanceId": "i-1", "tags": {"owner": 7}}]'),
    /record 0: expected tag "owner" to be a string, got a number$/,
  ],
  [
    'tags as an array',
    () => instances('[{"instanceId": "i-1", "tags": ["owner"]}]'),
    /record 0: expected "tags" to be an object, got an array$/,
  ],
  [
    'an instance listed twice',
    () => instances('[{"instanceId": "i-1", "tags": {}}, {"instanceId": "i-1", "tags": {}}]'),
    /record 1: expected each instanceId once/,
  ],
  [
    'deeply nested instances',
    () => instances(`${'['.repeat(100_000)}${']'.repeat(100_000)}`),
    /^--instances: (record 0: expected an object|.*nested too deeply)/,
  ],
  [
    'an oversized instances file',
    () => {
      const p = file('instances.json', '');
      truncateSync(p, 65 * 1024 * 1024);
      return ['--instances', p, '--events', EVENTS];
    },
    /^--instances: .*at most 64 MiB, got a larger file/,
  ],
  [
    'a missing --events file',
    () => ['--instances', INSTANCES, '--events', join(dir, 'none.jsonl')],
    /^--events: .*\(no such file\)$/,
  ],
  [
    'an array as an event line',
    () => events('[1, 2]\n'),
    /^--events: line 1: expected a JSON object \(an EventBridge event\), got an array$/,
  ],
  [
    'a string as an event line',
    () => events(`${JSON.stringify(EVENT)}\n"pending"\n`),
    /^--events: line 2: expected a JSON object .*got a string$/,
  ],
  ['null as an event line', () => events('null\n'), /^--events: line 1: .*got null$/],
  [
    'a garbage event line',
    () => events(`${JSON.stringify(EVENT)}\n{"detail": \n`),
    /^--events: expected a file of EventBridge events.*got line 2 that is not JSON/,
  ],
  [
    'resources as a string',
    () => eventLine({ resources: 'arn:aws:ec2:eu-west-1:222222222222:instance/i-1' }),
    /^--events: line 1: expected "resources" to be an array of strings, got a string$/,
  ],
  [
    'detail as a string',
    () => eventLine({ detail: 'running' }),
    /^--events: line 1: expected "detail" to be an object, got a string$/,
  ],
  ['binary events', () => events(Buffer.from([0x7b, 0xc3, 0x28, 0x7d])), /^--events: .*not UTF-8 text/],
  [
    'an event for an instance missing from --instances',
    () => events(`${JSON.stringify(EVENT)}\n\n${JSON.stringify(ec2Event('i-0a000000000000009', 'running'))}\n`),
    /^--events: line 3: expected an instance listed in --instances, got i-0a000000000000009$/,
  ],
  [
    'a missing --config file',
    () => ['--instances', INSTANCES, '--events', EVENTS, '--config', join(dir, 'none.yaml')],
    /^--config: .*cannot read the file/,
  ],
  [
    'a config without the section',
    () => ['--instances', INSTANCES, '--events', EVENTS, '--config', file('config.yaml', 'shared: {}\n')],
    /^--config: expected a config with a licenseOrchestration section/,
  ],
];

describe('license:simulate: hostile arguments and input files (in process)', () => {
  let stderr: string;
  let stdout: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'license-simulate-hostile-'));
  });
  afterEach(() => vi.restoreAllMocks());

  it.each(cases)('refuses %s', async (_name, argv, message) => {
    dir = mkdtempSync(join(tmpdir(), 'license-simulate-hostile-'));
    const args = argv();
    const before = readdirSync(dir).sort();
    stderr = '';
    stdout = '';
    vi.spyOn(process.stderr, 'write').mockImplementation((s) => ((stderr += String(s)), true));
    vi.spyOn(process.stdout, 'write').mockImplementation((s) => ((stdout += String(s)), true));
    const code = await main(args);
    vi.restoreAllMocks();
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr.endsWith('\n')).toBe(true);
    expect(stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(stderr).not.toMatch(/\s+at \S+ \(/);
    expect(stderr).toMatch(/^license:simulate: /);
    expect(stderr.replace(/^license:simulate: /, '').replace(/ \(--help for usage\)\n$/, '')).toMatch(message);
    expect(readdirSync(dir).sort()).toEqual(before);
  });

  it('refuses a config with two problems with one line per problem, as cdk synth prints them', async () => {
    dir = mkdtempSync(join(tmpdir(), 'license-simulate-hostile-'));
    const example = readFileSync(join(REPO_ROOT, 'config/example.yaml'), 'utf8');
    const bad = example.replace(/^ {6}seats: 50$/m, '      seats: -5').replace(/^ {2}busName: .*$/m, "  busName: ''");
    const config = file('config.yaml', bad);
    stderr = '';
    stdout = '';
    vi.spyOn(process.stderr, 'write').mockImplementation((s) => ((stderr += String(s)), true));
    vi.spyOn(process.stdout, 'write').mockImplementation((s) => ((stdout += String(s)), true));
    const code = await main(['--instances', INSTANCES, '--events', EVENTS, '--config', config]);
    vi.restoreAllMocks();
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).not.toMatch(/\s+at \S+ \(/);
    const lines = stderr.replace(/ \(--help for usage\)\n$/, '').split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toBe(
      `license:simulate: --config: ${config}: licenseOrchestration.busName: expected an event bus name of letters, digits and ._-, got ""`,
    );
    expect(lines[1].startsWith(`license:simulate: --config: ${config}: licenseOrchestration.products[0].seats: `)).toBe(
      true,
    );
  });
});

describe('license:simulate: hostile input files (as a user runs it)', () => {
  const cli = join(REPO_ROOT, 'tools/license-orchestration/simulate.ts');
  it.each([
    [
      'a missing --instances file',
      () => ['--instances', join(dir, 'none.json'), '--events', EVENTS],
      /--instances: .*no such file/,
    ],
    ['garbage instances', () => instances('\u0000garbage'), /--instances: .*not JSON/],
    ['a non-object event line', () => events('42\n'), /--events: line 1: expected a JSON object .*got a number/],
    ['an unknown option with --moto', () => ['--moto', '--instance', INSTANCES], /Unknown option '--instance'/],
  ])('refuses %s with exit status 2 and one line', (_name, argv, message) => {
    dir = mkdtempSync(join(tmpdir(), 'license-simulate-cli-'));
    mkdirSync(join(dir, 'cwd'));
    // Run from an empty directory, so anything the CLI wrote would show there.
    const cwd = join(dir, 'cwd');
    const config = ['--config', join(REPO_ROOT, 'config/example.yaml')];
    const result = spawnSync(process.execPath, ['--require', TSX, cli, ...argv(), ...config], {
      cwd,
      encoding: 'utf8',
      env: { ...process.env, DEBUG: '' },
    });
    expect(result.status).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(result.stderr).not.toMatch(/\s+at \S+ \(/);
    expect(result.stderr).toMatch(message);
    expect(readdirSync(cwd)).toEqual([]);
  });
});

describe('license:simulate --moto in a checkout without .venv (as right after npm ci)', () => {
  it('says in one line what to run, exit status 1, and runs without --moto', () => {
    // The simulator's files in a checkout of their own whose other folders are the repository's,
    // so .venv (moto) is the one thing missing.
    dir = mkdtempSync(join(tmpdir(), 'license-simulate-no-venv-'));
    const tool = join(dir, 'tools/license-orchestration');
    mkdirSync(tool, { recursive: true });
    for (const f of ['simulate.ts', 'simulator.ts', 'simulator-moto.ts']) {
      copyFileSync(join(REPO_ROOT, 'tools/license-orchestration', f), join(tool, f));
    }
    for (const d of ['config', 'lambda', 'testing', 'node_modules']) symlinkSync(join(REPO_ROOT, d), join(dir, d));
    const cli = (extra: string[]) =>
      // tsx as npm run starts it (the CLI loads the moto run with a dynamic import).
      spawnSync(join(REPO_ROOT, 'node_modules/.bin/tsx'), [join(tool, 'simulate.ts'), ...extra], {
        cwd: REPO_ROOT,
        encoding: 'utf8',
        env: { ...process.env, DEBUG: '' },
      });

    const moto = cli(['--instances', INSTANCES, '--events', EVENTS, '--moto']);
    expect(moto.status).toBe(1);
    expect(moto.stdout).toBe('');
    expect(moto.stderr).toBe(
      'license:simulate: --moto needs moto: run "bash scripts/python-env.sh" once (or leave out --moto to run in process)\n',
    );

    const inProcess = cli(['--instances', INSTANCES, '--events', EVENTS]);
    expect(inProcess.status, inProcess.stderr).toBe(0);
    expect(JSON.parse(inProcess.stdout)).toEqual(JSON.parse(readFileSync(join(FIXTURES, 'expected.json'), 'utf8')));
  });
});
