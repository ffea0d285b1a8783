'use strict';
// Runs the app's TypeScript (`node --require ./bin/register-ts.js bin/app.ts`). The first time a
// .ts file of a directory is required, esbuild compiles every .ts file of that directory in one
// call: each synchronous call to esbuild's service costs about 2 ms of round trip before any work,
// and an app of a hundred modules paid that on every synth when compiled a file at a time.
// esbuild finds each file's tsconfig.json as it does when bundling; stack traces name the .ts
// lines (inline source maps, Node's own support).
const { buildSync, transformSync } = require('esbuild');
const Module = require('node:module');
const { readdirSync, readFileSync } = require('node:fs');
const { dirname, join } = require('node:path');

const OPTIONS = {
  format: 'cjs',
  platform: 'node',
  target: `node${process.versions.node.split('.')[0]}`,
  sourcemap: 'inline',
  logLevel: 'silent',
};

/** Compiled code of the files not yet loaded, by path. */
const compiled = new Map();
const compiledDirectories = new Set();

function compileDirectory(directory) {
  compiledDirectories.add(directory);
  const entryPoints = readdirSync(directory)
    .filter((name) => name.endsWith('.ts') && !name.endsWith('.d.ts'))
    .map((name) => join(directory, name));
  try {
    const { outputFiles } = buildSync({ ...OPTIONS, entryPoints, outbase: directory, outdir: directory, write: false });
    for (const file of outputFiles) compiled.set(file.path.replace(/\.js$/, '.ts'), file.text);
  } catch {
    // A file that does not compile fails when it is required, with its own error (below).
  }
}

Module._extensions['.ts'] = function loadTypeScript(module, filename) {
  if (!compiledDirectories.has(dirname(filename))) compileDirectory(dirname(filename));
  const code =
    compiled.get(filename) ??
    transformSync(readFileSync(filename, 'utf8'), { ...OPTIONS, loader: 'ts', sourcefile: filename }).code;
  compiled.delete(filename);
  module._compile(code, filename);
};

process.setSourceMapsEnabled(true);
