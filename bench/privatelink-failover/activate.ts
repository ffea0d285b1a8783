// Benchmark: how long `npm run failover -- activate` takes against the local ARC (five endpoint
// servers, one cluster state) when 0, 2 or 3 of the 5 endpoints are unreachable — refusing
// connections, or black-holed (accepting and never answering) — hedged (the default) and one
// endpoint at a time (`--no-hedge`, a plain call per attempt), and with the published endpoint
// list versus DescribeCluster. The bad endpoints are listed first (the worst order). The scenarios
// take turns run by run, so the ratios compare runs made under the same load. Targets: hedged
// healthy at most 1.2x the plain call; three endpoints black-holed under 1.2 s.
// Run: npx tsx bench/privatelink-failover/activate.ts [runs]
import { type ChildProcess, fork } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../tools/privatelink-failover/cli';
import type { EndpointMode } from '../../testing/privatelink-failover/arc-local';
import type { PeerRequest } from './arc-peer';

const RUNS = Number(process.argv[2] ?? 9);
const BLACKHOLED_TARGET_MS = 1200;
const HEDGE_OVERHEAD_TARGET = 1.2;

async function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

interface Scenario {
  readonly name: string;
  readonly bad: number;
  readonly mode: EndpointMode;
  /** Further arguments of `activate`. */
  readonly args?: readonly string[];
}

const PLAIN = '0 of 5 unreachable, --no-hedge (plain)';
const HEALTHY = '0 of 5 unreachable (published list)';
const BLACKHOLED = '3 of 5 black-holed';
const SCENARIOS: Scenario[] = [
  { name: PLAIN, bad: 0, mode: 'up', args: ['--no-hedge'] },
  { name: HEALTHY, bad: 0, mode: 'up' },
  { name: '0 of 5 unreachable, --fan-out 2', bad: 0, mode: 'up', args: ['--fan-out', '2'] },
  { name: '0 of 5 unreachable (DescribeCluster)', bad: 0, mode: 'up', args: ['--describe-cluster'] },
  { name: '2 of 5 refusing connections', bad: 2, mode: 'refuse' },
  { name: '3 of 5 refusing connections', bad: 3, mode: 'refuse' },
  { name: '2 of 5 black-holed', bad: 2, mode: 'blackhole' },
  { name: BLACKHOLED, bad: 3, mode: 'blackhole' },
  { name: '3 of 5 black-holed, --fan-out 2', bad: 3, mode: 'blackhole', args: ['--fan-out', '2'] },
  { name: '3 of 5 black-holed (DescribeCluster)', bad: 3, mode: 'blackhole', args: ['--describe-cluster'] },
  { name: '3 of 5 black-holed, --no-hedge', bad: 3, mode: 'blackhole', args: ['--no-hedge'] },
];

/** The local ARC in its own process (arc-peer.ts): one request, one answer. */
class Peer {
  private readonly child: ChildProcess = fork(join(__dirname, 'arc-peer.ts'), { execArgv: ['--import', 'tsx'] });

  ask<T>(request: PeerRequest): Promise<T> {
    return new Promise((resolve) => {
      this.child.once('message', (answer) => resolve(answer as T));
      this.child.send(request);
    });
  }

  close(): void {
    this.child.kill();
  }
}

async function once(peer: Peer, s: Scenario, dir: string, i: number): Promise<number> {
  const arc = await peer.ask<{ manifest: unknown; controlPlaneUrl: string }>({ op: 'start', bad: s.bad, mode: s.mode });
  try {
    const manifest = join(dir, `m${i}.json`);
    writeFileSync(manifest, JSON.stringify(arc.manifest));
    process.env.AWS_ENDPOINT_URL_ROUTE53_RECOVERY_CONTROL_CONFIG = arc.controlPlaneUrl;
    const args = [
      'activate',
      'secondary',
      '--manifest',
      manifest,
      '--quiet',
      '--allow-local-endpoints',
      ...(s.args ?? []),
    ];
    const started = process.hrtime.bigint();
    const code = await main(args, { out: () => {}, err: (l) => process.stderr.write(`${l}\n`) });
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    const { states } = await peer.ask<{ states: Record<string, string> }>({ op: 'states' });
    if (code !== 0 || states.secondary !== 'On') throw new Error(`${s.name}: activate failed (exit ${code})`);
    return ms;
  } finally {
    await peer.ask({ op: 'stop' });
  }
}

async function benchmark(): Promise<void> {
  Object.assign(process.env, {
    AWS_ACCESS_KEY_ID: 'bench',
    AWS_SECRET_ACCESS_KEY: 'bench',
    AWS_REGION: 'us-west-2',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    AWS_ENDPOINT_URL: `http://127.0.0.1:${await closedPort()}`,
  });
  const dir = mkdtempSync(join(tmpdir(), 'plf-bench-'));
  const peer = new Peer();
  await once(peer, SCENARIOS[0]!, dir, -1); // warm-up (module loading, first TLS-less connections)
  const times = new Map<string, number[]>(SCENARIOS.map((s) => [s.name, []]));
  let i = 0;
  // Each round starts one scenario later, so none always runs first or right after the slowest.
  for (let r = 0; r < RUNS; r++) {
    for (let k = 0; k < SCENARIOS.length; k++) {
      const s = SCENARIOS[(r + k) % SCENARIOS.length]!;
      times.get(s.name)!.push(await once(peer, s, dir, i++));
    }
  }
  peer.close();
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
  // Ratios are taken run by run (runs of one round ran next to each other, under the same load),
  // then the median of them: the machine's load changes far more between rounds than within one.
  const ratio = (name: string, base: string) => median(times.get(name)!.map((t, r) => t / times.get(base)![r]!));
  console.log(
    `activate against the local ARC (its own process), ${RUNS} runs each (taking turns), attempt timeout 1000 ms, hedge delay 250 ms (the defaults)`,
  );
  console.log(`${'scenario'.padEnd(42)} ${'median'.padStart(10)} ${'max'.padStart(10)}  vs plain  vs hedged healthy`);
  for (const s of SCENARIOS) {
    const t = times.get(s.name)!;
    console.log(
      `${s.name.padEnd(42)} ${`${median(t).toFixed(1)} ms`.padStart(10)} ${`${Math.max(...t).toFixed(1)} ms`.padStart(10)}  ${`${ratio(s.name, PLAIN).toFixed(2)}x`.padStart(8)}  ${`${ratio(s.name, HEALTHY).toFixed(2)}x`.padStart(8)}`,
    );
  }
  const overhead = ratio(HEALTHY, PLAIN);
  const worst = times.get(BLACKHOLED)!;
  console.log(
    `hedged / plain call, all healthy: ${overhead.toFixed(2)}x -> ${overhead <= HEDGE_OVERHEAD_TARGET ? 'meets' : 'MISSES'} the ${HEDGE_OVERHEAD_TARGET}x target`,
  );
  console.log(
    `3 black-holed: median ${(median(worst) / 1000).toFixed(2)} s, slowest ${(Math.max(...worst) / 1000).toFixed(2)} s, ${ratio(BLACKHOLED, HEALTHY).toFixed(1)}x healthy -> ${Math.max(...worst) < BLACKHOLED_TARGET_MS ? 'meets' : 'MISSES'} the 1.2 s target`,
  );
  if (Math.max(...worst) >= BLACKHOLED_TARGET_MS || overhead > HEDGE_OVERHEAD_TARGET) process.exitCode = 1;
}

void benchmark();
