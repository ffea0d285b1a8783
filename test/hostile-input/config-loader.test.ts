import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../config/load';
import { REPO_ROOT } from '../helpers/app';

// Bad config files through loadConfig (what `cdk synth` runs first), and a few real synth runs:
// each must give ConfigError lines of the form `<file>: <field or line>: <what was expected>`.

const dir = mkdtempSync(join(tmpdir(), 'hostile-config-'));
const example = readFileSync(join(REPO_ROOT, 'config/example.yaml'), 'utf8');
let count = 0;

function file(content: string | Buffer): string {
  const path = join(dir, `c${count++}.yaml`);
  writeFileSync(path, content);
  return path;
}

// Loosely typed on purpose: the cases put wrong types where the schema expects others.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Loose = any;

/** The example config with `edit` applied to its parsed form. */
function exampleWith(edit: (c: Loose) => void): string {
  const config = parse(example) as Loose;
  edit(config);
  return stringify(config);
}

function aliasBomb(): string {
  const lines = ['a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]'];
  for (const [name, prev] of [...'bcdefghi'].map((c, i) => [c, 'abcdefgh'[i]])) {
    lines.push(`${name}: &${name} [${Array(9).fill(`*${prev}`).join(', ')}]`);
  }
  return lines.join('\n');
}

const RLM = '\u200f';
const cases: [string, string | Buffer, RegExp][] = [
  ['YAML alias bomb (billion laughs)', aliasBomb(), /^line \d+: YAML aliases expand to more than 100 copies/],
  ['alias to no anchor', 'shared: *nothing\n', /^line 1: alias \*nothing refers to no anchor/],
  ['unclosed flow sequence', 'shared:\n  tags: [unclosed\n', /^line \d+, column \d+: YAML syntax: /],
  ['duplicate key', 'shared: {}\nshared: {}\n', /^line 2, column 1: YAML syntax: Map keys must be unique/],
  ['tab indentation', 'shared:\n\ttags: {}\n', /^line 2, column 1: YAML syntax: Tabs are not allowed/],
  [
    'two documents',
    'shared: {}\n---\nshared: {}\n',
    /^line 2, column 1: YAML syntax: Source contains multiple documents/,
  ],
  ['unknown YAML tag', 'shared: !!js/function "function () {}"\n', /^line 1, column 9: YAML syntax: Unresolved tag/],
  [
    'deeply nested flow YAML',
    `shared: ${'['.repeat(100_000)}`,
    /^line 1: expected at most 64 nested \[ \] or \{ \} collections/,
  ],
  [
    'deeply nested JSON',
    `{"shared": ${'{"a": '.repeat(5000)}1${'}'.repeat(5001)}`,
    /^line 1: expected at most 64 nested/,
  ],
  [
    'oversized file',
    `# ${'x'.repeat(300 * 1024)}\nshared: {}\n`,
    /^expected a config file of at most 256 KiB, got 301 KiB$/,
  ],
  [
    'binary file',
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0xff, 0xfe]),
    /^expected UTF-8 YAML text, got bytes that are not UTF-8/,
  ],
  ['NUL byte in UTF-8 text', 'shared:\n  tags: {a: b}\u0000\n', /^expected UTF-8 YAML text, got a NUL byte on line 2/],
  ['UTF-16 encoded', Buffer.from(`\ufeffshared: {}\n`, 'utf16le'), /^expected UTF-8 YAML text, got UTF-16 text$/],
  [
    'Latin-1 encoded',
    Buffer.from('shared:\n  tags: {city: Z\xfcrich}\n', 'latin1'),
    /^expected UTF-8 YAML text, got bytes that are not UTF-8/,
  ],
  // Brackets inside a plain scalar open nothing; scanning them must stay linear (a 240 KB line).
  [
    'a long line of brackets inside a plain scalar',
    `a: ${'x['.repeat(120_000)}\n`,
    /^shared: expected object, got nothing/,
  ],
  ['empty file', '', /^shared: expected object, got nothing \(the field is required\)$/],
  ['whitespace-only file', '  \n\n   \n', /^shared: expected object, got nothing/],
  ['a list instead of a mapping', '- shared\n- {}\n', /^\(root\): expected object, got an array of 2$/],
  ['a number instead of a mapping', '42\n', /^\(root\): expected object, got 42$/],
  ['misspelt section', 'shared: {}\nsmsMonitr: {}\n', /^smsMonitr: unknown field/],
  [
    'Region that does not exist',
    example.replace('region: us-west-2', 'region: zz-mars-1'),
    /^privateLinkFailover\.provider\.secondary\.region: expected an AWS Region such as us-east-1 .*got "zz-mars-1"$/,
  ],
  [
    'Region with a right-to-left mark',
    exampleWith((c) => (c.smsMonitor.accounts[0].regions[0] = `us-east-1${RLM}`)),
    /^smsMonitor\.accounts\[0\]\.regions\[0\]: expected an AWS Region .*did you mean us-east-1\?\), got "us-east-1\\u200f"$/,
  ],
  [
    'Region with a Cyrillic look-alike letter',
    exampleWith((c) => (c.smsMonitor.accounts[0].regions[0] = 'us-\u0435ast-1')),
    /^smsMonitor\.accounts\[0\]\.regions\[0\]: expected an AWS Region .*non-ASCII characters/,
  ],
  [
    'Region in capitals with a trailing space',
    exampleWith((c) => (c.smsMonitor.accounts[0].homeRegion = 'US-EAST-1 ')),
    /^smsMonitor\.accounts\[0\]\.homeRegion: .*did you mean us-east-1\?/,
  ],
  [
    'empty Region',
    exampleWith((c) => (c.smsMonitor.accounts[0].regions[0] = '')),
    /regions\[0\]: expected an AWS Region .*got ""$/,
  ],
  [
    'number where a Region goes',
    exampleWith((c) => (c.smsMonitor.accounts[0].regions[0] = 1)),
    /regions\[0\]: expected string, got 1$/,
  ],
  [
    'number where an account ID goes',
    exampleWith((c) => (c.smsMonitor.accounts[0].account = 111111111111)),
    /accounts\[0\]\.account: expected string, got 111111111111$/,
  ],
  [
    'string where a number goes',
    'shared: {logRetentionDays: "90"}\n',
    /^shared\.logRetentionDays: expected number, got "90"$/,
  ],
  [
    'not-a-number retention',
    'shared: {logRetentionDays: .nan}\n',
    /^shared\.logRetentionDays: expected number, got NaN$/,
  ],
  [
    'account alias with a right-to-left override',
    `shared: {accountAliases: {"111111111111": "tools\u202e"}}\n`,
    /^shared\.accountAliases\.111111111111: .*got "tools\\u202e"$/,
  ],
  [
    'oversized tag value',
    `shared: {tags: {owner: "${'x'.repeat(10_000)}"}}\n`,
    /^shared\.tags\.owner: expected at most 256 characters, got "x+\.\.\.$/,
  ],
];

function problemsOf(path: string): string[] {
  try {
    loadConfig(path);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as ConfigError).lines();
  }
  throw new Error('the config was accepted');
}

describe('config loader: hostile input', () => {
  it.each(cases)('%s', (_name, content, expected) => {
    const path = file(content);
    const before = readdirSync(dir).length;
    const lines = problemsOf(path);
    // One line per problem, each naming the file; the first names what was wrong.
    for (const line of lines) {
      expect(line.startsWith(`${path}: `)).toBe(true);
      expect(line).not.toContain('\n');
      expect(line).not.toMatch(/\s+at \S+ \(/);
    }
    expect(lines[0]!.slice(path.length + 2)).toMatch(expected);
    expect(readdirSync(dir).length).toBe(before);
  });

  it('names a file that cannot be read', () => {
    expect(problemsOf(join(dir, 'missing.yaml'))).toEqual([
      expect.stringMatching(/missing\.yaml: cannot read the file: ENOENT/),
    ]);
    expect(problemsOf(dir)).toEqual([expect.stringMatching(/cannot read the file: EISDIR/)]);
  });
});

describe('cdk synth with a hostile config', () => {
  // A real synth per case is slow (~8 s), so only the categories that matter at the command line.
  it.each([
    ['alias bomb', aliasBomb(), /: line \d+: YAML aliases expand to more than 100 copies/],
    [
      'unknown Region',
      example.replace('region: us-west-2', 'region: zz-mars-1'),
      /: privateLinkFailover\.provider\.secondary\.region: expected an AWS Region/,
    ],
    ['binary file', Buffer.from([0xff, 0x00, 0xfe, 0x01, 0x80]), /: expected UTF-8 YAML text/],
  ])(
    '%s: one line per problem, non-zero exit, no template',
    (_name, content, expected) => {
      const path = file(content);
      const outdir = join(dir, `out${count}`);
      const result = spawnSync(
        join(REPO_ROOT, 'node_modules/.bin/cdk'),
        ['synth', '--quiet', '-o', outdir, '-c', `config=${path}`],
        { cwd: REPO_ROOT, encoding: 'utf8', env: { ...process.env, CDK_DISABLE_VERSION_CHECK: 'true' } },
      );
      expect(result.status).not.toBe(0);
      expect(result.stderr).toMatch(expected);
      const ours = result.stderr.split('\n').filter((l) => l.startsWith(path));
      expect(ours.length).toBeGreaterThan(0);
      // The CLI adds its own one line ("Subprocess exited with error 2"); nothing else, and no stack.
      expect(result.stderr.split('\n').filter((l) => l && !l.startsWith(path))).toEqual([
        expect.stringMatching(/Subprocess exited with error 2$/),
      ]);
      expect(result.stderr).not.toMatch(/^\s+at /m);
      const templates = existsSync(outdir) ? readdirSync(outdir).filter((f) => f.endsWith('.template.json')) : [];
      expect(templates).toEqual([]);
    },
    60_000,
  );
});
