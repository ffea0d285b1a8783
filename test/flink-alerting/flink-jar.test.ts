import { CfnWaitConditionHandle, Stack } from 'aws-cdk-lib';
import { existsSync, readdirSync, readFileSync, utimesSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FlinkJar } from '../../lib/flink-alerting/flink-jar';
import { testApp } from '../helpers/app';
import { fakeToolchain, type FakeToolchain } from './fake-toolchain';

/** Synthesizes a stack holding only the jar asset; returns its hash and the staged file names. */
function synthJar(flinkDir: string, bundling: boolean): { hash: string; staged: string[]; key: string } {
  const app = testApp({ bundling });
  const stack = new Stack(app, 'Jar', { env: { account: '111111111111', region: 'eu-west-1' } });
  const jar = new FlinkJar(stack, 'Jar', { flinkDir });
  new CfnWaitConditionHandle(stack, 'Placeholder'); // a template needs one resource
  const out = app.synth().directory;
  return {
    hash: jar.asset.assetHash,
    key: jar.asset.s3ObjectKey,
    staged: readdirSync(out).filter((f) => f.startsWith('asset.')),
  };
}

/** Moves a file's modification time forward, as an edit would. */
function touch(path: string, secondsAhead = 10): void {
  const t = new Date(Date.now() + secondsAhead * 1000);
  utimesSync(path, t, t);
}

describe('Flink jar asset (local bundling with Maven, no Docker)', () => {
  let tools: FakeToolchain;
  beforeEach(() => {
    tools = fakeToolchain();
    vi.stubEnv('PATH', `${tools.binDir}:${process.env.PATH}`);
  });
  afterEach(() => vi.unstubAllEnvs());

  it('runs mvn package once and stages the shaded jar itself', () => {
    const first = synthJar(tools.flinkDir, true);
    expect(tools.mvnCalls()).toEqual([`-q -B -Dstyle.color=never -f ${tools.flinkDir}/pom.xml package -DskipTests`]);
    expect(first.key).toMatch(/^[0-9a-f]{64}\.jar$/);
    expect(first.staged).toContain(`asset.${first.hash}.jar`);
    // A jar newer than its sources is reused: no second build.
    synthJar(tools.flinkDir, true);
    expect(tools.mvnCalls()).toHaveLength(1);
  });

  it('rebuilds when a source of the jar changes', () => {
    synthJar(tools.flinkDir, true);
    const source = join(tools.flinkDir, 'src', 'main', 'java', 'alerting', 'Job.java');
    writeFileSync(source, 'class Job { int x; }\n');
    touch(source);
    synthJar(tools.flinkDir, true);
    expect(tools.mvnCalls()).toHaveLength(2);
  });

  it('hashes only what goes into the jar: build output and tests do not change it', () => {
    const base = synthJar(tools.flinkDir, false).hash;
    mkdirSync(join(tools.flinkDir, 'target'), { recursive: true });
    writeFileSync(join(tools.flinkDir, 'target', 'anything.class'), 'x');
    writeFileSync(join(tools.flinkDir, 'src', 'test', 'java', 'JobTest.java'), 'class JobTest { int y; }\n');
    expect(synthJar(tools.flinkDir, false).hash).toBe(base);
    writeFileSync(join(tools.flinkDir, 'src', 'main', 'java', 'alerting', 'Job.java'), 'class Job { int z; }\n');
    expect(synthJar(tools.flinkDir, false).hash).not.toBe(base);
    // Skipped bundling (unit tests, -c bundling=false) never calls Maven.
    expect(tools.mvnCalls()).toEqual([]);
  });

  it('fails synth with what to do when the Maven build fails', () => {
    tools.breakMaven();
    expect(() => synthJar(tools.flinkDir, true)).toThrow(
      /mvn package in .* failed with exit code 1; see its output above/,
    );
    expect(existsSync(join(tools.flinkDir, 'target', 'alerting-flink.jar'))).toBe(false);
    expect(readFileSync(join(tools.flinkDir, 'pom.xml'), 'utf8')).toContain('flink.jvm.opens');
  });
});
