import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RegionInfo } from 'aws-cdk-lib/region-info';
import { ConfigError, loadConfig, parseConfig, placeholderAccounts, validateConfig } from '../../config/load';
import { KNOWN_REGIONS, regionProblem } from '../../config/schema';
import { REPO_ROOT } from '../helpers/app';

/** The problems a bad config yields (fails the test if it is accepted). */
function problemsOf(data: unknown): readonly string[] {
  try {
    validateConfig(data);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as ConfigError).problems;
  }
  throw new Error('config was accepted');
}

const valid = { shared: { tags: { owner: 'me' } } };

describe('deployment config', () => {
  it('accepts the example config and fills defaults', () => {
    const config = loadConfig(join(REPO_ROOT, 'config/example.yaml'));
    expect(config.shared.removalPolicy).toBe('retain');
    expect(config.shared.alarms.emails).toEqual(['platform-oncall@example.com']);
    expect(config.shared.accountAliases['111111111111']).toBe('tools');
    const minimal = validateConfig(valid);
    expect(minimal.shared).toMatchObject({ logRetentionDays: 90, logLevel: 'INFO', removalPolicy: 'retain' });
  });

  it('names a missing required field', () => {
    expect(problemsOf({})).toEqual(['shared: expected object, got nothing (the field is required)']);
  });

  it('names a field of the wrong type with what it found', () => {
    expect(problemsOf({ shared: { logRetentionDays: 'ninety' } })).toEqual([
      'shared.logRetentionDays: expected number, got "ninety"',
    ]);
  });

  it('names an unknown (misspelt) field', () => {
    expect(problemsOf({ shared: { tags: {}, removalPolicys: 'retain' } })).toEqual([
      'shared.removalPolicys: unknown field (not part of the config schema: check its spelling or remove it)',
    ]);
  });

  it('names a value outside an enumeration', () => {
    expect(problemsOf({ shared: { removalPolicy: 'keep' } })).toEqual([
      'shared.removalPolicy: expected one of "retain", "snapshot", "destroy", got "keep"',
    ]);
  });

  it('names a badly formatted value inside an array', () => {
    expect(problemsOf({ shared: { alarms: { emails: ['ops@example.com', 'not-an-email'] } } })).toEqual([
      'shared.alarms.emails[1]: expected an email address, got "not-an-email"',
    ]);
  });

  it('names a bad record key', () => {
    const problems = problemsOf({ shared: { accountAliases: { '1234': 'short' } } });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^shared\.accountAliases\.1234: expected a 12-digit AWS account ID/);
  });

  it('names a value that fails a refinement', () => {
    expect(problemsOf({ shared: { logRetentionDays: 42 } })).toEqual([
      'shared.logRetentionDays: expected one of 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, got 42',
    ]);
  });

  it('reports every problem at once', () => {
    expect(problemsOf({ shared: { logLevel: 'LOUD', removalPolicy: 1 } })).toHaveLength(2);
  });

  it('reports YAML syntax errors', () => {
    expect(() => parseConfig('shared:\n  tags: [unclosed\n')).toThrow(/YAML syntax/);
    expect(() => parseConfig('shared: {}\nshared: {}\n')).toThrow(/YAML syntax/);
  });

  it('refuses a Region AWS does not publish, naming the field', () => {
    const problems = problemsOf({
      shared: {},
      smsMonitor: { accounts: [{ account: '987654321098', regions: ['zz-mars-1'] }] },
    });
    expect(problems).toContainEqual(
      expect.stringMatching(/^smsMonitor\.accounts\[0\]\.regions\[0\]: expected an AWS Region .*got "zz-mars-1"$/),
    );
  });

  it("accepts every Region of aws-cdk-lib's region-info and only those", () => {
    expect(KNOWN_REGIONS).toEqual(RegionInfo.regions.map((r) => r.name).sort());
    for (const name of ['us-east-1', 'eu-central-2', 'ap-southeast-7', 'mx-central-1'])
      expect(regionProblem(name)).toBeUndefined();
    for (const name of ['zz-mars-1', 'us-east-9', 'US-EAST-1', ' us-east-1', ''])
      expect(regionProblem(name)).toBeDefined();
  });

  it('refuses a YAML alias bomb with one line naming the file and line', () => {
    const bomb = ['a: &a [x, x, x, x, x, x, x, x, x]'];
    for (const [name, prev] of [
      ['b', 'a'],
      ['c', 'b'],
      ['d', 'c'],
      ['e', 'd'],
      ['f', 'e'],
      ['g', 'f'],
    ]) {
      bomb.push(`${name}: &${name} [${Array(9).fill(`*${prev}`).join(', ')}]`);
    }
    expect(() => parseConfig(bomb.join('\n'), 'bomb.yaml')).toThrow(ConfigError);
    try {
      parseConfig(bomb.join('\n'), 'bomb.yaml');
    } catch (e) {
      expect((e as ConfigError).lines()).toEqual([
        expect.stringMatching(/^bomb\.yaml: line 3: YAML aliases expand to more than 100 copies/),
      ]);
    }
  });

  it('reports a file that cannot be read', () => {
    expect(() => loadConfig('/nonexistent/config.yaml')).toThrow(/cannot read the file/);
  });

  it('finds placeholder accounts', () => {
    expect(placeholderAccounts({ a: [{ account: '111111111111' }], b: { '222222222222': 'x' } })).toEqual([
      '111111111111',
      '222222222222',
    ]);
    expect(placeholderAccounts({ account: '987654321098' })).toEqual([]);
  });

  it('stops synth before any stack is built, naming the field', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bad-config-'));
    const configPath = join(dir, 'bad.yaml');
    writeFileSync(configPath, 'shared:\n  logLevel: LOUD\n');
    const outdir = join(dir, 'out');
    const result = spawnSync(
      join(REPO_ROOT, 'node_modules/.bin/cdk'),
      ['synth', '--quiet', '-o', outdir, '-c', `config=${configPath}`],
      { cwd: REPO_ROOT, encoding: 'utf8', env: { ...process.env, CDK_DISABLE_VERSION_CHECK: 'true' } },
    );
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain(
      `${configPath}: shared.logLevel: expected one of "DEBUG", "INFO", "WARN", "ERROR", got "LOUD"`,
    );
    expect(result.stderr).not.toMatch(/^\s+at /m);
    const templates = existsSync(outdir) ? readdirSync(outdir).filter((f) => f.endsWith('.template.json')) : [];
    expect(templates).toEqual([]);
  });
});
