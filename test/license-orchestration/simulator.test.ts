// The in-process simulator (the default of `npm run license:simulate`): the shipped fixtures give
// the users, Run Commands and rejections that the moto run gives (simulator.int.test.ts compares
// the two modes directly), and random fleet histories with duplicates and reordering end with
// exactly the users whose instances run.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../../config/load';
import { main } from '../../tools/license-orchestration/simulate';
import { lastSentOf, simulateInProcess } from '../../tools/license-orchestration/simulator';
import { REPO_ROOT } from '../helpers/app';
import { fleetHistory } from '../../testing/license-orchestration/fleet-history';

const FIXTURES = join(REPO_ROOT, 'tools/license-orchestration/fixtures');
const CONFIG = loadConfig(join(REPO_ROOT, 'config/example.yaml')).licenseOrchestration!;
const EXPECTED = JSON.parse(readFileSync(join(FIXTURES, 'expected.json'), 'utf8')) as Record<string, string[]>;

const fixtureInput = () => ({
  instances: JSON.parse(readFileSync(join(FIXTURES, 'instances.json'), 'utf8')) as [],
  events: readFileSync(join(FIXTURES, 'events.jsonl'), 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as unknown),
  config: CONFIG,
});

beforeEach(() => {
  vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'SILENT');
  vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'true');
});

describe('in-process simulator', () => {
  it('gives the fixtures the expected users, with the Run Commands and rejections of the moto run', async () => {
    const lines: string[] = [];
    const result = await simulateInProcess({ ...fixtureInput(), log: (line) => lines.push(line) });
    expect(result).toEqual({ lastSent: EXPECTED, commands: 7, rejected: 2 });
    expect(lines).toContain('event 10: i-0d000000000000001 running -> ignored');
    expect(lines).toContain('  ledger: stale (duplicate)');
    expect(lines).toContain('  ledger: rejected (unknown-workbench-type)');
  });

  it('ends with exactly the users whose instances run, whatever the duplicates and reordering', async () => {
    const shape = fc.record({
      instances: fc.integer({ min: 1, max: 12 }),
      users: fc.integer({ min: 1, max: 5 }),
      steps: fc.integer({ min: 0, max: 8 }),
      maxGapSeconds: fc.constantFrom(0, 2, 60, 3600),
      duplicateRate: fc.constantFrom(0, 0.2, 0.5),
      jitterMs: fc.constantFrom(0, 1500, 600_000),
      seed: fc.integer(),
    });
    let held = 0;
    await fc.assert(
      fc.asyncProperty(shape, async (s) => {
        const { instances, events, truth } = fleetHistory(s, CONFIG);
        const result = await simulateInProcess({ instances, events, config: CONFIG });
        expect(result.lastSent).toEqual(truth);
        if (Object.values(truth).some((users) => users.length > 0)) held++;
      }),
      { numRuns: 150 },
    );
    // The histories do leave users holding licenses (an empty truth everywhere would prove little).
    expect(held).toBeGreaterThan(30);
  });

  it('reports per product the users of the highest version sent, in any order of the commands', () => {
    const sent = [
      { product: 'sim-tool', users: 'users:bob,alice', version: 2 },
      { product: 'sim-tool', users: 'users:carol', version: 3 },
      { product: 'sim-tool', users: 'users:', version: 1 },
    ];
    expect(lastSentOf(sent, CONFIG.products)).toEqual({ 'cad-suite': [], 'sim-tool': ['carol'] });
    expect(lastSentOf(sent.slice(0, 1), CONFIG.products)).toEqual({ 'cad-suite': [], 'sim-tool': ['alice', 'bob'] });
  });
});

describe('license:simulate without --moto', () => {
  it('explains both modes in --help', async () => {
    let stdout = '';
    vi.spyOn(process.stdout, 'write').mockImplementation((s) => ((stdout += String(s)), true));
    const code = await main(['--help']);
    vi.restoreAllMocks();
    expect(code).toBe(0);
    expect(stdout).toMatch(
      /^usage: npm run license:simulate -- --instances <instances.json> --events <events.jsonl> \[--moto\]/,
    );
    expect(stdout).toContain('By default everything runs in this process');
    expect(stdout).toMatch(/--moto {14}run against a local moto server instead/);
  });

  it('prints the users on stdout and the summary on stderr, with nothing to set up', async () => {
    let stdout = '';
    let stderr = '';
    vi.spyOn(process.stdout, 'write').mockImplementation((s) => ((stdout += String(s)), true));
    vi.spyOn(process.stderr, 'write').mockImplementation((s) => ((stderr += String(s)), true));
    const code = await main([
      '--instances',
      join(FIXTURES, 'instances.json'),
      '--events',
      join(FIXTURES, 'events.jsonl'),
      '--config',
      join(REPO_ROOT, 'config/example.yaml'),
    ]);
    vi.restoreAllMocks();
    expect(code, stderr).toBe(0);
    expect(JSON.parse(stdout)).toEqual(EXPECTED);
    expect(stdout.trim().split('\n')).toHaveLength(1);
    expect(stderr).toBe('simulated 18 events: 7 Run Commands, 2 rejected (in process)\n');
  });
});
