// npm run diff -- --base <git-ref>: the CloudFormation diff of every stack between a git ref and
// the working tree, offline. See --help.
import { execFileSync, spawnSync } from 'node:child_process';
import {
  appendFileSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  renameSync,
  rmSync,
  symlinkSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { Writable } from 'node:stream';
import { diffAssemblies, hasChanges, markdownSummary } from './lib/assembly-diff';

const HELP = `Usage: npm run diff -- --base <git-ref> [options]

Synthesizes the CDK app at <git-ref> (in a temporary git worktree) and then the working tree (HEAD
in CI, copied to the same temporary path so asset hashes compare), then prints, stack by stack, the
CloudFormation diff that 'cdk diff' would show, with security-relevant changes called out (IAM,
security groups, KMS keys and key properties, resource policies). Needs no AWS credentials.

Options:
  --base <git-ref>     what to compare against (branch, tag, commit, HEAD~1, origin/main...)
  --config <path>      deployment config for both sides (default: the app's default, config/example.yaml)
  --fail-on-change     exit 1 when any stack changed, was added or was removed
  --fail-on-security   exit 1 when any change is security-relevant
  --summary <file>     also append the diff as Markdown to <file> (in GitHub Actions: "$GITHUB_STEP_SUMMARY")
  --no-bundling        skip Lambda bundling (faster; Lambda code changes then do not show)
  -h, --help           this text

Exit codes: 0 no change (or changes the options above allow), 1 changes that --fail-on-change or
--fail-on-security refuse, 2 usage or synth error.`;

/** A problem the user can fix; reported without a stack trace, exit code 2. */
class CliError extends Error {}

function fail(message: string): never {
  throw new CliError(message);
}

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

function synth(appDir: string, cdkBin: string, outdir: string, options: { config?: string; bundling: boolean }): void {
  const args = ['synth', '--quiet', '-o', outdir];
  if (options.config) args.push('-c', `config=${options.config}`);
  if (!options.bundling) args.push('-c', 'bundling=false');
  const result = spawnSync(cdkBin, args, {
    cwd: appDir,
    encoding: 'utf8',
    env: { ...process.env, CDK_DISABLE_VERSION_CHECK: 'true' },
  });
  if (result.status !== 0) {
    fail(`synth failed in ${appDir}:\n${result.stderr || result.stdout}`);
  }
}

function main(): void {
  const { values } = parseArgs({
    options: {
      base: { type: 'string' },
      config: { type: 'string' },
      'fail-on-change': { type: 'boolean', default: false },
      'fail-on-security': { type: 'boolean', default: false },
      summary: { type: 'string' },
      'no-bundling': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(`${HELP}\n`);
    return;
  }
  if (!values.base) fail(`--base <git-ref> is required\n\n${HELP}`);

  let root: string;
  try {
    root = git(process.cwd(), 'rev-parse', '--show-toplevel');
  } catch {
    fail('not inside a git repository');
  }
  let baseCommit: string;
  try {
    baseCommit = git(root, 'rev-parse', '--verify', '--quiet', `${values.base}^{commit}`);
  } catch {
    fail(`'${values.base}' is not a commit in this repository (fetch it first in CI: git fetch origin <branch>)`);
  }
  const cdkBin = join(root, 'node_modules', '.bin', 'cdk');
  if (!existsSync(cdkBin)) fail('node_modules is missing: run npm ci first');
  const config = values.config ? resolve(values.config) : undefined;
  if (values.summary && !existsSync(dirname(resolve(values.summary)))) {
    fail(`--summary: directory ${dirname(resolve(values.summary))} does not exist`);
  }
  const bundling = !values['no-bundling'];

  // Both sides are synthesized at the same path: asset hashes and source maps depend on where the
  // sources are, so a different path would show every function as changed.
  const work = mkdtempSync(join(tmpdir(), 'stack-diff-'));
  const tree = join(work, 'app');
  const synthAt = (label: string, out: string): void => {
    if (!existsSync(join(tree, 'node_modules'))) {
      // Both sides use the current dependencies.
      symlinkSync(join(root, 'node_modules'), join(tree, 'node_modules'), 'dir');
    }
    process.stderr.write(`Synthesizing ${label}...\n`);
    synth(tree, cdkBin, OUT_DIR, { config, bundling });
    renameSync(join(tree, OUT_DIR), out);
  };
  try {
    git(root, 'worktree', 'add', '--detach', '--quiet', tree, baseCommit);
    try {
      synthAt(`${values.base} (${baseCommit.slice(0, 12)})`, join(work, 'base.out'));
    } finally {
      git(root, 'worktree', 'remove', '--force', tree);
    }
    copyWorkingTree(root, tree);
    synthAt('the working tree', join(work, 'head.out'));
    // The diff goes to stdout, and a copy is kept for the Markdown summary. The copy is taken
    // synchronously, so it is whole when diffAssemblies returns; tables keep the terminal's width.
    const text: string[] = [];
    const out = Object.assign(
      new Writable({
        write(chunk: Buffer | string, _encoding, done) {
          text.push(chunk.toString());
          process.stdout.write(chunk);
          done();
        },
      }),
      { columns: process.stdout.columns },
    );
    const summary = diffAssemblies(join(work, 'base.out'), join(work, 'head.out'), out);
    if (values.summary) {
      appendFileSync(
        values.summary,
        markdownSummary(summary, text.join(''), `${values.base} (${baseCommit.slice(0, 12)})`),
      );
    }
    if (values['fail-on-change'] && hasChanges(summary)) process.exitCode = 1;
    if (values['fail-on-security'] && summary.securityRelevant.length > 0) {
      process.stderr.write(
        `security-relevant changes in: ${summary.securityRelevant.join(', ')} (--fail-on-security)\n`,
      );
      process.exitCode = 1;
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** Where each side's assembly is written, inside its tree (bundling output paths stay relative). */
const OUT_DIR = '.stack-diff.out';

/** The working tree as git sees it: tracked and untracked files, minus ignored and deleted ones. */
function copyWorkingTree(root: string, target: string): void {
  const files = git(root, 'ls-files', '-z', '--cached', '--others', '--exclude-standard').split('\0');
  for (const file of files) {
    if (!file || !existsSync(join(root, file))) continue;
    mkdirSync(dirname(join(target, file)), { recursive: true });
    copyFileSync(join(root, file), join(target, file));
  }
}

try {
  main();
} catch (e) {
  if (!(e instanceof CliError)) throw e;
  process.stderr.write(`error: ${e.message}\n`);
  process.exitCode = 2;
}
