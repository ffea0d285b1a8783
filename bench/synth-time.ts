// Warm synth time of the whole example app, as a ratio to an empty CDK app synthesized the same
// way in the same run (same CLI, same tsx runner, same feature flags). Run: npx tsx bench/synth-time.ts
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(__dirname, '..');
const CDK = join(ROOT, 'node_modules/.bin/cdk');
const RUNS = Number(process.env.BENCH_RUNS ?? 5);

function emptyApp(): string {
  const dir = mkdtempSync(join(tmpdir(), 'empty-app-'));
  const context = JSON.parse(readFileSync(join(ROOT, 'cdk.json'), 'utf8')).context;
  // The smallest app the CLI accepts: one stack holding one resource that costs nothing.
  writeFileSync(
    join(dir, 'app.ts'),
    "import { App, CfnWaitConditionHandle, Stack } from 'aws-cdk-lib';\n" +
      "const app = new App();\nnew CfnWaitConditionHandle(new Stack(app, 'Empty'), 'Nothing');\napp.synth();\n",
  );
  writeFileSync(
    join(dir, 'cdk.json'),
    JSON.stringify({
      app: JSON.parse(readFileSync(join(ROOT, 'cdk.json'), 'utf8')).app.replace('bin/app.ts', 'app.ts'),
      context,
    }),
  );
  // Resolve aws-cdk-lib from the project.
  writeFileSync(join(dir, 'package.json'), '{}');
  spawnSync('ln', ['-s', join(ROOT, 'node_modules'), join(dir, 'node_modules')]);
  return dir;
}

function timeSynth(cwd: string, extra: string[]): number {
  const out = mkdtempSync(join(tmpdir(), 'bench-out-'));
  const start = process.hrtime.bigint();
  const result = spawnSync(CDK, ['synth', '--quiet', '-o', out, ...extra], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, CDK_DISABLE_VERSION_CHECK: 'true' },
  });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (result.status !== 0) throw new Error(`synth failed in ${cwd}:\n${result.stderr}`);
  return ms;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function measure(cwd: string, extra: string[]): number {
  timeSynth(cwd, extra); // warm-up: file system caches, esbuild binary, tsx cache
  return median(Array.from({ length: RUNS }, () => timeSynth(cwd, extra)));
}

const empty = measure(emptyApp(), []);
const full = measure(ROOT, []);
const noBundling = measure(ROOT, ['-c', 'bundling=false']);
console.log(`warm synth, median of ${RUNS} runs each (one run, same machine):`);
console.log(`  empty CDK app:                    ${empty.toFixed(0)} ms (1.00x)`);
console.log(`  example app, Lambda bundling on:  ${full.toFixed(0)} ms (${(full / empty).toFixed(2)}x)`);
console.log(`  example app, bundling=false:      ${noBundling.toFixed(0)} ms (${(noBundling / empty).toFixed(2)}x)`);
console.log('target once the four systems are in: at most 1.50x (bundling on)');
