import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
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
    // Probe stacks go before the app's last statement, which synthesizes it.
    const [app, synthesize] = readFileSync(join(repo, 'bin/app.ts'), 'utf8').split(/(?=^synthesize\(app\);$)/m);
    expect(synthesize).toBe('synthesize(app);\n');
    const dlq = (options = '') =>
      `const dlq = new shared.DeadLetterQueue(probe, 'Dlq', { alarmTopic: probe.alarmTopic${options} });`;
    writeFileSync(join(repo, 'bin/app.ts'), app + probeStack('a', dlq()) + probeStack('c', dlq()) + synthesize);
    git(repo, 'init', '--quiet', '--initial-branch=main');
    git(repo, 'add', '.');
    git(repo, 'commit', '--quiet', '-m', 'base');
    writeFileSync(
      join(repo, 'bin/app.ts'),
      app +
        // probe-a: a different retention on its queue, nothing security-relevant.
        probeStack('a', dlq(", retentionPeriod: require('aws-cdk-lib').Duration.days(7)")) +
        // probe-c: another account may send to its queue (a queue policy change), and a new KMS key.
        probeStack(
          'c',
          `${dlq()}
           const iam = require('aws-cdk-lib/aws-iam');
           dlq.queue.addToResourcePolicy(new iam.PolicyStatement({
             principals: [new iam.AccountPrincipal('333333333333')],
             actions: ['sqs:SendMessage'],
             resources: [dlq.queue.queueArn],
           }));
           new (require('aws-cdk-lib/aws-kms').Key)(probe, 'ExtraKey', { enableKeyRotation: true });`,
        ) +
        // probe-b: a new stack with a role another account may assume.
        probeStack(
          'b',
          `${dlq()}
           const iam = require('aws-cdk-lib/aws-iam');
           new iam.Role(probe, 'Reader', { assumedBy: new iam.AccountPrincipal('222222222222') });`,
        ) +
        synthesize,
    );
    git(repo, 'commit', '--quiet', '-am', 'change');
  }, 120_000);

  it('shows the changed and added stacks, calls out security-relevant changes and writes a Markdown summary', () => {
    const summaryFile = join(repo, '..', 'summary.md');
    writeFileSync(summaryFile, '# Earlier summary\n');
    const result = runDiff(repo, '--base', 'HEAD~1', '--no-bundling', '--summary', summaryFile);
    expect(result.stderr).not.toMatch(/error:/);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('Stack probe-a-tools-eu-west-1: changed');
    expect(result.stdout).toMatch(/MessageRetentionPeriod[\s\S]*1209600[\s\S]*604800/);
    // A retention change is not security-relevant.
    expect(result.stdout).not.toMatch(/Stack probe-a-tools-eu-west-1[^\n]*\n!!/);
    expect(result.stdout).toContain('Stack probe-b-tools-eu-west-1: ADDED (new stack)');
    expect(result.stdout).toMatch(
      /Stack probe-b-tools-eu-west-1[^\n]*\n!! SECURITY-RELEVANT CHANGES \(IAM, KMS and resource policies\)/,
    );
    expect(result.stdout).toMatch(/ {3}AWS::IAM::Role \/probe-b-tools-eu-west-1\/Reader\/Resource: added \(IAM\)\n/);
    expect(result.stdout).toContain('222222222222');
    expect(result.stdout).toMatch(
      /Stack probe-c-tools-eu-west-1: changed\n!! SECURITY-RELEVANT CHANGES \(IAM, KMS and resource policies\)/,
    );
    expect(result.stdout).toMatch(
      / {3}AWS::KMS::Key \/probe-c-tools-eu-west-1\/ExtraKey\/Resource: added \(KMS, resource policies\)\n/,
    );
    expect(result.stdout).toMatch(
      / {3}AWS::SQS::QueuePolicy \/probe-c-tools-eu-west-1\/Dlq\/\S+: modified \(resource policies\)\n/,
    );
    expect(result.stdout).toMatch(
      /2 changed, 1 added, 0 removed, \d+ unchanged; security-relevant changes in: probe-b-tools-eu-west-1, probe-c-tools-eu-west-1/,
    );

    const summary = readFileSync(summaryFile, 'utf8');
    expect(summary).toMatch(/^# Earlier summary\n## Stack diff against HEAD~1 \([0-9a-f]{12}\)\n/);
    expect(summary).toMatch(/\n2 changed, 1 added, 0 removed, \d+ unchanged stacks\.\n/);
    expect(summary).toContain('### Security-relevant changes in 2 stacks');
    expect(summary).toContain(
      '| probe-b-tools-eu-west-1 | /probe-b-tools-eu-west-1/Reader/Resource | AWS::IAM::Role | added | IAM |',
    );
    expect(summary).toContain(
      '| probe-c-tools-eu-west-1 | /probe-c-tools-eu-west-1/ExtraKey/Resource | AWS::KMS::Key | added | KMS, resource policies |',
    );
    expect(summary).toMatch(
      /<details><summary>Full diff<\/summary>\n\n```text\n[\s\S]*MessageRetentionPeriod[\s\S]*```\n/,
    );
    // Terminal colours stay out of the summary.
    expect(summary).not.toContain('\u001b[');
  }, 360_000);

  it('exits 1 with --fail-on-change when something changed, and reports removed stacks', () => {
    const result = runDiff(repo, '--base', 'HEAD~1', '--no-bundling', '--fail-on-change');
    expect(result.status).toBe(1);
    expect(result.stderr).not.toContain('--fail-on-security');
    // Reversed, the added stack is a removed one.
    git(repo, 'checkout', '--quiet', 'HEAD~1');
    try {
      const reverse = runDiff(repo, '--base', 'main', '--no-bundling');
      expect(reverse.status).toBe(0);
      expect(reverse.stdout).toContain('Stack probe-b-tools-eu-west-1: REMOVED (stack no longer in the app)');
    } finally {
      git(repo, 'checkout', '--quiet', 'main');
    }
  }, 600_000);

  it('exits 1 with --fail-on-security only when a change is security-relevant', () => {
    const security = runDiff(repo, '--base', 'HEAD~1', '--no-bundling', '--fail-on-security');
    expect(security.status).toBe(1);
    expect(security.stderr).toContain(
      'security-relevant changes in: probe-b-tools-eu-west-1, probe-c-tools-eu-west-1 (--fail-on-security)',
    );
    // On a branch that changes only probe-a's retention, the same check passes.
    git(repo, 'checkout', '--quiet', '-b', 'retention-only', 'HEAD~1');
    try {
      writeFileSync(
        join(repo, 'bin/app.ts'),
        readFileSync(join(repo, 'bin/app.ts'), 'utf8').replace(
          "const dlq = new shared.DeadLetterQueue(probe, 'Dlq', { alarmTopic: probe.alarmTopic });",
          "const dlq = new shared.DeadLetterQueue(probe, 'Dlq', { alarmTopic: probe.alarmTopic, retentionPeriod: require('aws-cdk-lib').Duration.days(3) });",
        ),
      );
      git(repo, 'commit', '--quiet', '-am', 'retention only');
      const other = runDiff(repo, '--base', 'main~1', '--no-bundling', '--fail-on-security');
      expect(other.stderr).not.toMatch(/error:|security-relevant/);
      expect(other.status).toBe(0);
      expect(other.stdout).toMatch(/1 changed, 0 added, 0 removed, \d+ unchanged\n/);
    } finally {
      git(repo, 'checkout', '--quiet', 'main');
    }
  }, 600_000);

  it('exits 0 with --fail-on-change and --fail-on-security when nothing changed', () => {
    const result = runDiff(repo, '--base', 'HEAD', '--no-bundling', '--fail-on-change', '--fail-on-security');
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/0 changed, 0 added, 0 removed, \d+ unchanged/);
  }, 360_000);

  it('rejects a summary file in a directory that does not exist, before synthesizing', () => {
    const result = runDiff(repo, '--base', 'HEAD', '--summary', join(repo, 'no-such-dir', 'summary.md'));
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/^error: --summary: directory .*no-such-dir does not exist\n$/);
  });

  it('rejects an unknown ref with a clear error', () => {
    const result = runDiff(repo, '--base', 'no-such-branch');
    expect(result.status).toBe(2);
    expect(result.stderr).toContain("error: 'no-such-branch' is not a commit in this repository");
  });
});
