import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../tools/privatelink-failover/cli';
import { REPO_ROOT } from '../helpers/app';
import { freePort } from '../../testing/shared/free-port';

// Bad arguments and input files to `npm run failover`, run in-process through its main. Every case
// is refused before any request: exit 2, one line naming the argument or field, nothing written.

const dir = mkdtempSync(join(tmpdir(), 'hostile-failover-'));
mkdirSync(join(dir, 'a-directory'));
let count = 0;
function file(content: string | Buffer): string {
  const path = join(dir, `f${count++}.json`);
  writeFileSync(path, content);
  return path;
}
const json = (data: unknown) => file(JSON.stringify(data));

const panel = 'arn:aws:route53-recovery-control::123456789012:controlpanel/0123456789abcdef0123456789abcdef';
const endpoint = (region: string) => ({
  endpoint: `https://abcd1234.route53-recovery-cluster.${region}.amazonaws.com/v1`,
  region,
});
const manifest = {
  version: 1,
  name: 'payments',
  controlPlaneRegion: 'us-west-2',
  clusterArn: 'arn:aws:route53-recovery-control::123456789012:cluster/1234abcd-1234-abcd-1234-1234abcd1234',
  controlPanelArn: panel,
  clusterEndpoints: ['us-east-1', 'us-west-2', 'eu-west-1', 'ap-northeast-1', 'ap-southeast-2'].map(endpoint),
  routingControls: {
    primary: { arn: `${panel}/routingcontrol/aaaa`, region: 'us-east-1', healthCheckId: 'hc-primary' },
    secondary: { arn: `${panel}/routingcontrol/bbbb`, region: 'us-west-2', healthCheckId: 'hc-secondary' },
  },
  safetyRules: { atLeastOneOn: `${panel}/safetyrule/cccc`, atMostOneOn: `${panel}/safetyrule/dddd` },
  failoverNames: ['consumer-a.payments.provider.internal'],
};
const RLM = '\u200f';
const withEndpoints = (list: unknown) => ['status', '--manifest', json(manifest), '--cluster-endpoints', json(list)];
const withManifest = (m: unknown) => ['status', '--manifest', json(m)];

const cases: [string, () => string[], RegExp][] = [
  ['no command', () => [], /^missing command: expected status, activate, drill or manifest/],
  ['unknown command', () => ['failback'], /^unknown command "failback"/],
  ['unknown option', () => ['status', '--bogus'], /^Unknown option '--bogus'/],
  ['activate without a side', () => ['activate'], /^activate: expected primary or secondary, got nothing/],
  [
    'activate a look-alike side',
    () => ['activate', 'prim\u0430ry'],
    /^activate: expected primary or secondary, got "prim/,
  ],
  ['activate with an extra argument', () => ['activate', 'primary', 'now'], /^activate: unexpected "now"/],
  [
    '--timeout-ms zero',
    () => ['status', '--timeout-ms', '0'],
    /^--timeout-ms: expected a positive whole number, got "0"/,
  ],
  [
    '--timeout-ms not a number',
    () => ['status', '--timeout-ms', 'soon'],
    /^--timeout-ms: expected a positive whole number/,
  ],
  [
    '--timeout-ms in hex',
    () => ['status', '--timeout-ms', '0x10'],
    /^--timeout-ms: expected a positive whole number, got "0x10"/,
  ],
  [
    '--deadline-ms a fraction',
    () => ['status', '--deadline-ms', '1.5'],
    /^--deadline-ms: expected a positive whole number/,
  ],
  [
    '--hold-seconds negative',
    () => ['drill', '--hold-seconds=-1'],
    /^--hold-seconds: expected a number of seconds, got "-1"/,
  ],
  ['--hold-seconds empty', () => ['drill', '--hold-seconds', ' '], /^--hold-seconds: expected a number of seconds/],
  [
    '--override-safety-rules not an ARN',
    () => ['activate', 'primary', '--override-safety-rules', 'x'],
    /^--override-safety-rules: "x" is not a safety rule ARN/,
  ],
  [
    '--ssm-regions unknown',
    () => ['status', '--ssm-regions', 'zz-mars-1'],
    /^--ssm-regions: expected an AWS Region .*got "zz-mars-1"/,
  ],
  [
    '--ssm-regions repeated',
    () => ['status', '--ssm-regions', 'us-west-2,us-west-2'],
    /^--ssm-regions: us-west-2 is listed twice/,
  ],
  [
    '--ssm-regions empty',
    () => ['status', '--ssm-regions', ''],
    /^--ssm-regions: expected a comma-separated list of Regions, got nothing/,
  ],
  [
    '--ssm-regions with a right-to-left mark',
    () => ['status', '--ssm-regions', `us-west-2${RLM}`],
    /did you mean us-west-2\?/,
  ],
  [
    '--manifest missing',
    () => ['status', '--manifest', join(dir, 'missing.json')],
    /^cannot read the manifest file .*ENOENT/,
  ],
  [
    '--manifest a directory',
    () => ['status', '--manifest', join(dir, 'a-directory')],
    /^cannot read the manifest file .*EISDIR/,
  ],
  [
    '--manifest binary',
    () => ['status', '--manifest', file(Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10]))],
    /^manifest file \S+: expected UTF-8 JSON/,
  ],
  [
    '--manifest UTF-16',
    () => ['status', '--manifest', file(Buffer.from(`\ufeff${JSON.stringify(manifest)}`, 'utf16le'))],
    /^manifest file \S+: expected UTF-8 JSON/,
  ],
  [
    '--manifest not JSON over several lines',
    () => ['status', '--manifest', file('{\n  "version": 1,\n  oops\n}')],
    /^manifest file \S+: expected JSON, got a file that is not JSON \(/,
  ],
  [
    '--manifest oversized',
    () => ['status', '--manifest', file(`${' '.repeat(2 * 1024 * 1024)}{}`)],
    /^manifest file \S+: expected at most 1 MiB of JSON/,
  ],
  [
    '--manifest deeply nested',
    () => ['status', '--manifest', file(`${'['.repeat(100_000)}${']'.repeat(100_000)}`)],
    /^manifest file \S+: version: expected 1/,
  ],
  ['--manifest a number', () => withManifest(42), /^manifest file \S+: manifest: expected a JSON object/],
  [
    '--manifest version as a string',
    () => withManifest({ ...manifest, version: '1' }),
    /^manifest file \S+: version: expected 1, got "1"/,
  ],
  [
    '--manifest ARN as a number',
    () => withManifest({ ...manifest, clusterArn: 42 }),
    /^manifest file \S+: clusterArn: expected a non-empty string, got 42/,
  ],
  [
    '--manifest empty name',
    () => withManifest({ ...manifest, name: '' }),
    /^manifest file \S+: name: expected a non-empty string, got ""/,
  ],
  [
    'manifest endpoint over http',
    () =>
      withManifest({
        ...manifest,
        clusterEndpoints: [
          { ...endpoint('us-east-1'), endpoint: 'http://abcd1234.route53-recovery-cluster.us-east-1.amazonaws.com/v1' },
        ],
      }),
    /^manifest clusterEndpoints\[0\]\.endpoint: expected https/,
  ],
  [
    'endpoints empty list',
    () => withEndpoints([]),
    /^cluster endpoints file \S+: clusterEndpoints: expected a non-empty list/,
  ],
  [
    'endpoint on another host',
    () => withEndpoints([{ endpoint: 'https://attacker.example/v1', region: 'us-east-1' }]),
    /^--cluster-endpoints \S+\[0\]\.endpoint: expected a host <id>\.route53-recovery-cluster\.us-east-1\.amazonaws\.com/,
  ],
  [
    'endpoint host with an AWS-looking prefix',
    () =>
      withEndpoints([
        { endpoint: 'https://a.route53-recovery-cluster.us-east-1.amazonaws.com.evil.example/v1', region: 'us-east-1' },
      ]),
    /expected a host <id>\.route53-recovery-cluster/,
  ],
  [
    'endpoint host with a Cyrillic look-alike',
    () =>
      withEndpoints([
        { endpoint: 'https://a.route53-rec\u043every-cluster.us-east-1.amazonaws.com/v1', region: 'us-east-1' },
      ]),
    /expected a host <id>\.route53-recovery-cluster/,
  ],
  [
    'endpoint with a port',
    () =>
      withEndpoints([
        { endpoint: 'https://a.route53-recovery-cluster.us-east-1.amazonaws.com:8443/v1', region: 'us-east-1' },
      ]),
    /no user, port, query or fragment/,
  ],
  [
    'endpoint as a file URL',
    () => withEndpoints([{ endpoint: 'file:///etc/passwd', region: 'us-east-1' }]),
    /expected an http\(s\) URL|expected https/,
  ],
  [
    'endpoint on loopback without --allow-local-endpoints',
    () => withEndpoints([{ endpoint: 'https://127.0.0.1:8443/v1', region: 'us-east-1' }]),
    /a local test peer needs --allow-local-endpoints/,
  ],
  [
    'endpoint Region as a number',
    () => withEndpoints([{ endpoint: endpoint('us-east-1').endpoint, region: 1 }]),
    /region: expected a non-empty string, got 1/,
  ],
  [
    'endpoint Region with a right-to-left mark',
    () => withEndpoints([{ ...endpoint('us-east-1'), region: `us-east-1${RLM}` }]),
    /\.endpoint: region: expected an AWS Region .*did you mean us-east-1\?/,
  ],
];

beforeAll(async () => {
  // Nothing may leave the machine, whatever a case gets past.
  Object.assign(process.env, {
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_REGION: 'us-west-2',
    AWS_ENDPOINT_URL: `http://127.0.0.1:${await freePort()}`,
  });
});

describe('failover tool: hostile input', () => {
  it.each(cases)('%s', async (_name, argv, expected) => {
    const args = argv();
    const before = readdirSync(dir).sort();
    const out: string[] = [];
    const err: string[] = [];
    const code = await main(args, { out: (l) => out.push(l), err: (l) => err.push(l) });
    expect(code).toBe(2);
    expect(out).toEqual([]);
    const lines = err.join('\n').split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]!.replace(/^FAILED: /, '')).toMatch(expected);
    expect(lines[0]).not.toMatch(/\s+at \S+ \(/);
    expect(readdirSync(dir).sort()).toEqual(before);
  });
});

describe('failover tool as a user runs it', () => {
  it('refuses an http endpoint on another host in a real process: exit 2, one line', () => {
    const endpoints = json([{ endpoint: 'http://attacker.example/v1', region: 'us-east-1' }]);
    const result = spawnSync(
      join(REPO_ROOT, 'node_modules/.bin/tsx'),
      [
        'tools/privatelink-failover/failover.ts',
        'status',
        '--manifest',
        json(manifest),
        '--cluster-endpoints',
        endpoints,
      ],
      { cwd: REPO_ROOT, encoding: 'utf8', env: { ...process.env, NODE_NO_WARNINGS: '1' } },
    );
    expect(result.status).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      `FAILED: --cluster-endpoints ${endpoints}[0].endpoint: expected https (requests are signed), got "http://attacker.example/v1" (a local test peer needs --allow-local-endpoints)\n`,
    );
  }, 30_000);
});
