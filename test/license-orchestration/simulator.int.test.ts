// The simulator as a user runs it: a child process that starts its own moto, runs the real
// handlers over the fixture events (duplicates, reordering, a termination, bad tags) and prints
// the users last sent per product.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/app';

const FIXTURES = join(REPO_ROOT, 'bench/license-orchestration/fixtures');
const SIMULATE = join(REPO_ROOT, 'bench/license-orchestration/simulate.ts');
const TSX = join(REPO_ROOT, 'node_modules/.bin/tsx');

function run(args: string[]) {
  // A clean environment: the simulator must not need the test harness's moto.
  const env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' };
  return spawnSync(TSX, [SIMULATE, ...args], { cwd: REPO_ROOT, env, encoding: 'utf8', timeout: 120_000 });
}

describe('license simulator', () => {
  it('prints, per product, the sorted users last sent to the license server', () => {
    const result = run(['--instances', join(FIXTURES, 'instances.json'), '--events', join(FIXTURES, 'events.jsonl')]);
    expect(result.status, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual(JSON.parse(readFileSync(join(FIXTURES, 'expected.json'), 'utf8')));
    // stdout holds the one JSON object and nothing else
    expect(result.stdout.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(/simulated 18 events: \d+ Run Commands, 2 rejected/);
  });

  it('explains bad arguments', () => {
    const result = run(['--events', join(FIXTURES, 'events.jsonl')]);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('--instances and --events are required');
    expect(result.stdout).toBe('');
  });
});
