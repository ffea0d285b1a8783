// Synth time of the whole example app, cold and warm, as ratios to an empty CDK app synthesized the
// same way in the same run (same CLI, same TypeScript runner, same feature flags). Cold is an empty cdk.out,
// as in CI and a fresh clone: every Lambda bundle is built and every template validated. Warm is a
// user synthesizing again: cdk.out holds the previous synth, so unchanged bundles and validation
// results are reused. Run: npm run bench (BENCH_RUNS=n for another number of runs)
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
      app: JSON.parse(readFileSync(join(ROOT, 'cdk.json'), 'utf8'))
        .app.replace('./bin/register-ts.js', join(ROOT, 'bin/register-ts.js'))
        .replace('bin/app.ts', 'app.ts'),
      context,
    }),
  );
  // Resolve aws-cdk-lib from the project.
  writeFileSync(join(dir, 'package.json'), '{}');
  spawnSync('ln', ['-s', join(ROOT, 'node_modules'), join(dir, 'node_modules')]);
  return dir;
}

function timeSynth(cwd: string, out: string, extra: string[] = []): number {
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

const newOutdir = () => mkdtempSync(join(tmpdir(), 'bench-out-'));

// The three measurements take turns, so a change in the machine's load during the run affects
// them alike and the ratios stay comparable.
const emptyDir = emptyApp();
const emptyOut = newOutdir();
const warmOut = newOutdir();
timeSynth(emptyDir, emptyOut); // the previous synth of each warm case; also warms file system caches
timeSynth(ROOT, warmOut);
timeSynth(ROOT, newOutdir()); // esbuild binary, Maven jar freshness check
const times = { empty: [] as number[], cold: [] as number[], warm: [] as number[] };
for (let i = 0; i < RUNS; i++) {
  times.empty.push(timeSynth(emptyDir, emptyOut));
  times.cold.push(timeSynth(ROOT, newOutdir()));
  times.warm.push(timeSynth(ROOT, warmOut));
}
const empty = median(times.empty);
const ratio = (ms: number) => `${ms.toFixed(0)} ms (${(ms / empty).toFixed(2)}x)`;
console.log(`synth with Lambda bundling, median of ${RUNS} runs each, taking turns (one run, same machine):`);
console.log(`  empty CDK app, warm:        ${ratio(empty)}`);
console.log(`  example app, cold cdk.out:  ${ratio(median(times.cold))}   target: at most 2.00x`);
console.log(`  example app, warm:          ${ratio(median(times.warm))}   target: at most 1.30x`);
