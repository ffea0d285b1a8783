import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/app';
import { exampleTemplates } from '../helpers/example-templates';

// The ledger of AWS behaviours (docs/aws-contracts.md) is only worth something if its rows can be
// followed: a source on AWS's own sites, files that exist, tests that exist, and for every
// unconfirmed behaviour a way to notice on the first deploy that it does not hold.

const LEDGER = join(REPO_ROOT, 'docs', 'aws-contracts.md');

interface Row {
  readonly section: string;
  readonly line: number;
  readonly id: string;
  readonly behaviour: string;
  readonly source: string;
  readonly reliedOn: string;
  readonly checkedBy: string;
  readonly status: string;
}

/** Splits a Markdown table line on `|`, except inside code spans (commands may contain pipes). */
function cells(line: string): string[] {
  const out: string[] = [];
  let current = '';
  let inCode = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (c === '`') inCode = !inCode;
    if (c === '\\' && line[i + 1] === '|') {
      current += '|';
      i++;
    } else if (c === '|' && !inCode) {
      out.push(current.trim());
      current = '';
    } else current += c;
  }
  out.push(current.trim());
  // A row starts and ends with a pipe: drop the empty cells outside them.
  return out.slice(1, out.length - 1);
}

/** Every row of every section table except the "Independent checks" table. */
function parseLedger(text: string): { rows: Row[]; malformed: string[] } {
  const rows: Row[] = [];
  const malformed: string[] = [];
  let section = '';
  text.split('\n').forEach((raw, index) => {
    const line = raw.trim();
    if (line.startsWith('## ')) section = line.slice(3).trim();
    if (!line.startsWith('|') || section === '' || section === 'Independent checks') return;
    if (/^\|\s*:?-{3,}/.test(line) || /^\|\s*#\s*\|/.test(line)) return;
    const c = cells(line);
    if (c.length !== 6) {
      malformed.push(`line ${index + 1}: ${c.length} cells instead of 6`);
      return;
    }
    const [id, behaviour, source, reliedOn, checkedBy, status] = c;
    rows.push({ section, line: index + 1, id, behaviour, source, reliedOn, checkedBy, status });
  });
  return { rows, malformed };
}

const { rows, malformed } = parseLedger(readFileSync(LEDGER, 'utf8'));
const where = (r: Row) => `${r.id} (line ${r.line})`;

/** AWS's own published material: its documentation sites, re:Post and its GitHub organizations. */
const AWS_SOURCE =
  /https:\/\/(?:(?:[\w-]+\.)*aws\.amazon\.com|repost\.aws|(?:[\w-]+\.)*aws\.dev|github\.com\/(?:aws|awsdocs|aws-samples|awslabs|aws-cloudformation|aws-powertools)\/)[^\s,;)]*/;
const NO_SOURCE = /\b(?:none found|not found|no (?:AWS )?source)\b/i;

/** Repository paths cited in a cell: tokens under a top-level directory, or dotfiles at the root. */
const PATH_TOKEN =
  /(?<![\w./-])(?:(?:lib|lambda|test|testing|tools|scripts|config|flink|docs|bin|\.github)\/[\w.*/-]*[\w*]|\.[\w-]+\.ya?ml|README\.md|cdk\.json|package\.json)(?![\w/-])/g;

function repoPaths(cell: string): string[] {
  // Code spans name commands and properties, not files.
  return [...cell.replace(/`[^`]*`/g, ' ').matchAll(PATH_TOKEN)].map((m) => m[0].replace(/\.$/, ''));
}

function allFiles(dir: string): string[] {
  return (readdirSync(join(REPO_ROOT, dir), { recursive: true }) as string[]).map((f) => `${dir}/${f}`);
}

/** Whether a cited path exists; `*` matches within a path segment, `**` across segments. */
function pathExists(path: string): boolean {
  if (!path.includes('*')) return existsSync(join(REPO_ROOT, path));
  const top = path.split('/')[0];
  const pattern = new RegExp(
    `^${path
      .split(/(\*\*\/|\*)/)
      .map((part) =>
        part === '**/' ? '(?:.*/)?' : part === '*' ? '[^/]*' : part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'),
      )
      .join('')}$`,
  );
  return allFiles(top).some((f) => pattern.test(f) && statSync(join(REPO_ROOT, f)).isFile());
}

/** Source files named without their directory, which nobody can follow. */
function bareSourceFiles(cell: string): string[] {
  return [...cell.replace(/`[^`]*`/g, ' ').matchAll(/(?<![\w./-])[\w-]+\.(?:ts|java|py|sh)\b/g)].map((m) => m[0]);
}

const TEST_FILE = /(?:\.test\.ts|Test\.java)$/;
const GATE_FILES = ['scripts/template-gates.sh', 'scripts/iam-gate.py', 'lib/shared/template-validation.ts'];

/**
 * The test names a "checked by" cell quotes, each with the test file it follows: a double-quoted
 * string belongs to the nearest test file cited before it.
 */
function quotedTestNames(cell: string): { file: string; name: string }[] {
  const out: { file: string; name: string }[] = [];
  const tokens = [...cell.matchAll(/"([^"]+)"|(?<![\w./-])((?:test|flink)\/[\w./-]*(?:\.test\.ts|Test\.java))/g)];
  let file: string | undefined;
  for (const t of tokens) {
    if (t[2]) file = t[2];
    else if (file) out.push({ file, name: t[1] });
    else out.push({ file: '(no test file before it)', name: t[1] });
  }
  return out;
}

/** Source text with string escapes undone, so a quoted test name can be found as written. */
function sourceText(file: string): string {
  return readFileSync(join(REPO_ROOT, file), 'utf8').replace(/\\(['"`])/g, '$1');
}

function namesTest(file: string, name: string): boolean {
  if (!existsSync(join(REPO_ROOT, file))) return false;
  const text = sourceText(file);
  // A trailing ellipsis cites a long name by its beginning.
  const prefix = name.replace(/\s*(?:\.\.\.|…)$/, '');
  return text.includes(prefix);
}

describe('the AWS contracts ledger', () => {
  it('has well-formed rows in every section', () => {
    expect(malformed).toEqual([]);
    expect(rows.length).toBeGreaterThan(150);
  });

  it('gives each row a unique ID with its section prefix, numbered from 1 in order', () => {
    const problems: string[] = [];
    const prefixes = new Map<string, string>();
    const seen = new Set<string>();
    for (const section of new Set(rows.map((r) => r.section))) {
      const inSection = rows.filter((r) => r.section === section);
      const prefix = /^([A-Z]+)-\d+$/.exec(inSection[0].id)?.[1];
      if (!prefix) {
        problems.push(`${section}: first ID ${inSection[0].id} has no PREFIX-number form`);
        continue;
      }
      if (prefixes.has(prefix)) problems.push(`${section}: prefix ${prefix} is also used by ${prefixes.get(prefix)}`);
      prefixes.set(prefix, section);
      inSection.forEach((r, i) => {
        if (r.id !== `${prefix}-${i + 1}`) problems.push(`${where(r)}: expected ${prefix}-${i + 1} in ${section}`);
      });
    }
    for (const r of rows) {
      if (seen.has(r.id)) problems.push(`${where(r)}: duplicate ID`);
      seen.add(r.id);
    }
    expect(problems).toEqual([]);
  });

  it('states each row as exactly checked or assumed', () => {
    expect(rows.filter((r) => r.status !== 'checked' && r.status !== 'assumed').map(where)).toEqual([]);
  });

  it('sources each row from AWS-published material, or says no source was found', () => {
    const problems = rows
      .filter((r) => !AWS_SOURCE.test(r.source) && !(r.status === 'assumed' && NO_SOURCE.test(r.source)))
      .map((r) => `${where(r)}: ${r.source}`);
    expect(problems).toEqual([]);
  });

  it('cites only repository files that exist where the behaviour is relied on', () => {
    const problems: string[] = [];
    for (const r of rows) {
      const paths = repoPaths(r.reliedOn);
      if (paths.length === 0) problems.push(`${where(r)}: no repository path in "${r.reliedOn}"`);
      for (const p of paths) if (!pathExists(p)) problems.push(`${where(r)}: ${p} does not exist`);
      for (const name of bareSourceFiles(r.reliedOn))
        problems.push(`${where(r)}: cite ${name} from the repository root`);
    }
    expect(problems).toEqual([]);
  });

  it('cites only checks that exist, and test names that appear in their files', () => {
    const problems: string[] = [];
    for (const r of rows) {
      for (const p of repoPaths(r.checkedBy)) if (!pathExists(p)) problems.push(`${where(r)}: ${p} does not exist`);
      for (const { file, name } of quotedTestNames(r.checkedBy))
        if (!namesTest(file, name)) problems.push(`${where(r)}: ${file} has no test "${name}"`);
      for (const name of bareSourceFiles(r.checkedBy))
        problems.push(`${where(r)}: cite ${name} from the repository root`);
    }
    expect(problems).toEqual([]);
  });

  it('backs each checked row with a test file or template gate of this repository', () => {
    const problems = rows
      .filter((r) => r.status === 'checked')
      .filter(
        (r) => !repoPaths(r.checkedBy).some((p) => (TEST_FILE.test(p) || GATE_FILES.includes(p)) && pathExists(p)),
      )
      .map((r) => `${where(r)}: ${r.checkedBy}`);
    expect(problems).toEqual([]);
  });

  it('does not call a row checked when its check is only our own reading', () => {
    const problems = rows
      .filter((r) => r.status === 'checked')
      .filter((r) => /template only|our reading|our own|not AWS|local peer/i.test(r.checkedBy))
      .map((r) => `${where(r)}: ${r.checkedBy}`);
    expect(problems).toEqual([]);
  });

  it('says for each assumed row what breaks if it is wrong and which command shows it on the first deploy', () => {
    const problems: string[] = [];
    for (const r of rows.filter((row) => row.status === 'assumed')) {
      if (!/\bif wrong\b/i.test(r.behaviour)) problems.push(`${where(r)}: no "If wrong" in the behaviour`);
      if (!/`(?:aws [a-z0-9-]+ [a-z0-9-]+|npm run [\w:-]+)[^`]*`/.test(r.behaviour))
        problems.push(`${where(r)}: no \`aws ...\` or \`npm run ...\` command in the behaviour`);
    }
    expect(problems).toEqual([]);
  });

  it('names every resource type the example config synthesizes in at least one row', () => {
    const types = new Set(
      exampleTemplates().flatMap((t) => Object.values(t.template.Resources ?? {}).map((resource) => resource.Type)),
    );
    const named = (type: string) =>
      rows.some((r) =>
        new RegExp(`(?<![\\w:])${type.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![\\w:])`).test(
          `${r.behaviour} ${r.reliedOn}`,
        ),
      );
    expect(
      [...types]
        .filter((t) => /^(?:AWS|Custom)::/.test(t))
        .filter((t) => !named(t))
        .sort(),
    ).toEqual([]);
  });
});
