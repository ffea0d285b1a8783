import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

// NodejsFunction names a bundle by a hash of esbuild's output, so every synth runs esbuild once per
// function. Naming it by a hash of esbuild's inputs instead lets CDK reuse the bundle already in
// cdk.out (AssetStaging skips bundling when the asset directory exists), which makes a repeated
// synth skip bundling. The inputs: the handler's local source files (followed through relative
// imports), the lock file (esbuild and every package it bundles), tsconfig.json and the options.

// Relative module specifiers in import/export/require/dynamic import statements.
const SPECIFIER = /(?:\bfrom\s*|\bimport\s*\(?\s*|\brequire\s*\(\s*)['"](\.{1,2}\/[^'"]*|\.{1,2})['"]/g;
// esbuild's resolution order for an extensionless specifier.
const CANDIDATES = ['', '.ts', '.tsx', '.mts', '.cts', '.js', '.mjs', '.cjs', '.json', '/index.ts', '/index.js'];

function resolveSpecifier(fromFile: string, specifier: string): string | undefined {
  const base = resolve(dirname(fromFile), specifier);
  // A compiled-style `./x.js` specifier may name a TypeScript file.
  const bases = /\.[cm]?js$/.test(base) ? [base, base.replace(/\.([cm]?)js$/, '.$1ts')] : [base];
  for (const b of bases) {
    for (const suffix of CANDIDATES) {
      const candidate = b + suffix;
      if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
    }
  }
  return undefined; // not a file: esbuild fails the bundle on it, so it cannot be stale here
}

/** Every local source file a handler reaches through relative imports, the entry first. */
export function localSourceFiles(entry: string): string[] {
  const seen = new Set<string>();
  const pending = [resolve(entry)];
  while (pending.length > 0) {
    const file = pending.pop() as string;
    if (seen.has(file)) continue;
    seen.add(file);
    for (const match of readFileSync(file, 'utf8').matchAll(SPECIFIER)) {
      const target = resolveSpecifier(file, match[1]);
      if (target !== undefined && !seen.has(target)) pending.push(target);
    }
  }
  return [...seen];
}

/**
 * A hash of everything esbuild reads to bundle `entry`, stable across checkouts in different
 * directories (paths are taken relative to `projectRoot`). `options` must hold every setting that
 * changes the bundle (runtime, architecture, bundling options).
 */
export function bundleInputsHash(projectRoot: string, entry: string, options: unknown): string {
  const hash = createHash('sha256');
  hash.update(JSON.stringify(options));
  const files = [
    ...localSourceFiles(entry),
    join(projectRoot, 'package-lock.json'),
    join(projectRoot, 'tsconfig.json'),
  ].filter((f) => existsSync(f));
  for (const file of files.sort()) {
    hash.update(`\0${relative(projectRoot, file)}\0`);
    hash.update(readFileSync(file));
  }
  return hash.digest('hex');
}
