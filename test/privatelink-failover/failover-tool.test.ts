import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../tools/privatelink-failover/cli';
import { REPO_ROOT } from '../helpers/app';
import { freePort } from '../../testing/shared/free-port';
import { CLUSTER_REGIONS, LocalArc, type LocalArcOptions } from '../../testing/privatelink-failover/arc-local';
import type { Json } from './support/stacks';

// The failover tool, run in-process exactly as `npm run failover` runs it, with the real SDK
// clients against the local ARC (five endpoint servers sharing one cluster state).

const dir = mkdtempSync(join(tmpdir(), 'plf-tool-'));
let fileCount = 0;
function writeJson(data: unknown): string {
  const path = join(dir, `f${fileCount++}.json`);
  writeFileSync(path, JSON.stringify(data));
  return path;
}

/** Runs the tool; the local ARC's endpoints are loopback http, so it gets `--allow-local-endpoints` unless `strict`. */
async function run(argv: string[], strict = false) {
  const out: string[] = [];
  const err: string[] = [];
  const started = Date.now();
  const args = strict ? argv : [...argv, '--allow-local-endpoints'];
  const code = await main(args, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return {
    code,
    out: out.join('\n'),
    err: err.join('\n'),
    ms: Date.now() - started,
    json: () => JSON.parse(out.join('\n')),
  };
}

/** `operation region outcome` of each attempt in a JSON result, in the order they ended. */
function outcomes(result: Json, operation?: string): string[] {
  return result.attempts
    .filter((a: Json) => operation === undefined || a.operation === operation)
    .map((a: Json) => `${operation === undefined ? `${a.operation} ` : ''}${a.region} ${a.outcome}`);
}

/** Endpoints on ports nobody listens on: connections are refused. */
async function deadEndpoints(n: number) {
  return Promise.all(
    Array.from({ length: n }, async (_, i) => ({
      endpoint: `http://127.0.0.1:${await freePort()}/v1`,
      region: `dead-${i}`,
    })),
  );
}

beforeAll(async () => {
  Object.assign(process.env, {
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_REGION: 'us-west-2',
    // Nothing may leave the machine: every service without its own setting goes to a closed port.
    AWS_ENDPOINT_URL: `http://127.0.0.1:${await freePort()}`,
  });
  delete process.env.AWS_ENDPOINT_URL_ROUTE53_RECOVERY_CONTROL_CONFIG;
});

describe('npm run failover', () => {
  let arc: LocalArc;
  let manifest: string;

  async function startArc(options: LocalArcOptions = {}) {
    await arc?.stop();
    arc = await LocalArc.start(options);
    manifest = writeJson(arc.manifest());
  }

  /** `activate secondary` with the local ARC's manifest and further arguments. */
  const activateSecondary = (...args: string[]) => run(['activate', 'secondary', '--manifest', manifest, ...args]);

  beforeEach(async () => {
    await startArc();
  });

  afterEach(async () => {
    await arc.stop();
    delete process.env.AWS_ENDPOINT_URL_ROUTE53_RECOVERY_CONTROL_CONFIG;
  });

  it('explains itself with --help', async () => {
    const r = await run(['--help']);
    expect(r.code).toBe(0);
    for (const text of [
      'status',
      'activate <primary|secondary>',
      'drill',
      'ONE\n                                 UpdateRoutingControlStates call',
      '--dry-run',
      '--override-safety-rules',
      '--cluster-endpoints <file>',
      'DescribeCluster',
      'Every call is hedged',
      'reading the states back',
      '--hedge-delay-ms <n>',
      '--no-hedge',
      'AWS_ENDPOINT_URL_<SERVICE>',
      'Both Off (as new controls start) and both On serve the primary',
      'Exit status',
    ]) {
      expect(r.out).toContain(text);
    }
  });

  it('rejects bad usage with exit status 2', async () => {
    expect((await run([])).code).toBe(2);
    expect((await run(['activate'])).err).toContain('activate: expected primary or secondary, got nothing');
    expect((await run(['activate', 'sideways', '--manifest', manifest])).code).toBe(2);
    expect((await run(['status', '--timeout-ms', '0'])).err).toContain(
      '--timeout-ms: expected a positive whole number',
    );
    expect((await run(['status', '--hedge-delay-ms', '-1'])).code).toBe(2);
    expect((await run(['status', '--fan-out', '2', '--no-hedge'])).err).toMatch(/^--fan-out: not with --no-hedge/);
    expect((await run(['status', '--bogus'])).code).toBe(2);
    expect((await run(['activate', 'primary', '--override-safety-rules', 'not-an-arn'])).err).toContain(
      'is not a safety rule ARN',
    );
    const missing = await run(['status', '--manifest', join(dir, 'missing.json')]);
    expect(missing.code).toBe(2);
    expect(missing.err).toContain('cannot read the manifest file');
    const bad = await run(['status', '--manifest', writeJson({ ...arc.manifest(), routingControls: {} })]);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('routingControls.primary.arn: expected a non-empty string');
  });

  it('calls only https ARC cluster endpoints unless --allow-local-endpoints', async () => {
    // The local ARC's own list (http on 127.0.0.1) without the flag: refused before any request.
    const local = await run(['status', '--manifest', manifest], true);
    expect(local.code).toBe(2);
    expect(local.err).toMatch(
      /^FAILED: manifest clusterEndpoints\[0\]\.endpoint: expected https \(requests are signed\), got "http:\/\/127\.0\.0\.1:\d+\/v1" \(a local test peer needs --allow-local-endpoints\)$/,
    );
    expect(arc.endpoints.every((e) => e.calls.length === 0)).toBe(true);
    const endpoints = (list: unknown) =>
      run(['status', '--manifest', manifest, '--cluster-endpoints', writeJson(list)]);
    const cases: [unknown, RegExp][] = [
      [
        [{ endpoint: 'http://abc.route53-recovery-cluster.us-west-2.amazonaws.com/v1', region: 'us-west-2' }],
        /expected https/,
      ],
      [
        [{ endpoint: 'https://abc.route53-recovery-cluster.us-west-2.evil.example/v1', region: 'us-west-2' }],
        /expected a host <id>\.route53-recovery-cluster\.us-west-2\.amazonaws\.com/,
      ],
      [
        [{ endpoint: 'https://abc.route53-recovery-cluster.us-east-1.amazonaws.com/v1', region: 'us-west-2' }],
        /in its Region us-west-2/,
      ],
      [
        [{ endpoint: 'https://abc.route53-recovery-cluster.zz-mars-1.amazonaws.com/v1', region: 'zz-mars-1' }],
        /region: expected an AWS Region/,
      ],
      [
        [{ endpoint: 'https://user@abc.route53-recovery-cluster.us-west-2.amazonaws.com/v1', region: 'us-west-2' }],
        /no user, port/,
      ],
      [[{ endpoint: 'https://10.0.0.1/v1', region: 'us-west-2' }], /expected a host/],
    ];
    for (const [list, message] of cases) {
      const r = await endpoints(list);
      expect(r.code, JSON.stringify(list)).toBe(2);
      expect(r.err).toMatch(/^FAILED: --cluster-endpoints \S+\[0\]\.endpoint: /);
      expect(r.err).toMatch(message);
      expect(r.err.split('\n')).toHaveLength(1);
    }
    // The real shape passes the check (and then fails to connect in this sandbox: not a usage error).
    const real = await endpoints([
      { endpoint: 'https://abc123.route53-recovery-cluster.us-west-2.amazonaws.com/v1', region: 'us-west-2' },
    ]);
    expect(real.err).not.toContain('.endpoint:');
  });

  it('--ssm-regions: refuses unknown, empty and repeated Regions', async () => {
    const cases: [string, RegExp][] = [
      ['zz-mars-1', /^--ssm-regions: expected an AWS Region .*got "zz-mars-1"/],
      ['us-east-1,us-east-1', /^--ssm-regions: us-east-1 is listed twice/],
      [' , ', /^--ssm-regions: expected a comma-separated list of Regions, got nothing/],
      ['us-east-1,US-WEST-2', /did you mean us-west-2\?/],
    ];
    for (const [value, message] of cases) {
      const r = await run(['status', '--ssm-regions', value]);
      expect(r.code).toBe(2);
      expect(r.err).toMatch(message);
    }
  });

  it('status: reports the states, the health checks and which side the failover names serve', async () => {
    const r = await run(['status', '--manifest', manifest]);
    expect(r.code).toBe(0);
    expect(r.out).toContain('primary   us-east-1      Off');
    expect(r.out).toContain('(both Off: Route 53 serves the primary');
    expect(r.out).toContain('consumer-a.payments.provider.internal -> primary');
    const j = (await run(['status', '--manifest', manifest, '--json'])).json();
    expect(j).toMatchObject({
      ok: true,
      states: { primary: 'Off', secondary: 'Off' },
      serving: 'primary',
      endpointSource: 'published',
    });
    // Route 53 is unreachable here: status still works and says so.
    expect(j.healthChecks.primary).toMatchObject({ id: 'hc-primary', status: expect.stringMatching(/^unknown/) });
  });

  it('activate: flips both controls in one UpdateRoutingControlStates call and confirms by reading back', async () => {
    const r = await run(['activate', 'secondary', '--manifest', manifest, '--json']);
    expect(r.code).toBe(0);
    expect(r.json()).toMatchObject({
      ok: true,
      target: 'secondary',
      states: { primary: 'Off', secondary: 'On' },
      serving: 'secondary',
    });
    // Every copy that reached an endpoint carried the whole flip (hedged: up to one per endpoint).
    expect(arc.state.updates.length).toBeGreaterThanOrEqual(1);
    for (const update of arc.state.updates) {
      expect(update).toEqual({
        entries: [
          { arn: arc.controlArns.primary, state: 'Off' },
          { arn: arc.controlArns.secondary, state: 'On' },
        ],
        overridden: [],
      });
    }
    const operations = new Set(arc.endpoints.flatMap((e) => e.calls));
    expect(operations).toEqual(new Set(['UpdateRoutingControlStates', 'GetRoutingControlState']));
    const text = await run(['activate', 'primary', '--manifest', manifest]);
    expect(text.out).toMatch(/^ACTIVATED primary \(us-east-1\) in \d+\.\d\d s/);
    expect(text.out).toContain('Confirmed: primary (us-east-1) On, secondary (us-west-2) Off');
    expect(arc.states()).toEqual({ primary: 'On', secondary: 'Off' });
  });

  it('--no-hedge: tries one endpoint at a time, moving past endpoints that refuse connections', async () => {
    await arc.setModes({ 0: 'refuse', 1: 'refuse' });
    const r = await run(['activate', 'secondary', '--manifest', manifest, '--no-hedge', '--json']);
    expect(r.code).toBe(0);
    const attempts = r.json().attempts.filter((a: Json) => a.operation === 'UpdateRoutingControlStates');
    expect(attempts.map((a: Json) => `${a.region} ${a.outcome}`)).toEqual([
      'us-east-1 refused',
      'us-west-2 refused',
      'eu-west-1 ok',
    ]);
    // Later calls start at the endpoint that answered.
    expect(
      r
        .json()
        .attempts.filter((a: Json) => a.operation === 'GetRoutingControlState')
        .map((a: Json) => a.region),
    ).toEqual(['eu-west-1', 'eu-west-1']);
    expect(arc.states()).toEqual({ primary: 'Off', secondary: 'On' });
  });

  it('hedged: moves past endpoints that refuse connections at once, without waiting for the hedge delay', async () => {
    await arc.setModes({ 0: 'refuse', 1: 'refuse' });
    // A hedge delay longer than the test: only the failures can bring in more endpoints.
    const r = await activateSecondary('--hedge-delay-ms', '600000', '--json');
    expect(r.code).toBe(0);
    // Each refusal brought in the next endpoint.
    expect(outcomes(r.json(), 'UpdateRoutingControlStates')).toEqual([
      'us-east-1 refused',
      'us-west-2 refused',
      'eu-west-1 ok',
    ]);
    expect(arc.states()).toEqual({ primary: 'Off', secondary: 'On' });
  });

  // The attempt timeout is longer than the test: only hedging can bring in the live endpoints, so
  // no attempt may end in a timeout; the black-holed attempts are cancelled, and their servers see it.
  for (const command of ['activate', 'status', 'drill']) {
    it(`${command}: three black-holed endpoints cost a hedge delay each, not an attempt timeout`, async () => {
      await startArc({ initial: { primary: 'On', secondary: 'Off' } });
      await arc.setModes({ 0: 'blackhole', 1: 'blackhole', 2: 'blackhole' });
      const args =
        command === 'activate'
          ? ['activate', 'secondary']
          : command === 'drill'
            ? ['drill', '--hold-seconds', '0']
            : ['status'];
      const r = await run([...args, '--manifest', manifest, '--timeout-ms', '600000', '--json']);
      expect(r.code, r.err).toBe(0);
      const all = outcomes(r.json());
      expect(all.filter((o) => o.endsWith(' timeout'))).toEqual([]);
      // Each black-holed endpoint was asked (the first call goes through them in order) and cancelled.
      const blackHoled = ['us-east-1', 'us-west-2', 'eu-west-1'];
      const first = {
        activate: 'UpdateRoutingControlStates',
        status: 'ListRoutingControls',
        drill: 'GetRoutingControlState',
      }[command]!;
      const firstCall = outcomes(r.json(), first);
      for (const region of blackHoled) expect(firstCall).toContain(`${region} cancelled`);
      expect(all.filter((o) => blackHoled.some((b) => o.includes(` ${b} `)) && !o.endsWith(' cancelled'))).toEqual([]);
      expect(firstCall[0]).toMatch(/^(ap-southeast-2|ap-northeast-1) ok$/);
      await vi.waitFor(() => {
        for (const e of arc.endpoints.slice(0, 3)) expect(e.aborted, e.region).toContain(first);
      });
    });
  }

  it('--fan-out 2: moves past slow, throttling and unavailable endpoints, cancelling the slow attempt', async () => {
    arc.endpoints[0]!.slowMs = 3000;
    await arc.setModes({ 0: 'slow', 1: 'throttle', 2: 'unavailable' });
    const r = await activateSecondary(
      '--timeout-ms',
      '60000',
      '--hedge-delay-ms',
      '600000',
      '--fan-out',
      '2',
      '--json',
    );
    expect(r.code).toBe(0);
    expect(outcomes(r.json(), 'UpdateRoutingControlStates')).toEqual([
      'us-west-2 throttled',
      'eu-west-1 unavailable',
      'ap-southeast-2 ok',
      'us-east-1 cancelled',
    ]);
    await vi.waitFor(() => expect(arc.endpoints[0]!.aborted).toEqual(['UpdateRoutingControlStates']));
  });

  it('hedged: both endpoints receive the update; the first answer wins and the other copy is cancelled', async () => {
    // Two copies at once (and no hedge delay within the test): us-west-2 applies its copy first
    // but holds the answer; us-east-1, held until then, applies the same states and answers.
    arc.endpoints[0]!.holdUntil = arc.state.nextUpdate();
    arc.endpoints[1]!.answerDelayMs = 600_000;
    const r = await activateSecondary('--fan-out', '2', '--hedge-delay-ms', '600000', '--json');
    expect(r.code).toBe(0);
    expect(arc.endpoints[0]!.calls[0]).toBe('UpdateRoutingControlStates');
    expect(arc.endpoints[1]!.calls[0]).toBe('UpdateRoutingControlStates');
    expect(arc.state.updates).toHaveLength(2);
    expect(arc.state.updates[1]).toEqual(arc.state.updates[0]);
    expect(outcomes(r.json(), 'UpdateRoutingControlStates')).toEqual(['us-east-1 ok', 'us-west-2 cancelled']);
    await vi.waitFor(() => expect(arc.endpoints[1]!.aborted).toContain('UpdateRoutingControlStates'));
    expect(r.json()).toMatchObject({ ok: true, states: { primary: 'Off', secondary: 'On' } });
  });

  it('hedged: a copy refused because another copy was applied first still succeeds, decided by reading back', async () => {
    // The wait period starts with the first copy applied (us-east-1, whose answer is held back),
    // so the second copy (us-west-2, held until then) is refused, and that refusal answers first.
    await startArc({ waitPeriodMs: 60_000, initial: { primary: 'On', secondary: 'Off' } });
    arc.endpoints[0]!.answerDelayMs = 600_000;
    arc.endpoints[1]!.holdUntil = arc.state.nextUpdate();
    const r = await activateSecondary('--fan-out', '2', '--hedge-delay-ms', '600000', '--json');
    expect(r.code, r.err).toBe(0);
    expect(outcomes(r.json(), 'UpdateRoutingControlStates')).toEqual(['us-west-2 rejected', 'us-east-1 cancelled']);
    expect(arc.state.updates).toHaveLength(1);
    expect(r.json()).toMatchObject({ ok: true, states: { primary: 'Off', secondary: 'On' }, serving: 'secondary' });
    expect(r.err).toContain(
      'a copy of the update was refused (ConflictException); the states read back confirm the change',
    );
    await vi.waitFor(() => expect(arc.endpoints[0]!.aborted).toContain('UpdateRoutingControlStates'));
  });

  it('fails with exit status 1 and one line when no endpoint answers, without changing anything', async () => {
    await arc.setModes({ 0: 'refuse', 1: 'blackhole', 2: 'throttle', 3: 'unavailable', 4: 'refuse' });
    const r = await activateSecondary('--timeout-ms', '200', '--deadline-ms', '1500', '--quiet');
    expect(r.code).toBe(1);
    expect(r.err.split('\n')).toHaveLength(1);
    expect(r.err).toMatch(
      /^FAILED: none of the 5 cluster endpoints answered UpdateRoutingControlStates within 1500 ms \(\d+ attempts: us-east-1 [^,]*refused[^,]*, us-west-2 [^,]*timeout[^,]*, eu-west-1 [^,]*throttled[^,]*, ap-southeast-2 [^,]*unavailable[^,]*, ap-northeast-1 [^,]*refused[^,]*\); no change can be confirmed: check network access to the cluster endpoints, then repeat \(the request is safe to repeat\)$/,
    );
    expect(r.out).toBe('');
    expect(arc.states()).toEqual({ primary: 'Off', secondary: 'Off' });
  });

  it('exits 3 when a safety rule refuses the flip, and flips with --override-safety-rules', async () => {
    await startArc({ waitPeriodMs: 60_000, initial: { primary: 'On', secondary: 'Off' } });
    expect((await run(['activate', 'secondary', '--manifest', manifest])).code).toBe(0);
    // Failing back at once falls inside the rules' wait period.
    const refused = await run(['activate', 'primary', '--manifest', manifest]);
    expect(refused.code).toBe(3);
    expect(refused.err).toContain('ARC refused the request (ConflictException)');
    expect(refused.err).toContain(`safety rule "at least one On" (${arc.ruleArns.atLeastOneOn})`);
    expect(refused.err).toContain(`--override-safety-rules ${arc.ruleArns.atLeastOneOn}`);
    expect(arc.states()).toEqual({ primary: 'Off', secondary: 'On' });
    const overrides = `${arc.ruleArns.atLeastOneOn},${arc.ruleArns.atMostOneOn}`;
    const forced = await run([
      'activate',
      'primary',
      '--manifest',
      manifest,
      '--override-safety-rules',
      overrides,
      '--json',
    ]);
    expect(forced.code).toBe(0);
    expect(arc.state.updates.at(-1)!.overridden).toEqual([arc.ruleArns.atLeastOneOn, arc.ruleArns.atMostOneOn]);
    expect(arc.states()).toEqual({ primary: 'On', secondary: 'Off' });
  });

  // The developer guide documents that a refusal names the blocking rule, not which exception
  // carries it: the rule named in the message decides, whatever the exception.
  it('recognises a safety rule refusal by the rule named in the message, as a ValidationException too', async () => {
    await startArc({ waitPeriodMs: 60_000, initial: { primary: 'On', secondary: 'Off' } });
    arc.state.refusalType = 'ValidationException';
    expect((await run(['activate', 'secondary', '--manifest', manifest])).code).toBe(0);
    const refused = await run(['activate', 'primary', '--manifest', manifest]);
    expect(refused.code).toBe(3);
    expect(refused.err).toContain('ARC refused the request (ValidationException)');
    expect(refused.err).toContain(`safety rule "at least one On" (${arc.ruleArns.atLeastOneOn})`);
    expect(refused.err).toContain(`--override-safety-rules ${arc.ruleArns.atLeastOneOn}`);
    expect(arc.states()).toEqual({ primary: 'Off', secondary: 'On' });
  });

  it('retries a ConflictException that names no safety rule (the API reference: try again)', async () => {
    arc.state.conflictsToAnswer = 2;
    const r = await run(['activate', 'secondary', '--manifest', manifest, '--json']);
    expect(r.code).toBe(0);
    expect(r.json().attempts.filter((a: Json) => a.outcome === 'conflict')).toHaveLength(2);
    expect(arc.states()).toEqual({ primary: 'Off', secondary: 'On' });
  });

  it('reports a ConflictException that persists and names no rule as safe to repeat, not as a safety rule', async () => {
    arc.state.conflictsToAnswer = 1_000;
    const r = await run(['activate', 'secondary', '--manifest', manifest, '--deadline-ms', '1500']);
    expect(r.code).toBe(1);
    expect(r.err).toContain('ConflictException');
    expect(r.err).toContain('safe to repeat');
    expect(r.err).not.toContain('A safety rule blocked');
  });

  it('--dry-run reads the states and shows the plan without changing anything', async () => {
    const r = await run(['activate', 'secondary', '--manifest', manifest, '--dry-run']);
    expect(r.code).toBe(0);
    expect(r.out).toContain('DRY RUN: nothing changed.');
    expect(r.out).toContain(`${arc.controlArns.secondary} -> On`);
    expect(r.out).toContain('The safety rules would accept it.');
    expect(arc.state.updates).toEqual([]);
    const j = (await run(['activate', 'primary', '--manifest', manifest, '--dry-run', '--json'])).json();
    expect(j).toMatchObject({ dryRun: true, current: { primary: 'Off', secondary: 'Off' }, wouldBeRefusedBy: null });
  });

  it('prefers --cluster-endpoints over the published list', async () => {
    const dead = writeJson({ ...arc.manifest(), clusterEndpoints: await deadEndpoints(5) });
    const file = writeJson({
      Cluster: { ClusterEndpoints: arc.clusterEndpoints().map((e) => ({ Endpoint: e.endpoint, Region: e.region })) },
    });
    const r = await run(['activate', 'secondary', '--manifest', dead, '--cluster-endpoints', file, '--json']);
    expect(r.code).toBe(0);
    expect(r.json().endpointSource).toBe('file');
    expect(CLUSTER_REGIONS).toContain(r.json().endpoint.region);
  });

  it('falls back to DescribeCluster when no published endpoint answers', async () => {
    process.env.AWS_ENDPOINT_URL_ROUTE53_RECOVERY_CONTROL_CONFIG = arc.controlPlane.url;
    const stale = writeJson({ ...arc.manifest(), clusterEndpoints: await deadEndpoints(5) });
    const r = await run([
      'activate',
      'secondary',
      '--manifest',
      stale,
      '--timeout-ms',
      '200',
      '--deadline-ms',
      '1000',
      '--json',
    ]);
    expect(r.code).toBe(0);
    expect(r.json()).toMatchObject({ endpointSource: 'describe-cluster', states: { secondary: 'On' } });
    expect(arc.controlPlane.calls).toEqual([`GET /cluster/${encodeURIComponent(arc.state.clusterArn)}`]);
    expect(r.err).toContain('asking the ARC control plane (us-west-2) for the current list');
  });

  it('--describe-cluster asks the control plane first', async () => {
    process.env.AWS_ENDPOINT_URL_ROUTE53_RECOVERY_CONTROL_CONFIG = arc.controlPlane.url;
    const r = await run(['status', '--manifest', manifest, '--describe-cluster', '--json']);
    expect(r.code).toBe(0);
    expect(r.json().endpointSource).toBe('describe-cluster');
    expect(arc.controlPlane.calls).toHaveLength(1);
  });

  it('drill: fails over, confirms, fails back, confirms, and reports timings', async () => {
    await startArc({ initial: { primary: 'On', secondary: 'Off' } });
    const r = await run(['drill', '--manifest', manifest, '--hold-seconds', '0', '--json']);
    expect(r.code).toBe(0);
    const j = r.json();
    expect(j).toMatchObject({ ok: true, from: 'primary', to: 'secondary', holdMs: 0 });
    expect(j.steps.map((s: Json) => [s.step, s.states])).toEqual([
      ['read states', { primary: 'On', secondary: 'Off' }],
      ['fail over to secondary', { primary: 'Off', secondary: 'On' }],
      ['fail back to primary', { primary: 'On', secondary: 'Off' }],
    ]);
    for (const s of j.steps) expect(s.ms).toBeGreaterThanOrEqual(0);
    // Hedged copies may apply each flip more than once; the changes themselves come in order.
    const secondaryOn = arc.state.updates.map((u) => u.entries.find((e) => e.arn === arc.controlArns.secondary)!.state);
    expect(secondaryOn.filter((state, i) => state !== secondaryOn[i - 1])).toEqual(['On', 'Off']);
    const text = await run(['drill', '--manifest', manifest, '--hold-seconds', '0']);
    expect(text.out).toContain('DRILL PASSED: primary -> secondary -> primary');
  });

  it('drill: warns loudly when failing back is refused', async () => {
    await startArc({ waitPeriodMs: 60_000, initial: { primary: 'On', secondary: 'Off' } });
    const r = await run(['drill', '--manifest', manifest, '--hold-seconds', '0']);
    expect(r.code).toBe(3);
    expect(r.err).toContain(
      'WARNING: failing back did not complete; the failover names still serve the secondary. Run: npm run failover -- activate primary',
    );
  });

  it('runs as `npm run failover` does (tsx tools/privatelink-failover/failover.ts) with its exit status', async () => {
    // Asynchronous on purpose: the local ARC answers from this process's event loop.
    const cli = (args: string[]) =>
      new Promise<{ status: number; stdout: string; stderr: string }>((resolve) => {
        execFile(
          join(REPO_ROOT, 'node_modules/.bin/tsx'),
          ['tools/privatelink-failover/failover.ts', ...args],
          { cwd: REPO_ROOT, env: process.env },
          (error, stdout, stderr) => resolve({ status: error ? Number(error.code) : 0, stdout, stderr }),
        );
      });
    const ok = await cli(['activate', 'secondary', '--manifest', manifest, '--json', '-q', '--allow-local-endpoints']);
    expect(ok.stderr).toBe('');
    expect(ok.status).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({ ok: true, states: { secondary: 'On' } });
    expect((await cli(['activate'])).status).toBe(2);
  });
});
