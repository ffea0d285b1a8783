import { build } from 'esbuild';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bundleInputsHash, localSourceFiles } from '../../lib/shared/bundle-inputs';
import { REPO_ROOT } from '../helpers/app';
import { ECHO_HANDLER } from './fixtures';

function sourceFilesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts'))
    .map((f) => join(dir, f));
}

function project(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'bundle-inputs-'));
  for (const [path, content] of Object.entries(files)) write(root, path, content);
  return root;
}

function write(root: string, path: string, content: string): void {
  mkdirSync(join(root, path, '..'), { recursive: true });
  writeFileSync(join(root, path), content);
}

describe('bundle inputs', () => {
  it('finds every local file esbuild bundles, for every handler source file and the test handler', async () => {
    // Every file under lambda/ taken as an entry: whatever becomes a handler is covered.
    const entries = [...sourceFilesUnder(join(REPO_ROOT, 'lambda')), ECHO_HANDLER];
    const result = await build({
      entryPoints: entries,
      outdir: mkdtempSync(join(tmpdir(), 'bundle-inputs-out-')),
      bundle: true,
      platform: 'node',
      packages: 'external',
      write: false,
      metafile: true,
      logLevel: 'silent',
    });
    const outputs = Object.values(result.metafile.outputs).filter((o) => o.entryPoint !== undefined);
    expect(outputs).toHaveLength(entries.length);
    for (const output of outputs) {
      const bundled = Object.keys(output.inputs).map((f) => resolve(f));
      const found = localSourceFiles(resolve(output.entryPoint as string));
      expect(found, relative(REPO_ROOT, output.entryPoint as string)).toEqual(expect.arrayContaining(bundled));
    }
  });

  it('follows import, export-from, side-effect, dynamic and require forms, and index files', () => {
    const root = project({
      'src/entry.ts':
        "import { a } from './a';\nexport * from './b.js';\nimport './c';\n" +
        "const d = () => import('./d');\nconst e = require('./e');\nimport { f } from './f';\nimport x from 'some-package';\n",
      'src/a.ts': 'export const a = 1;',
      'src/b.ts': 'export const b = 1;',
      'src/c.ts': '',
      'src/d.ts': '',
      'src/e.js': '',
      'src/f/index.ts': "export { g } from '../../g';",
      'g.ts': '',
      'src/unrelated.ts': '',
    });
    const found = localSourceFiles(join(root, 'src/entry.ts')).map((f) => relative(root, f));
    expect(found.sort()).toEqual(
      ['g.ts', 'src/a.ts', 'src/b.ts', 'src/c.ts', 'src/d.ts', 'src/e.js', 'src/entry.ts', 'src/f/index.ts'].sort(),
    );
  });

  it('changes with a reached file, the lock file or the options, not with other files or the checkout path', () => {
    const root = project({
      'package-lock.json': '{"v":1}',
      'tsconfig.json': '{}',
      'src/entry.ts': "import { dep } from './dep';",
      'src/dep.ts': 'export const dep = 1;',
      'src/other.ts': 'export const other = 1;',
    });
    const hash = (r = root, options: unknown = { minify: true }) =>
      bundleInputsHash(r, join(r, 'src/entry.ts'), options);
    const first = hash();
    write(root, 'src/other.ts', 'export const other = 2;');
    expect(hash()).toBe(first);
    const copy = mkdtempSync(join(tmpdir(), 'bundle-inputs-copy-'));
    cpSync(root, copy, { recursive: true });
    expect(hash(copy)).toBe(first);
    expect(hash(root, { minify: false })).not.toBe(first);
    write(root, 'src/dep.ts', 'export const dep = 2;');
    const second = hash();
    expect(second).not.toBe(first);
    write(root, 'package-lock.json', '{"v":2}');
    expect(hash()).not.toBe(second);
  });
});
