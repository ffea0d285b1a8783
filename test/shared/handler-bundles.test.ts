import { type App, AssetStaging } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { buildSync } from 'esbuild';
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { StandardFunction, type StandardFunctionProps } from '../../lib/shared';
import { esbuildOptions } from '../../lib/shared/handler-bundles';
import { REPO_ROOT } from '../helpers/app';
import { ECHO_HANDLER, testStack } from './fixtures';

/** Handler sources in a temporary directory: two share a module, one stands alone. */
function handlerSources(): Record<'a' | 'b' | 'c' | 'shared', string> {
  const dir = mkdtempSync(join(tmpdir(), 'handler-sources-'));
  const files = {
    shared: 'export const greeting = (name: string): string => `hello ${name}`;\n',
    a: "import { greeting } from './shared';\nexport const handler = async () => greeting('a');\n",
    b: "import { greeting } from './shared';\nexport const handler = async () => greeting('b');\n",
    c: "export const handler = async () => 'c';\n",
  };
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, `${name}.ts`), text);
  return Object.fromEntries(Object.keys(files).map((name) => [name, join(dir, `${name}.ts`)])) as Record<
    'a' | 'b' | 'c' | 'shared',
    string
  >;
}

type Functions = Record<string, { entry: string; bundling?: StandardFunctionProps['bundling'] }>;

/** Synthesizes one stack with a StandardFunction per entry (bundling on); returns each function's code asset. */
function synth(functions: Functions, outdir = mkdtempSync(join(tmpdir(), 'cdk-bundles-'))) {
  AssetStaging.clearAssetHashCache(); // as a new `cdk synth` process: only cdk.out remains
  const stack = testStack({}, { bundling: true, outdir });
  for (const [id, props] of Object.entries(functions)) {
    new StandardFunction(stack, id, { serviceName: id, alarmTopic: stack.alarmTopic, ...props });
  }
  (stack.node.root as App).synth();
  const resources = Template.fromStack(stack).findResources('AWS::Lambda::Function');
  const assets: Record<string, { key: string; dir: string }> = {};
  for (const id of Object.keys(functions)) {
    const [, resource] = Object.entries(resources).find(([logicalId]) => logicalId.startsWith(`${id}Function`))!;
    const key = (resource.Properties.Code as { S3Key: string }).S3Key;
    assets[id] = { key, dir: join(outdir, `asset.${key.replace(/\.zip$/, '')}`) };
  }
  return { outdir, assets };
}

describe('handler bundles', () => {
  it("builds every function's asset with its own handler export, including functions with other externals", () => {
    const src = handlerSources();
    const { assets } = synth({
      A: { entry: src.a },
      B: { entry: src.b },
      C: { entry: src.c, bundling: { externalModules: [] } },
    });
    expect(new Set(Object.values(assets).map((a) => a.dir)).size).toBe(3);
    for (const [id, asset] of Object.entries(assets)) {
      expect(readdirSync(asset.dir).sort(), id).toEqual(['index.js', 'index.js.map']);
      const { handler } = require(join(asset.dir, 'index.js')) as { handler: () => Promise<string> };
      expect(typeof handler, id).toBe('function');
    }
  });

  it('runs the bundled handler as deployed', async () => {
    const src = handlerSources();
    const { assets } = synth({ A: { entry: src.a } });
    const { handler } = require(join(assets.A.dir, 'index.js')) as { handler: () => Promise<string> };
    await expect(handler()).resolves.toBe('hello a');
  });

  it('writes the same bundle as esbuild building that entry alone with the same options', () => {
    const { outdir, assets } = synth({ Echo: { entry: ECHO_HANDLER }, Other: { entry: handlerSources().c } });
    // Built beside the asset, at the same depth, as the shared build does.
    const alone = join(outdir, `${basename(assets.Echo.dir)}-alone`);
    buildSync({
      ...esbuildOptions(REPO_ROOT, {
        target: 'node24',
        minify: true,
        sourcemap: true,
        external: ['@aws-sdk/*', '@smithy/*'],
      }),
      entryPoints: [ECHO_HANDLER],
      outfile: join(alone, 'index.js'),
    });
    expect(readFileSync(join(assets.Echo.dir, 'index.js'), 'utf8')).toBe(readFileSync(join(alone, 'index.js'), 'utf8'));
    expect(readFileSync(join(assets.Echo.dir, 'index.js.map'), 'utf8')).toBe(
      readFileSync(join(alone, 'index.js.map'), 'utf8'),
    );
  });

  it('reuses the bundles in cdk.out on the next synth', () => {
    const src = handlerSources();
    const functions = { A: { entry: src.a }, C: { entry: src.c } };
    const first = synth(functions);
    const written = (dir: string) => {
      const s = statSync(join(dir, 'index.js'));
      return [s.ino, s.mtimeMs];
    };
    const before = Object.values(first.assets).map((a) => written(a.dir));
    const second = synth(functions, first.outdir);
    expect(second.assets).toEqual(first.assets);
    expect(Object.values(second.assets).map((a) => written(a.dir))).toEqual(before);
  });

  it("changes only the assets whose handler's sources changed", () => {
    const src = handlerSources();
    const functions = { A: { entry: src.a }, B: { entry: src.b }, C: { entry: src.c } };
    const keys = () => Object.fromEntries(Object.entries(synth(functions).assets).map(([id, a]) => [id, a.key]));
    const first = keys();
    writeFileSync(src.a, `${readFileSync(src.a, 'utf8')}export const extra = 1;\n`);
    const second = keys();
    expect(second.A).not.toBe(first.A);
    expect([second.B, second.C]).toEqual([first.B, first.C]);
    writeFileSync(src.shared, `${readFileSync(src.shared, 'utf8')}export const other = 2;\n`);
    const third = keys();
    expect(third.A).not.toBe(second.A);
    expect(third.B).not.toBe(second.B);
    expect(third.C).toBe(second.C);
  });

  it('fails synth naming the file and line of a handler that does not build, leaving no bundle directory', () => {
    const src = handlerSources();
    writeFileSync(src.b, 'export const handler = async () => {\n');
    const outdir = mkdtempSync(join(tmpdir(), 'cdk-bundles-'));
    expect(() => synth({ A: { entry: src.a }, B: { entry: src.b } }, outdir)).toThrow(
      new RegExp(`${src.b.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:2:\\d+: Unexpected end of file`),
    );
    expect(readdirSync(outdir).filter((f) => f.startsWith('asset.'))).toEqual([]);
  });

  it('creates no bundle when bundling is skipped for the stack, and builds it on a later synth', () => {
    const src = handlerSources();
    const outdir = mkdtempSync(join(tmpdir(), 'cdk-bundles-'));
    AssetStaging.clearAssetHashCache();
    const stack = testStack({}, { outdir });
    new StandardFunction(stack, 'A', { entry: src.a, serviceName: 'a', alarmTopic: stack.alarmTopic });
    (stack.node.root as App).synth();
    const dirs = readdirSync(outdir).filter((f) => f.startsWith('asset.'));
    expect(dirs).toHaveLength(1);
    expect(readdirSync(join(outdir, dirs[0]))).toEqual([]);
    const { assets } = synth({ A: { entry: src.a } }, outdir);
    expect(assets.A.dir).toBe(join(outdir, dirs[0]));
    expect(existsSync(join(assets.A.dir, 'index.js'))).toBe(true);
  });
});
