import { execFileSync, spawnSync } from 'node:child_process';
import { appendFileSync, copyFileSync, mkdirSync, mkdtempSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/app';

// End to end: a throwaway git repository holding this project, two commits that change the app,
// and the real `npm run diff` between them, with no AWS credentials.

const NO_CREDENTIALS = Object.fromEntries(
  Object.entries(process.env).filter(([k]) => !k.startsWith('AWS_')),
) as NodeJS.ProcessEnv;

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'user.name=test', '-c', 'user.email=test@example.com', ...args], {
    cwd,
    encoding: 'utf8',
  });
}

function runDiff(cwd: string, ...args: string[]): { status: number | null; stdout: string; stderr: string } {
  return spawnSync(join(REPO_ROOT, 'node_modules/.bin/tsx'), ['scripts/stack-diff.ts', ...args], {
    cwd,
    encoding: 'utf8',
    env: NO_CREDENTIALS,
  });
}

/** A stack appended to the copy's bin/app.ts; `body` adds constructs to `probe`. */
function probeStack(role: string, body: string): string {
  return `
{
  const shared = require('../lib/shared');
  const { operationsFromConfig } = require('../lib/platform');
  const { loadConfig } = require('../config/load');
  const probe = new shared.PlatformStack(app, {
    env: { account: '111111111111', region: 'eu-west-1' },
    system: 'probe',
    role: '${role}',
    operations: operationsFromConfig(loadConfig('config/example.yaml').shared),
  });
  ${body}
}
`;
}

describe('npm run diff', () => {
  let repo: string;

  beforeAll(() => {
    repo = join(mkdtempSync(join(tmpdir(), 'diff-repo-')), 'project');
    const files = execFileSync('git', ['ls-files', '-co', '--exclude-standard'], { cwd: REPO_ROOT, encoding: 'utf8' })
      .split('\n')
      .filter(Boolean);
    for (const file of files) {
      mkdirSync(dirname(join(repo, file)), { recursive: true });
      copyFileSync(join(REPO_ROOT, file), join(repo, file));
    }
    symlinkSync(join(REPO_ROOT, 'node_modules'), join(repo, 'node_modules'), 'dir');
    appendFileSync(
      join(repo, 'bin/app.ts'),
      probeStack('a', "new shared.DeadLetterQueue(probe, 'Dlq', { alarmTopic: probe.alarmTopic });"),
    );
    git(repo, 'init', '--quiet', '--initial-branch=main');
    git(repo, 'add', '.');
    git(repo, 'commit', '--quiet', '-m', 'base');
    appendFileSync(
      join(repo, 'bin/app.ts'),
      probeStack(
        'b',
        `new shared.DeadLetterQueue(probe, 'Dlq', { alarmTopic: probe.alarmTopic });
         const iam = require('aws-cdk-lib/aws-iam');
         new iam.Role(probe, 'Reader', { assumedBy: new iam.AccountPrincipal('222222222222') });`,
      ).replace("role: 'b'", "role: 'b'"),
    );
    // Change the first stack too: a different retention on its queue.
    const edited = execFileSync('sed', [
      '-i',
      "0,/'Dlq', { alarmTopic: probe.alarmTopic }/s//'Dlq', { alarmTopic: probe.alarmTopic, retentionPeriod: require('aws-cdk-lib').Duration.days(7) }/",
      join(repo, 'bin/app.ts'),
    ]);
    expect(edited).toBeDefined();
    git(repo, 'commit', '--quiet', '-am', 'change');
  }, 120_000);

  it('shows the changed stack, the added stack and calls out IAM changes', () => {
    const result = runDiff(repo, '--base', 'HEAD~1', '--no-bundling');
    expect(result.stderr).not.toMatch(/error:/);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('Stack probe-a-tools-eu-west-1: changed');
    expect(result.stdout).toMatch(/MessageRetentionPeriod[\s\S]*1209600[\s\S]*604800/);
    expect(result.stdout).toContain('Stack probe-b-tools-eu-west-1: ADDED (new stack)');
    expect(result.stdout).toMatch(/Stack probe-b-tools-eu-west-1[^\n]*\n!! SECURITY-RELEVANT CHANGES \(IAM\)/);
    expect(result.stdout).toContain('222222222222');
    expect(result.stdout).toMatch(
      /1 changed, 1 added, 0 removed, \d+ unchanged; security-relevant changes in: probe-b-tools-eu-west-1/,
    );
  }, 180_000);

  it('exits 1 with --fail-on-change when something changed, and reports removed stacks', () => {
    const result = runDiff(repo, '--base', 'HEAD~1', '--no-bundling', '--fail-on-change');
    expect(result.status).toBe(1);
    // Reversed, the added stack is a removed one.
    git(repo, 'checkout', '--quiet', 'HEAD~1');
    try {
      const reverse = runDiff(repo, '--base', 'main', '--no-bundling');
      expect(reverse.status).toBe(0);
      expect(reverse.stdout).toContain('Stack probe-b-tools-eu-west-1: REMOVED (stack no longer in the app)');
    } finally {
      git(repo, 'checkout', '--quiet', 'main');
    }
  }, 240_000);

  it('exits 0 with --fail-on-change when nothing changed', () => {
    const result = runDiff(repo, '--base', 'HEAD', '--no-bundling', '--fail-on-change');
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/0 changed, 0 added, 0 removed, \d+ unchanged/);
  }, 180_000);

  it('rejects an unknown ref with a clear error', () => {
    const result = runDiff(repo, '--base', 'no-such-branch');
    expect(result.status).toBe(2);
    expect(result.stderr).toContain("error: 'no-such-branch' is not a commit in this repository");
  });
});
