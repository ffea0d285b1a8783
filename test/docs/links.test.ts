import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, extname, join, relative, resolve, sep } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/app';

// The user docs are read on GitHub: every relative link must open a file of the repository, every
// #anchor must land on a heading, and every `npm run <script>` they tell a reader to type must exist.

/** The Markdown files a reader follows links between, relative to the repository root. */
function docFiles(root: string): string[] {
  const docs = existsSync(join(root, 'docs'))
    ? readdirSync(join(root, 'docs'))
        .filter((f) => f.endsWith('.md'))
        .map((f) => `docs/${f}`)
    : [];
  return ['README.md', 'CONTRIBUTING.md', 'flink/README.md', ...docs].filter((f) => existsSync(join(root, f)));
}

const FENCE = /^\s*(```|~~~)/;

/** GitHub's anchor of a heading (github-slugger): lower case, punctuation removed, each space a hyphen. */
function slug(heading: string): string {
  return heading
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
    .replace(/ /g, '-');
}

/** The anchors of a document's headings; a repeated heading gets -1, -2... as on GitHub. */
function anchors(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  let inFence = false;
  for (const line of markdown.split('\n')) {
    if (FENCE.test(line)) inFence = !inFence;
    const heading = inFence ? null : /^ {0,3}#{1,6}\s+(.*?)(?:\s+#+)?\s*$/.exec(line);
    if (!heading) continue;
    const base = slug(heading[1]);
    let anchor = base;
    while (seen.has(anchor)) {
      const count = (seen.get(base) ?? 0) + 1;
      seen.set(base, count);
      anchor = `${base}-${count}`;
    }
    seen.set(anchor, 0);
  }
  return new Set(seen.keys());
}

/** Each line with code blocks and code spans blanked: what they quote is not a link. */
function proseLines(markdown: string): string[] {
  let inFence = false;
  return markdown.split('\n').map((line) => {
    if (FENCE.test(line)) {
      inFence = !inFence;
      return '';
    }
    return inFence ? '' : line.replace(/(`+)[\s\S]*?\1/g, (span) => ' '.repeat(span.length));
  });
}

interface Link {
  readonly line: number;
  readonly target: string;
}

/** Inline links and images, reference definitions and HTML src/href attributes. */
function links(markdown: string): Link[] {
  const patterns = [
    /!?\[(?:[^[\]]|\[[^\]]*\])*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g,
    /^\s{0,3}\[[^\]]+\]:\s*<?([^\s>]+)>?/g,
    /\b(?:src|href)="([^"]+)"/g,
  ];
  return proseLines(markdown).flatMap((text, index) =>
    patterns.flatMap((pattern) => [...text.matchAll(pattern)].map((m) => ({ line: index + 1, target: m[1] }))),
  );
}

/** Every relative link of `files` that opens nothing, or names an anchor no heading has. */
function linkProblems(root: string, files: readonly string[]): string[] {
  const problems: string[] = [];
  const anchorsOf = new Map<string, Set<string>>();
  const anchorsIn = (path: string) => {
    if (!anchorsOf.has(path)) anchorsOf.set(path, anchors(readFileSync(path, 'utf8')));
    return anchorsOf.get(path)!;
  };
  for (const file of files) {
    const source = join(root, file);
    for (const { line, target } of links(readFileSync(source, 'utf8'))) {
      // Other sites and schemes (https:, mailto:) are not this repository's to check.
      if (/^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith('//')) continue;
      const where = `${file}:${line}: ${target}`;
      const [pathPart, anchor] = target.split('#', 2) as [string, string | undefined];
      const path = pathPart === '' ? source : resolve(dirname(source), decodeURIComponent(pathPart));
      if (path !== root && !path.startsWith(root + sep)) {
        problems.push(`${where}: leaves the repository`);
        continue;
      }
      if (!existsSync(path)) {
        problems.push(`${where}: ${relative(root, path)} does not exist`);
        continue;
      }
      if (anchor !== undefined && extname(path) === '.md' && !anchorsIn(path).has(decodeURIComponent(anchor)))
        problems.push(`${where}: no heading of ${relative(root, path)} has the anchor #${anchor}`);
    }
  }
  return problems;
}

/** Every `npm run <script>` of `files` whose script package.json does not define. */
function npmScriptProblems(root: string, files: readonly string[], scripts: readonly string[]): string[] {
  return files.flatMap((file) =>
    readFileSync(join(root, file), 'utf8')
      .split('\n')
      .flatMap((text, index) =>
        // Script names are lower case; `npm run X` and `npm run <script>` are placeholders.
        [...text.matchAll(/\bnpm run ([a-z][\w:.-]*[\w])/g)]
          .filter((m) => !scripts.includes(m[1]))
          .map((m) => `${file}:${index + 1}: npm run ${m[1]} is not a script of package.json`),
      ),
  );
}

describe('heading anchors', () => {
  it('are computed as GitHub computes them', () => {
    expect(slug('Configuration (`smsMonitor`)')).toBe('configuration-smsmonitor');
    expect(slug('CI (GitHub Actions)')).toBe('ci-github-actions');
    expect(slug('First-deploy runbook (shared constructs)')).toBe('first-deploy-runbook-shared-constructs');
    expect(slug('Event contract (version 1)')).toBe('event-contract-version-1');
    expect(slug('What `npm_run` does: a [link](x.md)!')).toBe('what-npm_run-does-a-link');
  });

  it('number repeated headings and skip code blocks', () => {
    const doc = '# Costs\n\n## Costs\n\n```bash\n# Costs\n```\n\n### Costs ##\n';
    expect([...anchors(doc)]).toEqual(['costs', 'costs-1', 'costs-2']);
  });
});

describe('the link check', () => {
  const root = mkdtempSync(join(tmpdir(), 'doc-links-'));
  mkdirSync(join(root, 'docs', 'images'), { recursive: true });
  writeFileSync(join(root, 'docs', 'images', 'shot.png'), '');
  writeFileSync(join(root, 'docs', 'guide.md'), '# Guide\n\n## Set up\n\n![shot](images/shot.png)\n');
  writeFileSync(
    join(root, 'README.md'),
    [
      '# Project',
      '',
      'See the [guide](docs/guide.md), [its setup](docs/guide.md#set-up) and [this](#project).',
      'Broken: [gone](docs/gone.md), [wrong anchor](docs/guide.md#setup), [here](#nowhere), [out](../x.md).',
      'Quoted, not links: `[a](nowhere.md)`',
      '```md',
      '[b](nowhere.md)',
      '```',
      'Run `npm run build`, then `npm run nope`; `npm run <script>` is a placeholder.',
    ].join('\n'),
  );
  const files = docFiles(root);

  it('fails on a missing file, a missing anchor and a link out of the repository', () => {
    expect(files).toEqual(['README.md', 'docs/guide.md']);
    expect(linkProblems(root, files)).toEqual([
      'README.md:4: docs/gone.md: docs/gone.md does not exist',
      'README.md:4: docs/guide.md#setup: no heading of docs/guide.md has the anchor #setup',
      'README.md:4: #nowhere: no heading of README.md has the anchor #nowhere',
      'README.md:4: ../x.md: leaves the repository',
    ]);
  });

  it('fails on an npm script package.json does not define', () => {
    expect(npmScriptProblems(root, files, ['build'])).toEqual([
      'README.md:9: npm run nope is not a script of package.json',
    ]);
  });
});

describe("the repository's docs", () => {
  const files = docFiles(REPO_ROOT);

  it('are the README, CONTRIBUTING.md, flink/README.md and one doc per system', () => {
    expect(files).toEqual(
      expect.arrayContaining([
        'README.md',
        'CONTRIBUTING.md',
        'flink/README.md',
        'docs/privatelink-failover.md',
        'docs/license-orchestration.md',
        'docs/sms-monitor.md',
        'docs/flink-alerting.md',
      ]),
    );
  });

  it('link only to files that exist and anchors that headings have', () => {
    expect(linkProblems(REPO_ROOT, files)).toEqual([]);
  });

  it('mention only npm scripts that package.json defines', () => {
    const scripts = Object.keys(JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')).scripts);
    expect(npmScriptProblems(REPO_ROOT, files, scripts)).toEqual([]);
  });
});
