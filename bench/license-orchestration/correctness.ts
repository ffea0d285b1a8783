// Correctness under delivery faults: the source design's +1/-1 counter against this system's
// ledger (the same core the ledger Lambda runs), on the same event histories.
//
//   npx tsx bench/license-orchestration/correctness.ts
//
// Histories: 500 users with 2 workbench instances each (one of each workbench type of the
// example config), 40 start/stop cycles per instance spread over a working month, then half of
// the instances started once more and left running. Each EC2 event emits pending, running,
// stopping, stopped with realistic gaps (15-40 s to start, 10-60 s to stop, minutes to hours
// between). Delivery: every event is delayed by 0-5 s (so events close in time swap places), and a
// share of events is delivered twice (0 %, 0.1 %, 1 %). A last scenario adds terminations: 10 % of
// the instances are terminated while running instead of stopped at some cycle (a terminated
// instance never reports stopped) and replaced by a fresh instance.
import type { WorkbenchStateChangeV1 } from '../../lambda/license-orchestration/core/contract';
import { applyEvent, productsFor } from '../../lambda/license-orchestration/core/ledger';
import { seededRandom } from '../../testing/shared/seeded-random';
import { deliver, iso, T0, type Workbench } from '../../testing/license-orchestration/histories';
import { MemoryLedger } from '../../testing/license-orchestration/memory-ledger';

const CATALOG = { 'cad-engineering': ['cad-suite', 'sim-tool'], simulation: ['sim-tool'] };
const USERS = 500;
const CYCLES = 40;

/** The source design: per (product, user) a count, +1 on running, -1 on stopped, deleted at 0. */
class SourceDesignCounter {
  readonly counts = new Map<string, number>();
  apply(e: WorkbenchStateChangeV1): void {
    for (const product of CATALOG[e.workbenchType as keyof typeof CATALOG] ?? []) {
      const key = `${product}\u0000${e.userId}`;
      const current = this.counts.get(key);
      if (e.state === 'running') this.counts.set(key, (current ?? 0) + 1);
      else if (e.state === 'stopped' && current !== undefined) {
        if (current <= 1) this.counts.delete(key);
        else this.counts.set(key, current - 1);
      }
    }
  }
  holds(product: string, user: string): boolean {
    return this.counts.has(`${product}\u0000${user}`);
  }
}

interface Histories {
  readonly workbenches: Workbench[];
  readonly events: WorkbenchStateChangeV1[];
  /** Whether each instance's last true state is running. */
  readonly runningAtEnd: Map<string, boolean>;
}

function generate(seed: number, terminationRate: number): Histories {
  const random = seededRandom(seed);
  const between = (lo: number, hi: number) => lo + random() * (hi - lo);
  const workbenches: Workbench[] = [];
  const events: WorkbenchStateChangeV1[] = [];
  const runningAtEnd = new Map<string, boolean>();
  let serial = 0;
  const newInstance = (userId: string, workbenchType: string): Workbench => {
    const wb = {
      instanceId: `i-${(++serial).toString(16).padStart(17, '0')}`,
      userId,
      workbenchType,
      account: '222222222222',
      region: 'eu-west-1',
    };
    workbenches.push(wb);
    return wb;
  };
  let n = 0;
  const emit = (wb: Workbench, state: WorkbenchStateChangeV1['state'], ms: number) =>
    events.push({
      version: 1,
      ...wb,
      state,
      sourceEventId: `ev-${n++}`,
      sourceEventTime: iso(Math.round(ms / 1000) * 1000),
    });

  for (let u = 0; u < USERS; u++) {
    const userId = `user${u.toString().padStart(4, '0')}`;
    for (const type of Object.keys(CATALOG)) {
      let wb = newInstance(userId, type);
      let t = T0 + between(0, 3600_000);
      let running = false;
      for (let c = 0; c < CYCLES; c++) {
        emit(wb, 'pending', t);
        t += between(15_000, 40_000);
        emit(wb, 'running', t);
        t += between(10 * 60_000, 6 * 3600_000);
        if (random() < terminationRate / CYCLES) {
          emit(wb, 'shutting-down', t);
          t += between(10_000, 60_000);
          emit(wb, 'terminated', t);
          runningAtEnd.set(wb.instanceId, false);
          wb = newInstance(userId, type);
        } else {
          emit(wb, 'stopping', t);
          t += between(10_000, 60_000);
          emit(wb, 'stopped', t);
        }
        t += between(10 * 60_000, 16 * 3600_000);
      }
      if (random() < 0.5) {
        emit(wb, 'pending', t);
        emit(wb, 'running', t + between(15_000, 40_000));
        running = true;
      }
      runningAtEnd.set(wb.instanceId, running);
    }
  }
  return { workbenches, events, runningAtEnd };
}

function truthOf(h: Histories): Set<string> {
  const holds = new Set<string>();
  for (const wb of h.workbenches) {
    if (!h.runningAtEnd.get(wb.instanceId)) continue;
    for (const p of CATALOG[wb.workbenchType as keyof typeof CATALOG]) holds.add(`${p}\u0000${wb.userId}`);
  }
  return holds;
}

interface Wrong {
  users: number;
  leaked: number;
  lockedOut: number;
}

function compare(holds: (product: string, user: string) => boolean, truth: Set<string>): Wrong {
  const wrongUsers = new Set<string>();
  let leaked = 0;
  let lockedOut = 0;
  for (let u = 0; u < USERS; u++) {
    const user = `user${u.toString().padStart(4, '0')}`;
    for (const product of ['cad-suite', 'sim-tool']) {
      const want = truth.has(`${product}\u0000${user}`);
      const got = holds(product, user);
      if (want === got) continue;
      wrongUsers.add(user);
      if (got) leaked++;
      else lockedOut++;
    }
  }
  return { users: wrongUsers.size, leaked, lockedOut };
}

async function scenario(label: string, duplicateRate: number, terminationRate: number, seed: number) {
  const h = generate(seed, terminationRate);
  const delivered = deliver(h.events, { duplicateRate, jitterMs: 5000 }, seededRandom(seed + 1));
  const counter = new SourceDesignCounter();
  for (const e of delivered) counter.apply(e);
  const ledger = new MemoryLedger();
  const started = process.hrtime.bigint();
  for (const e of delivered) await applyEvent(ledger, e, productsFor(CATALOG, e.workbenchType) ?? []);
  const ns = Number(process.hrtime.bigint() - started);
  const users = ledger.usersByProduct();
  const truth = truthOf(h);
  const ours = compare((p, u) => (users[p] ?? []).includes(u), truth);
  const theirs = compare((p, u) => counter.holds(p, u), truth);
  return {
    label,
    events: h.events.length,
    deliveries: delivered.length,
    counter: theirs,
    ledger: ours,
    usPerEvent: ns / delivered.length / 1000,
  };
}

async function main(): Promise<void> {
  const rows = [
    await scenario('0% duplicates', 0, 0, 11),
    await scenario('0.1% duplicates', 0.001, 0, 11),
    await scenario('1% duplicates', 0.01, 0, 11),
    await scenario('0.1% duplicates + 10% terminated', 0.001, 0.1, 11),
  ];
  const pct = (n: number) => `${((n / USERS) * 100).toFixed(1)}%`;
  console.log(
    `Correctness: ${USERS} users x 2 instances x ${CYCLES} start/stop cycles, delivery jitter 0-5 s (local reordering)\n`,
  );
  console.log(
    'scenario                           | events  | delivered | counter: users wrong (leaked/locked out) | ledger: users wrong | ledger us/event',
  );
  console.log(
    '-----------------------------------|---------|-----------|------------------------------------------|---------------------|----------------',
  );
  for (const r of rows) {
    console.log(
      `${r.label.padEnd(35)}| ${String(r.events).padEnd(8)}| ${String(r.deliveries).padEnd(10)}| ${`${r.counter.users} (${pct(r.counter.users)}) ${r.counter.leaked}/${r.counter.lockedOut}`.padEnd(41)}| ${`${r.ledger.users} (${pct(r.ledger.users)})`.padEnd(20)}| ${r.usPerEvent.toFixed(1)}`,
    );
  }
  const ok = rows.every((r) => r.ledger.users === 0);
  console.log(`\nTarget: 0 users wrong at every rate -> ${ok ? 'met' : 'MISSED'}`);
  if (!ok) process.exitCode = 1;
}

void main();
