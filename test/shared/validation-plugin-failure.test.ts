import { spawnSync } from 'node:child_process';
import { mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/app';

// A one-stack app whose validation plugin throws, synthesized by the CDK CLI as a user runs it.
const dir = mkdtempSync(join(tmpdir(), 'plugin-failure-'));
symlinkSync(join(REPO_ROOT, 'node_modules'), join(dir, 'node_modules'));
writeFileSync(
  join(dir, 'app.ts'),
  [
    "import { App, CfnWaitConditionHandle, Stack, Validations } from 'aws-cdk-lib';",
    `import { synthesize } from ${JSON.stringify(join(REPO_ROOT, 'lib/shared/compliance'))};`,
    'const app = new App();',
    "new CfnWaitConditionHandle(new Stack(app, 'Only'), 'Nothing');",
    "Validations.of(app).addPlugins({ name: 'Crashing', validate: () => { throw new Error('crashed on purpose'); } });",
    'if (process.env.PLAIN_SYNTH) app.synth(); else synthesize(app);',
  ].join('\n'),
);

function cdkSynth(env: Record<string, string> = {}) {
  // Without vitest's NODE_ENV=test, which would make CDK report as for an in-memory app.
  const { NODE_ENV: _, ...userEnv } = process.env;
  return spawnSync(
    join(REPO_ROOT, 'node_modules/.bin/cdk'),
    [
      'synth',
      '--quiet',
      '-o',
      mkdtempSync(join(dir, 'out-')),
      '--app',
      `node --require ${join(REPO_ROOT, 'bin/register-ts.js')} app.ts`,
    ],
    { cwd: dir, encoding: 'utf8', env: { ...userEnv, CDK_DISABLE_VERSION_CHECK: 'true', ...env } },
  );
}

describe('a validation plugin that throws', () => {
  it('passes `cdk synth` silently when the app only synthesizes (the CDK behaviour synthesize guards against)', () => {
    const result = cdkSynth({ PLAIN_SYNTH: '1' });
    expect(result.status).toBe(0);
    expect(result.stderr).not.toMatch(/crashed on purpose/);
  }, 60_000);

  it('fails `cdk synth` through synthesize, naming the plugin and its error', () => {
    const result = cdkSynth();
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(/Validation plugin 'Crashing' failed: crashed on purpose/);
  }, 60_000);
});
