// Events per second of the license simulator, in process and against moto, in one run.
//
//   npx tsx bench/license-orchestration/simulate-throughput.ts [--moto-events <n>]
//
// A working day of a large fleet (2,000 instances of 1,000 users, six start/stop/terminate steps
// each over three hours, 1 % duplicates, 5 s delivery jitter) is replayed in process; the first
// --moto-events events (default 60) of the same day are replayed against moto, which needs
// "bash scripts/python-env.sh" once. Rates count from the first event's end, so the set-up
// (moto's tables, queues and instances) is left out. The in-process rate is also given per CPU
// second of this process, which is what one core does whatever else the machine runs.
import { parseArgs } from 'node:util';
import { loadConfig } from '../../config/load';
import { fleetHistory } from '../../testing/license-orchestration/fleet-history';
import {
  type SimulationInput,
  type SimulationResult,
  simulateInProcess,
} from '../../tools/license-orchestration/simulator';
import { MOTO_SETUP, motoInstalled, simulateWithMoto } from '../../tools/license-orchestration/simulator-moto';

const FLEET = {
  instances: 2000,
  users: 1000,
  steps: 6,
  maxGapSeconds: 3 * 3600,
  duplicateRate: 0.01,
  jitterMs: 5000,
  seed: 20250303,
};

interface Measured {
  readonly result: SimulationResult;
  /** Events after the first one, and the wall and CPU seconds they took. */
  readonly events: number;
  readonly wallSeconds: number;
  readonly cpuSeconds: number;
}

/** Runs one simulation, timing from the end of its first event to its end. */
async function measure(
  run: (input: SimulationInput) => Promise<SimulationResult>,
  input: Omit<SimulationInput, 'log'>,
): Promise<Measured> {
  let start: { wall: number; cpu: NodeJS.CpuUsage } | undefined;
  const result = await run({
    ...input,
    log: (line) => {
      if (start === undefined && line.startsWith('event 1:'))
        start = { wall: performance.now(), cpu: process.cpuUsage() };
    },
  });
  if (!start) throw new Error('the simulation reported no event');
  const cpu = process.cpuUsage(start.cpu);
  return {
    result,
    events: input.events.length - 1,
    wallSeconds: (performance.now() - start.wall) / 1000,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
  };
}

const rate = (events: number, seconds: number) => {
  const perSecond = events / seconds;
  return perSecond < 100 ? perSecond.toFixed(1) : Math.round(perSecond).toLocaleString('en-US');
};

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { 'moto-events': { type: 'string', default: '60' } } });
  const motoEvents = Number(values['moto-events']);
  if (!Number.isInteger(motoEvents) || motoEvents < 2) {
    process.stderr.write(
      `simulate-throughput: --moto-events: expected an integer of at least 2, got ${values['moto-events']}\n`,
    );
    return 2;
  }
  if (!motoInstalled()) {
    process.stderr.write(`simulate-throughput: the moto comparison needs moto: run "${MOTO_SETUP}" once\n`);
    return 1;
  }
  Object.assign(process.env, {
    POWERTOOLS_DEV: 'true',
    POWERTOOLS_METRICS_DISABLED: 'true',
    POWERTOOLS_LOG_LEVEL: 'ERROR',
    POWERTOOLS_SERVICE_NAME: 'license-simulator',
  });
  const config = loadConfig('config/example.yaml').licenseOrchestration;
  if (!config) throw new Error('config/example.yaml has no licenseOrchestration section');
  const day = fleetHistory(FLEET, config);

  const inProcess = await measure(simulateInProcess, { instances: day.instances, events: day.events, config });
  const exact = JSON.stringify(inProcess.result.lastSent) === JSON.stringify(day.truth);

  const sample = day.events.slice(0, motoEvents);
  const named = new Set(sample.map((e) => e.detail['instance-id']));
  const sampleInput = { instances: day.instances.filter((i) => named.has(i.instanceId)), events: sample, config };
  const sampleInProcess = await measure(simulateInProcess, sampleInput);
  const moto = await measure(simulateWithMoto, sampleInput);
  const same = JSON.stringify(moto.result) === JSON.stringify(sampleInProcess.result);

  const inProcessRate = inProcess.events / inProcess.wallSeconds;
  const motoRate = moto.events / moto.wallSeconds;
  const lines = [
    `fleet: ${FLEET.instances} instances of ${FLEET.users} users, ${day.events.length} events in a day ` +
      `(${FLEET.duplicateRate * 100} % duplicates, ${FLEET.jitterMs / 1000} s jitter)`,
    `in process: ${rate(inProcess.events, inProcess.wallSeconds)} events/s wall, ` +
      `${rate(inProcess.events, inProcess.cpuSeconds)} events per CPU second ` +
      `(${inProcess.result.commands} Run Commands; users as the day ends: ${exact ? 'exact' : 'WRONG'})`,
    `moto, first ${sample.length} events: ${rate(moto.events, moto.wallSeconds)} events/s wall ` +
      `(in process on the same events: ${rate(sampleInProcess.events, sampleInProcess.wallSeconds)}; ` +
      `same result: ${same ? 'yes' : 'NO'})`,
    `ratio in process / moto (events/s, wall, this run): ${Math.round(inProcessRate / motoRate).toLocaleString('en-US')}x`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  return exact && same ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`simulate-throughput: ${(e as Error).stack ?? String(e)}\n`);
    process.exit(1);
  },
);
