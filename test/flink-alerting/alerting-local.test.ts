// `npm run alerting:local`: the wrapper's build-on-demand and argument handling against a fake
// toolchain, then the real thing (Maven build, Flink MiniCluster) on the shared fixture scenarios.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/app';
import { fakeToolchain } from './fake-toolchain';
import { FIXTURES_DIR } from './fixtures';

function alertingLocal(args: string[], env: Record<string, string> = {}, timeout = 600_000) {
  const result = spawnSync('npm', ['run', '-s', 'alerting:local', '--', ...args], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    env: { ...process.env, ...env },
    timeout,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('npm run alerting:local (wrapper)', () => {
  const tools = fakeToolchain();
  const env = {
    ALERTING_FLINK_DIR: tools.flinkDir,
    JAVA: join(tools.binDir, 'java'),
    PATH: `${tools.binDir}:${process.env.PATH}`,
  };
  const work = mkdtempSync(join(tmpdir(), 'alerting-local-'));
  const monitors = join(work, 'monitors.json');
  const telemetry = join(work, 'telemetry.jsonl');
  writeFileSync(monitors, '[]');
  writeFileSync(telemetry, '');
  const args = ['--monitors', monitors, '--telemetry', telemetry, '--out', join(work, 'alerts.jsonl')];

  it('builds on first use, then runs the LocalRunner with the Flink JVM flags and the classpath', () => {
    const first = alertingLocal([...args, '--parallelism', '1'], env);
    expect(first.stderr).toContain('building the Flink jobs');
    expect(first.status).toBe(0);
    expect(tools.mvnCalls()).toEqual([`-q -B -Dstyle.color=never -f ${tools.flinkDir}/pom.xml compile -DskipTests`]);
    expect(tools.javaArgs()).toEqual([
      '--add-opens=java.base/java.lang=ALL-UNNAMED',
      '-cp',
      `${tools.flinkDir}/target/classes:/deps/a.jar:/deps/b.jar`,
      'alerting.local.LocalRunner',
      ...args,
      '--parallelism',
      '1',
    ]);
    // Built and unchanged: no second build.
    expect(alertingLocal(args, env).status).toBe(0);
    expect(tools.mvnCalls()).toHaveLength(1);
    // A changed source is rebuilt before the run.
    const source = join(tools.flinkDir, 'src', 'main', 'java', 'alerting', 'Job.java');
    const later = new Date(Date.now() + 10_000);
    utimesSync(source, later, later);
    expect(alertingLocal(args, env).status).toBe(0);
    expect(tools.mvnCalls()).toHaveLength(2);
  });

  it('names a missing option or an unreadable file before building anything (exit 2)', () => {
    const missing = alertingLocal(['--monitors', monitors, '--telemetry', telemetry], env);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain('alerting-local: error: --out is required');
    const unreadable = alertingLocal(
      ['--monitors', join(work, 'nope.json'), '--telemetry', telemetry, '--out', 'x'],
      env,
    );
    expect(unreadable.status).toBe(2);
    expect(unreadable.stderr).toContain(`--monitors: cannot read ${join(work, 'nope.json')}`);
    const noDir = alertingLocal(
      ['--monitors', monitors, '--telemetry', telemetry, '--out', join(work, 'no', 'dir.jsonl')],
      env,
    );
    expect(noDir.stderr).toContain(`--out: directory ${join(work, 'no')} does not exist`);
  });

  it('prints its usage with --help', () => {
    const help = alertingLocal(['--help'], env);
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('Usage: npm run alerting:local -- --monitors <monitors.json>');
  });

  it('reports a failed build with exit code 2', () => {
    const broken = fakeToolchain();
    broken.breakMaven();
    const result = alertingLocal(args, {
      ...env,
      ALERTING_FLINK_DIR: broken.flinkDir,
      PATH: `${broken.binDir}:${process.env.PATH}`,
    });
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/alerting-local: error: mvn compile in .* failed with exit code 1/);
  });
});

const SCENARIOS = join(FIXTURES_DIR, 'scenarios');
const scenarios = readdirSync(SCENARIOS).sort();

describe('npm run alerting:local on the fixture scenarios', () => {
  it('has both the threshold and the baseline scenario', () => {
    expect(scenarios).toEqual(['baseline-seasonal', 'threshold-trigger-recover']);
  });

  it.each(scenarios)(
    '%s: produces the expected alerts and side outputs',
    (scenario) => {
      const dir = join(SCENARIOS, scenario);
      const out = mkdtempSync(join(tmpdir(), `alerting-local-${scenario}-`));
      const result = alertingLocal([
        '--monitors',
        join(dir, 'monitors.json'),
        '--telemetry',
        join(dir, 'telemetry.jsonl'),
        '--out',
        join(out, 'alerts.jsonl'),
        '--dead-letters',
        join(out, 'dead-letters.jsonl'),
        '--late-events',
        join(out, 'late-events.jsonl'),
      ]);
      expect(result.status, result.stderr).toBe(0);
      const lines = (f: string) =>
        existsSync(f)
          ? readFileSync(f, 'utf8')
              .split('\n')
              .filter((l) => l.trim())
          : [];
      const actual = lines(join(out, 'alerts.jsonl')).map((l) => JSON.parse(l));
      const expected = lines(join(dir, 'expected-alerts.jsonl')).map((l) => JSON.parse(l));
      expect(actual).toEqual(expected);
      const side = join(dir, 'expected-side-outputs.json');
      if (existsSync(side)) {
        const counts = JSON.parse(readFileSync(side, 'utf8')) as { deadLetters?: number; lateEvents?: number };
        if (counts.deadLetters !== undefined)
          expect(lines(join(out, 'dead-letters.jsonl'))).toHaveLength(counts.deadLetters);
        if (counts.lateEvents !== undefined)
          expect(lines(join(out, 'late-events.jsonl'))).toHaveLength(counts.lateEvents);
      }
    },
    600_000,
  );
});
