import { build } from 'esbuild';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Bundles a handler exactly as StandardFunction does (CommonJS for Node 24, source maps, AWS SDK
 * v3 external because the runtime provides it) and returns the bundle's path, for tests that must
 * run the deployed artefact rather than the TypeScript source.
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
  return outfile;
}
