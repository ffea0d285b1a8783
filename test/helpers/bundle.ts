import { build } from 'esbuild';
import { mkdirSync, mkdtempSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/**
 * Bundles a handler exactly as StandardFunction does (CommonJS for Node 24, source maps, AWS SDK
 * v3 external because the runtime provides it) and returns the bundle's path, for tests that must
 * run the deployed artefact rather than the TypeScript source. Like the Lambda runtime, the
 * bundle's directory provides `@aws-sdk/*` and nothing else.
 */
export async function bundleHandler(entry: string): Promise<string> {
  const outfile = join(mkdtempSync(join(tmpdir(), 'handler-bundle-')), 'index.js');
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node24',
    format: 'cjs',
    minify: true,
    sourcemap: true,
    external: ['@aws-sdk/*'],
    logLevel: 'silent',
  });
  const modules = join(dirname(outfile), 'node_modules');
  mkdirSync(modules);
  symlinkSync(join(__dirname, '..', '..', 'node_modules', '@aws-sdk'), join(modules, '@aws-sdk'), 'dir');
  return outfile;
}
