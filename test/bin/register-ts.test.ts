import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/app';

const LOADER = join(REPO_ROOT, 'bin/register-ts.js');

/** Writes `files` (path -> lines) into a new directory and runs `main.ts` with the loader. */
function run(files: Record<string, string[]>) {
  const dir = mkdtempSync(join(tmpdir(), 'register-ts-'));
  for (const [path, lines] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), lines.join('\n'));
  }
  return spawnSync(process.execPath, ['--require', LOADER, 'main.ts'], { cwd: dir, encoding: 'utf8' });
}

describe('bin/register-ts.js', () => {
  it('runs TypeScript across directories: enums, parameter properties, class fields, type-only imports', () => {
    const result = run({
      'main.ts': [
        "import { Colour, Pair, type Named } from './lib/model';",
        "const named: Named = { name: 'x' };",
        'console.log(JSON.stringify([Colour.Blue, new Pair(1, 2).sum(), new Pair(3, 4).label, named.name]));',
      ],
      'lib/model.ts': [
        'export enum Colour { Red = 1, Blue }',
        'export interface Named { readonly name: string }',
        'export class Pair {',
        "  public label = 'pair';",
        '  constructor(private readonly a: number, private readonly b: number) {}',
        '  sum(): number { return this.a + this.b; }',
        '}',
      ],
    });
    expect(result.stderr).toBe('');
    expect(JSON.parse(result.stdout)).toEqual([2, 3, 'pair', 'x']);
  });

  it("compiles a directory's files together, when the first of them is required", () => {
    const result = run({
      'main.ts': [
        "import { writeFileSync } from 'node:fs';",
        "import { first } from './lib/first';",
        "writeFileSync(require.resolve('./lib/second'), \"export const second = 'edited after';\");",
        "console.log(first, require('./lib/second').second);",
      ],
      'lib/first.ts': ["export const first = 'first';"],
      'lib/second.ts': ["export const second: string = 'as compiled with first';"],
    });
    expect(result.stdout.trim()).toBe('first as compiled with first');
  });

  it('names the TypeScript line in stack traces', () => {
    const result = run({
      'main.ts': ["import { fail } from './fail';", 'fail();'],
      'fail.ts': ['// line 1', 'export function fail(): never {', "  throw new Error('failed on line 3');", '}'],
    });
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(/fail\.ts:3:\d+/);
  });

  it('loads the files of a directory that also holds one that does not compile, and names that one', () => {
    const result = run({
      'main.ts': ["import { good } from './lib/good';", 'console.log(good);', "require('./lib/broken');"],
      'lib/good.ts': ["export const good: string = 'good';"],
      'lib/broken.ts': ['export const broken = ;'],
    });
    expect(result.stdout.trim()).toBe('good');
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(/broken\.ts:1:\d+: ERROR: Unexpected ";"/);
  });
});
