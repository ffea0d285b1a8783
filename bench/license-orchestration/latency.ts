// Time from a workbench event to the Run Command that carries it, and the number of Run Commands
// in a morning storm, in a discrete-event simulation of the deployed pipeline.
//
//   npx tsx bench/license-orchestration/latency.ts
//
// The real code runs: the ledger core (applyEvent), the change-detector handler (stream batches,
// desired versions, sync wake-ups) and the sync handler (runSync: one command per product per
// cycle), on a virtual clock. Every AWS call and hop costs a latency drawn from a log-normal
// distribution with the median and 95th percentile stated in LATENCY below (values typical of
// AWS in one Region; change them to see their effect). Concurrency is modelled as deployed:
// publisher and ledger invocations run in parallel, the stream has one shard read every 250 ms in
// batches of up to 100, and the sync is single-flight behind a FIFO queue (batches of 10).
//
// The source design's figure uses the same event-to-ledger pipeline plus its extra bus hop, a
// stream function writing a timestamp to an SSM parameter, and a sync that runs once a minute.
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { DynamoDBRecord } from 'aws-lambda';
import type { WorkbenchStateChangeV1 } from '../../lambda/license-orchestration/core/contract';
import {
  applyEvent,
  type Holding,
  type InstanceRecord,
  type LedgerStore,
  productsFor,
} from '../../lambda/license-orchestration/core/ledger';
import type { SyncReport, SyncStore } from '../../lambda/license-orchestration/core/sync';
import { createChangeDetectorHandler } from '../../lambda/license-orchestration/handlers/change-detector';
import { createSyncHandler } from '../../lambda/license-orchestration/handlers/sync';
import { seededRandom } from '../../testing/shared/seeded-random';
import { iso } from '../../testing/license-orchestration/histories';
import { MemoryLedger, toStreamRecord } from '../../testing/license-orchestration/memory-ledger';

process.env.POWERTOOLS_METRICS_DISABLED = 'true';

/** [median, p95] in milliseconds. */
const LATENCY = {
  ec2ToPublisher: [500, 1500], // EC2 state change -> default bus rule -> publisher invoked
  publisher: [150, 700], // DescribeInstances + PutEvents to the central bus (cold starts included)
  busToLedger: [500, 1500], // central bus rule -> ledger invoked
  ddbGet: [8, 25],
  ddbTransact: [20, 60],
  ddbUpdate: [10, 30],
  ddbQuery: [12, 40],
  streamPropagation: [60, 250], // write -> record readable on the stream
  lambdaInvoke: [20, 80], // event source mapping -> handler running
  sqsSend: [15, 50],
  fifoToSync: [60, 300], // FIFO message -> sync invoked (long polling)
  ssmSend: [100, 300], // SendCommand round trip
  commandRun: [2000, 5000], // agent picks the command up, vendor CLI runs, invocation reports Success
  ssmGet: [30, 90], // GetCommandInvocation
  sourceExtraHop: [500, 1500], // source design: publisher -> default bus -> rule -> central bus
  sourceParameterWrite: [300, 800], // source design: stream Lambda writes the SSM parameter
} as const satisfies Record<string, readonly [number, number]>;
const STREAM_POLL_MS = 250;
const COMMAND_POLL_MS = 1000;
const SOURCE_POLL_MS = 60_000;
const BASE = Date.parse('2025-03-03T07:00:00Z');
const CATALOG = { 'cad-engineering': ['cad-suite', 'sim-tool'], simulation: ['sim-tool'] };
const PRODUCTS = [
  { name: 'cad-suite', seats: 5000 },
  { name: 'sim-tool', seats: 5000 },
];

// --- virtual time ------------------------------------------------------------------------------

class VirtualTime {
  now = 0;
  private heap: { at: number; seq: number; resolve: () => void }[] = [];
  private seq = 0;

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => this.push({ at: this.now + Math.max(0, ms), seq: this.seq++, resolve }));
  }

  until(at: number): Promise<void> {
    return this.sleep(at - this.now);
  }

  /** Runs until no timer is left or `end` is reached. */
  async run(end: number): Promise<void> {
    while (this.heap.length > 0) {
      const next = this.pop();
      if (next.at > end) break;
      this.now = next.at;
      next.resolve();
      // Let every promise chain the timer released run up to its next sleep.
      await new Promise((r) => setImmediate(r));
    }
  }

  private push(item: { at: number; seq: number; resolve: () => void }): void {
    const h = this.heap;
    h.push(item);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (h[p].at < item.at || (h[p].at === item.at && h[p].seq < item.seq)) break;
      h[i] = h[p];
      i = p;
    }
    h[i] = item;
  }

  private pop(): { at: number; seq: number; resolve: () => void } {
    const h = this.heap;
    const top = h[0];
    const last = h.pop()!;
    if (h.length > 0) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        const less = (a: typeof last, b: typeof last) => a.at < b.at || (a.at === b.at && a.seq < b.seq);
        if (l < h.length && less(h[l], m === i ? last : h[m])) m = l;
        if (r < h.length && less(h[r], m === i ? last : h[m])) m = r;
        if (m === i) break;
        h[i] = h[m];
        i = m;
      }
      h[i] = last;
    }
    return top;
  }
}

// --- the simulated deployment ------------------------------------------------------------------

interface Transition {
  product: string;
  committedAt: number;
  eventAt: number;
}

interface SentCommand {
  product: string;
  readAt: number;
  sentAt: number;
}

function logNormal(random: () => number, [median, p95]: readonly [number, number]): number {
  const sigma = (Math.log(p95) - Math.log(median)) / 1.645;
  const u1 = Math.max(random(), 1e-12);
  const z = Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * random());
  return Math.exp(Math.log(median) + sigma * z);
}

async function simulateDeployment(events: readonly WorkbenchStateChangeV1[], seed: number) {
  const vt = new VirtualTime();
  const random = seededRandom(seed);
  const lat = (k: keyof typeof LATENCY) => logNormal(random, LATENCY[k]);
  const memory = new MemoryLedger();
  const transitions: Transition[] = [];
  const commands: SentCommand[] = [];
  const reports: SyncReport[] = [];
  const stream: { record: DynamoDBRecord; visibleAt: number }[] = [];
  const fifo: { visibleAt: number }[] = [];
  const lastListAt = new Map<string, number>();
  let seq = 0;

  const store: LedgerStore = {
    getInstance: async (id) => {
      await vt.sleep(lat('ddbGet'));
      return memory.getInstance(id);
    },
    commit: async (change: {
      record: InstanceRecord;
      expectedRevision: number | undefined;
      add: readonly Holding[];
      remove: readonly Holding[];
    }) => {
      await vt.sleep(lat('ddbTransact'));
      const before = memory.stream.length;
      const ok = await memory.commit(change);
      for (const c of memory.stream.slice(before)) {
        stream.push({ visibleAt: vt.now + lat('streamPropagation'), record: toStreamRecord(c, ++seq) });
        if (c.heldBefore !== c.heldAfter) {
          transitions.push({ product: c.product, committedAt: vt.now, eventAt: change.record.eventTimeMs - BASE });
        }
      }
      return ok;
    },
  };

  const syncStore: SyncStore = {
    getSyncStates: async (products) => {
      await vt.sleep(lat('ddbGet'));
      return memory.getSyncStates(products);
    },
    listUsers: async (product) => {
      await vt.sleep(lat('ddbQuery'));
      lastListAt.set(product, vt.now);
      return memory.listUsers(product);
    },
    recordApplied: async (u) => {
      await vt.sleep(lat('ddbUpdate'));
      return memory.recordApplied(u);
    },
    recordFailure: async () => vt.sleep(lat('ddbUpdate')),
  };

  const quiet = () => ({
    logger: new Logger({ logLevel: 'SILENT' }),
    metrics: new Metrics({ namespace: 'bench', serviceName: 'bench' }),
  });
  const detector = createChangeDetectorHandler(() => ({
    bump: async (product) => {
      await vt.sleep(lat('ddbUpdate'));
      memory.bumpDesiredVersion(product, BASE + vt.now);
    },
    trigger: async () => {
      await vt.sleep(lat('sqsSend'));
      fifo.push({ visibleAt: vt.now });
    },
    now: () => BASE + vt.now,
    ...quiet(),
  }));
  const sync = createSyncHandler(() => ({
    store: syncStore,
    server: {
      send: async (r) => {
        await vt.sleep(lat('ssmSend'));
        commands.push({ product: r.product, readAt: lastListAt.get(r.product) ?? 0, sentAt: vt.now });
        return String(BASE + vt.now + lat('commandRun'));
      },
      wait: async (commandId) => {
        const doneAt = Number(commandId) - BASE;
        for (;;) {
          await vt.sleep(COMMAND_POLL_MS);
          await vt.sleep(lat('ssmGet'));
          if (vt.now >= doneAt) return { status: 'Success' };
        }
      },
    },
    clock: { now: () => BASE + vt.now },
    products: PRODUCTS,
    userId: /^[a-z0-9]+$/,
    commandTimeoutMs: 120_000,
    ...quiet(),
  }));

  // Workbench events: publisher and ledger run concurrently, one invocation per event.
  const end = Math.max(...events.map((e) => Date.parse(e.sourceEventTime) - BASE)) + 10 * 60_000;
  for (const e of events) {
    const at = Date.parse(e.sourceEventTime) - BASE;
    void (async () => {
      await vt.until(at);
      await vt.sleep(lat('ec2ToPublisher') + lat('publisher') + lat('busToLedger'));
      await applyEvent(store, e, productsFor(CATALOG, e.workbenchType) ?? []);
    })();
  }
  // The stream's one shard: polled every 250 ms, batches of up to 100, one batch at a time.
  void (async () => {
    while (vt.now < end) {
      await vt.sleep(STREAM_POLL_MS);
      const ready = stream.filter((s) => s.visibleAt <= vt.now).slice(0, 100);
      if (ready.length === 0) continue;
      for (const r of ready) stream.splice(stream.indexOf(r), 1);
      await vt.sleep(lat('lambdaInvoke'));
      await detector({ Records: ready.map((r) => r.record) });
    }
  })();
  // The FIFO queue's one message group: one sync batch at a time.
  void (async () => {
    while (vt.now < end) {
      const ready = fifo.filter((m) => m.visibleAt <= vt.now);
      if (ready.length === 0) {
        await vt.sleep(20);
        continue;
      }
      fifo.splice(0, Math.min(10, ready.length));
      await vt.sleep(lat('fifoToSync'));
      reports.push(await sync({ Records: [] }));
    }
  })();
  await vt.run(end);

  // Latency: from the EC2 state change to the first command whose list was read after the change.
  const latencies: number[] = [];
  for (const t of transitions) {
    const c = commands.find((x) => x.product === t.product && x.readAt >= t.committedAt);
    if (c) latencies.push(c.sentAt - t.eventAt);
  }
  const missing = transitions.length - latencies.length;
  return { latencies, missing, commands, reports, transitions, lat, vtEnd: end };
}

/** The source design on the same transitions: its extra hop, parameter write and minute poll. */
function sourceDesign(transitions: readonly Transition[], seed: number) {
  const random = seededRandom(seed);
  const phase = random() * SOURCE_POLL_MS;
  const latencies: number[] = [];
  const ticks = new Map<number, Set<string>>();
  for (const t of transitions) {
    const visible =
      t.committedAt +
      logNormal(random, LATENCY.sourceExtraHop) +
      logNormal(random, LATENCY.streamPropagation) +
      logNormal(random, LATENCY.sourceParameterWrite);
    const tick = Math.ceil((visible - phase) / SOURCE_POLL_MS) * SOURCE_POLL_MS + phase;
    const sent = tick + logNormal(random, LATENCY.ddbQuery) + logNormal(random, LATENCY.ssmSend);
    latencies.push(sent - t.eventAt);
    (ticks.get(tick) ?? ticks.set(tick, new Set()).get(tick)!).add(t.product);
  }
  const commands = [...ticks.values()].reduce((n, s) => n + s.size, 0);
  return { latencies, commands, ticks: ticks.size };
}

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

// --- scenarios -----------------------------------------------------------------------------------

function event(
  instanceId: string,
  userId: string,
  type: string,
  state: WorkbenchStateChangeV1['state'],
  ms: number,
  n: number,
): WorkbenchStateChangeV1 {
  return {
    version: 1,
    instanceId,
    userId,
    workbenchType: type,
    state,
    sourceEventId: `ev-${n}`,
    sourceEventTime: iso(BASE + Math.round(ms / 1000) * 1000),
    account: '222222222222',
    region: 'eu-west-1',
  };
}

/** A working day: 300 users with 2 workbenches each, each started and stopped 3 times over 8 hours. */
function workingDay(seed: number): WorkbenchStateChangeV1[] {
  const random = seededRandom(seed);
  const events: WorkbenchStateChangeV1[] = [];
  let n = 0;
  for (let u = 0; u < 300; u++) {
    for (const type of Object.keys(CATALOG)) {
      const id = `i-${(events.length + 1).toString(16).padStart(17, '0')}`;
      const user = `user${u}`;
      let t = random() * 3600_000;
      for (let c = 0; c < 3; c++) {
        events.push(event(id, user, type, 'pending', t, n++));
        t += 15_000 + random() * 25_000;
        events.push(event(id, user, type, 'running', t, n++));
        t += 20 * 60_000 + random() * 100 * 60_000;
        events.push(event(id, user, type, 'stopping', t, n++));
        t += 10_000 + random() * 50_000;
        events.push(event(id, user, type, 'stopped', t, n++));
        t += 5 * 60_000 + random() * 60 * 60_000;
      }
    }
  }
  return events;
}

/** A morning storm: 1,000 workbenches (1,000 users; 70 % CAD, 30 % simulation) start within 5 minutes. */
function morningStorm(seed: number): WorkbenchStateChangeV1[] {
  const random = seededRandom(seed);
  const events: WorkbenchStateChangeV1[] = [];
  for (let w = 0; w < 1000; w++) {
    const id = `i-${(w + 1).toString(16).padStart(17, '0')}`;
    const type = random() < 0.7 ? 'cad-engineering' : 'simulation';
    const t = random() * 5 * 60_000;
    events.push(event(id, `user${w}`, type, 'pending', t, 2 * w));
    events.push(event(id, `user${w}`, type, 'running', t + 15_000 + random() * 25_000, 2 * w + 1));
  }
  return events;
}

async function main(): Promise<void> {
  console.log('Event-to-Run-Command latency (discrete-event simulation; latencies as median/p95 in ms):');
  console.log(
    Object.entries(LATENCY)
      .map(([k, [m, p]]) => `  ${k}: ${m}/${p}`)
      .join('\n'),
  );
  console.log(
    `  stream poll every ${STREAM_POLL_MS} ms, command result poll every ${COMMAND_POLL_MS} ms, source design sync every ${SOURCE_POLL_MS / 1000} s\n`,
  );

  for (const [name, events] of [
    ['working day (300 users x 2 workbenches, 8 h)', workingDay(5)],
    ['morning storm (1,000 workbenches start within 5 min)', morningStorm(7)],
  ] as const) {
    const ours = await simulateDeployment(events, 17);
    const theirs = sourceDesign(ours.transitions, 23);
    const perProductCycle = ours.reports.flatMap((r) =>
      r.cycles.map((c) => {
        const sent = c.products.filter((p) => p.action !== 'none').map((p) => p.product);
        return sent.length - new Set(sent).size; // > 0 would mean two commands for a product in one cycle
      }),
    );
    const cycles = ours.reports.reduce((n, r) => n + r.cycles.length, 0);
    const byProduct = (list: { product: string }[]) =>
      PRODUCTS.map((p) => `${p.name} ${list.filter((c) => c.product === p.name).length}`).join(', ');
    console.log(`${name}: ${events.length} EC2 events, ${ours.transitions.length} user-list changes`);
    console.log(
      `  this system : p50 ${s(percentile(ours.latencies, 50))}, p95 ${s(percentile(ours.latencies, 95))}, p99 ${s(percentile(ours.latencies, 99))}, max ${s(Math.max(...ours.latencies))}` +
        `${ours.missing ? ` (${ours.missing} changes never sent!)` : ''}`,
    );
    console.log(
      `  source design: p50 ${s(percentile(theirs.latencies, 50))}, p95 ${s(percentile(theirs.latencies, 95))}, max ${s(Math.max(...theirs.latencies))}`,
    );
    console.log(
      `  p95 ratio (source design / this system): ${(percentile(theirs.latencies, 95) / percentile(ours.latencies, 95)).toFixed(1)}x; target p95 <= 10 s: ${percentile(ours.latencies, 95) <= 10_000 ? 'met' : 'MISSED'}`,
    );
    console.log(
      `  Run Commands: this system ${ours.commands.length} (${byProduct(ours.commands)}) in ${cycles} sync cycles over ${ours.reports.length} sync runs; ` +
        `most commands for one product in one cycle: ${Math.max(0, ...perProductCycle) + 1}; source design ${theirs.commands} in ${theirs.ticks} minute polls\n`,
    );
    if (ours.missing > 0 || Math.max(0, ...perProductCycle) > 0) process.exitCode = 1;
  }
}

void main();
