// The simulator's two modes agree: in process (memory behind the handlers) and against moto (every
// AWS call over the wire) give the same users, Run Commands and rejections, on the shipped fixtures
// as a user runs the CLI and on random fleet histories with duplicates and reordering.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { beforeEach, describe, expect, inject, it, vi } from 'vitest';
import { loadConfig } from '../../config/load';
import { simulateInProcess } from '../../tools/license-orchestration/simulator';
import { simulateOnMoto } from '../../tools/license-orchestration/simulator-moto';
import { REPO_ROOT } from '../helpers/app';
import { fleetHistory } from '../../testing/license-orchestration/fleet-history';

const FIXTURES = join(REPO_ROOT, 'tools/license-orchestration/fixtures');
const SIMULATE = join(REPO_ROOT, 'tools/license-orchestration/simulate.ts');
const TSX = join(REPO_ROOT, 'node_modules/.bin/tsx');
const FIXTURE_ARGS = ['--instances', join(FIXTURES, 'instances.json'), '--events', join(FIXTURES, 'events.jsonl')];
const CONFIG = loadConfig(join(REPO_ROOT, 'config/example.yaml')).licenseOrchestration!;

function run(args: string[]) {
  // A clean environment: the simulator must not need the test harness's moto.
  const env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' };
  return spawnSync(TSX, [SIMULATE, ...args], { cwd: REPO_ROOT, env, encoding: 'utf8', timeout: 120_000 });
}

describe('license simulator as a user runs it', () => {
  it('prints the same users with and without --moto (moto started by the simulator itself)', () => {
    const expected = JSON.parse(readFileSync(join(FIXTURES, 'expected.json'), 'utf8')) as unknown;
    const moto = run([...FIXTURE_ARGS, '--moto']);
    expect(moto.status, moto.stderr).toBe(0);
    expect(JSON.parse(moto.stdout)).toEqual(expected);
    // stdout holds the one JSON object and nothing else
    expect(moto.stdout.trim().split('\n')).toHaveLength(1);
    expect(moto.stderr).toMatch(/simulated 18 events: 7 Run Commands, 2 rejected \(moto\)/);

    const inProcess = run(FIXTURE_ARGS);
    expect(inProcess.status, inProcess.stderr).toBe(0);
    expect(inProcess.stdout).toBe(moto.stdout);
    expect(inProcess.stderr).toMatch(/simulated 18 events: 7 Run Commands, 2 rejected \(in process\)/);
  });

  it('explains bad arguments', () => {
    const result = run(['--events', join(FIXTURES, 'events.jsonl'), '--moto']);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('--instances and --events are required');
    expect(result.stdout).toBe('');
  });
});

describe('in process and moto on random fleet histories', () => {
  beforeEach(() => {
    vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'SILENT');
    vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'true');
  });

  it('give the same users, Run Commands and rejections', async () => {
    const shape = fc.record({
      instances: fc.integer({ min: 1, max: 4 }),
      users: fc.integer({ min: 1, max: 3 }),
      steps: fc.integer({ min: 1, max: 3 }),
      maxGapSeconds: fc.constantFrom(0, 2, 600),
      duplicateRate: fc.constantFrom(0, 0.3),
      jitterMs: fc.constantFrom(0, 1500, 600_000),
      seed: fc.integer(),
    });
    await fc.assert(
      fc.asyncProperty(shape, async (s) => {
        const { instances, events } = fleetHistory(s, CONFIG);
        // A fresh moto, and fresh handler modules, whose clients and settings are built from the
        // environment at their first invocation.
        const reset = await fetch(`${inject('motoEndpoint')}/moto-api/reset`, { method: 'POST' });
        expect(reset.ok).toBe(true);
        vi.resetModules();
        const onMoto = await simulateOnMoto({ instances, events, config: CONFIG });
        const inProcess = await simulateInProcess({ instances, events, config: CONFIG });
        expect(onMoto).toEqual(inProcess);
      }),
      // Each moto event costs about 0.3 s: a few histories of up to 24 events and their duplicates.
      { numRuns: 6 },
    );
  }, 240_000);
});
