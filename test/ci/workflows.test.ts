import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadConfig } from '../../config/load';
import { planConfig, waves } from '../../scripts/deploy/plan';
import { REPO_ROOT } from '../helpers/app';
import { iamDefinition, inputMember, serviceModel } from '../shared/aws-service-models';

// The GitHub Actions workflows under .github/: linted by actionlint (with shellcheck on every run:
// script), every npm and npx command they run exists in this project, every action is pinned by
// commit, the deploy waves cover the app's stacks in dependency order, and the deploy role that
// docs/ci.md documents is made of actions and ARNs that AWS's Service Authorization Reference knows.

const ACTIONLINT = join(REPO_ROOT, '.tools', 'bin', 'actionlint');
const SHELLCHECK = join(REPO_ROOT, '.venv', 'bin', 'shellcheck');

interface Step {
  readonly uses?: string;
  readonly run?: string;
  readonly with?: Record<string, unknown>;
  readonly env?: Record<string, unknown>;
}
interface Job {
  readonly uses?: string;
  readonly needs?: string | string[];
  readonly if?: string;
  readonly environment?: string;
  readonly permissions?: Record<string, string>;
  readonly steps?: Step[];
  readonly with?: Record<string, unknown>;
}
interface Workflow {
  readonly permissions?: Record<string, string>;
  readonly jobs?: Record<string, Job>;
  readonly runs?: { steps: Step[] };
}

/** Workflow and composite action files, by path from the repository root. */
function actionFiles(): Map<string, { text: string; doc: Workflow }> {
  const files = new Map<string, { text: string; doc: Workflow }>();
  for (const dir of ['.github/workflows', '.github/actions']) {
    if (!existsSync(join(REPO_ROOT, dir))) continue;
    for (const file of readdirSync(join(REPO_ROOT, dir), { recursive: true }) as string[]) {
      if (!/\.ya?ml$/.test(file)) continue;
      const text = readFileSync(join(REPO_ROOT, dir, file), 'utf8');
      files.set(`${dir}/${file}`, { text, doc: parse(text) as Workflow });
    }
  }
  return files;
}

const FILES = actionFiles();
const workflow = (name: string): Workflow => {
  const file = FILES.get(`.github/workflows/${name}`);
  if (!file) throw new Error(`.github/workflows/${name} is missing`);
  return file.doc;
};

function steps(doc: Workflow): Step[] {
  return [...(doc.runs?.steps ?? []), ...Object.values(doc.jobs ?? {}).flatMap((j) => j.steps ?? [])];
}

/** npm's own commands a workflow may run besides package scripts. */
const NPM_COMMANDS = new Set(['ci', 'install', 'exec', 'ls', 'audit', 'pack', 'version', 'config', 'cache']);
/** Scripts npm runs without `run`. */
const NPM_SCRIPT_SHORTHANDS = new Set(['test', 'start', 'stop', 'restart']);

/**
 * The problems with the npm and npx commands of a shell script: `npm run X` and `npm test` name
 * scripts of package.json, other `npm X` are npm's own commands, and `npx X` runs a binary that
 * npm ci installed (so npx never downloads a package).
 */
export function npmCommandProblems(script: string, scripts: Record<string, string>, bins: Set<string>): string[] {
  const problems: string[] = [];
  for (const [, tool, rest] of script.matchAll(/(?<![\w./-])(npm|npx)\s+([^\n;&|]*)/g)) {
    const words = rest.split(/\s+/).filter((w) => w && !w.startsWith('-'));
    const [first, second] = words;
    if (tool === 'npx') {
      if (!first || !bins.has(first)) problems.push(`npx ${first ?? ''}: not a binary of node_modules/.bin`);
    } else if (first === 'run' || first === 'run-script') {
      if (!second || !(second in scripts))
        problems.push(`npm ${first} ${second ?? ''}: no such script in package.json`);
    } else if (NPM_SCRIPT_SHORTHANDS.has(first)) {
      if (!(first in scripts)) problems.push(`npm ${first}: no such script in package.json`);
    } else if (!NPM_COMMANDS.has(first)) {
      problems.push(`npm ${first ?? ''}: neither a package.json script run with "npm run" nor an npm command`);
    }
  }
  return problems;
}

const PACKAGE = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as {
  scripts: Record<string, string>;
};
const BINS = new Set(readdirSync(join(REPO_ROOT, 'node_modules', '.bin')));

function actionlint(cwd: string, ...files: string[]): { status: number | null; output: string } {
  for (const [tool, setup] of [
    [ACTIONLINT, 'scripts/tools-env.sh'],
    [SHELLCHECK, 'scripts/python-env.sh'],
  ]) {
    if (!existsSync(tool)) throw new Error(`${tool} is missing: run "bash ${setup}" (npm test does it for you)`);
  }
  // shellcheck from .venv, so every machine checks run: scripts with the same pinned version;
  // no Python run: scripts, so no pyflakes.
  const result = spawnSync(ACTIONLINT, ['-no-color', '-shellcheck', SHELLCHECK, '-pyflakes=', ...files], {
    cwd,
    encoding: 'utf8',
  });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

describe('GitHub Actions workflows', () => {
  it('pass actionlint, with shellcheck over every run: script', () => {
    expect(FILES.size).toBeGreaterThanOrEqual(4);
    expect(actionlint(REPO_ROOT)).toEqual({ status: 0, output: '' });
  });

  it('would fail actionlint on a script shellcheck finds fault with', () => {
    const dir = mkdtempSync(join(tmpdir(), 'actionlint-'));
    mkdirSync(join(dir, '.github', 'workflows'), { recursive: true });
    writeFileSync(
      join(dir, '.github', 'workflows', 'bad.yml'),
      'on: push\njobs:\n  a:\n    runs-on: ubuntu-24.04\n    steps:\n      - run: rm -rf $TARGET/*\n',
    );
    const result = actionlint(dir, '.github/workflows/bad.yml');
    expect(result.status).toBe(1);
    expect(result.output).toContain('SC2086');
  });

  it('run only npm scripts that package.json has, npm commands, and installed binaries', () => {
    const problems: string[] = [];
    let commands = 0;
    for (const [path, { doc }] of FILES) {
      for (const step of steps(doc)) {
        if (!step.run) continue;
        commands += [...step.run.matchAll(/(?<![\w./-])npm\s/g)].length;
        problems.push(...npmCommandProblems(step.run, PACKAGE.scripts, BINS).map((p) => `${path}: ${p}`));
      }
    }
    expect(problems).toEqual([]);
    expect(commands).toBeGreaterThanOrEqual(5);
  });

  it('find a missing script, a misspelt npm command and a binary npx would download', () => {
    const script = 'npm ci\nnpm test\nnpm run synth -- -c x=y\nnpm run deplyo\nnpm tset\nnpx cdk ls\nnpx cowsay hi';
    expect(npmCommandProblems(script, PACKAGE.scripts, BINS)).toEqual([
      'npm run deplyo: no such script in package.json',
      'npm tset: neither a package.json script run with "npm run" nor an npm command',
      'npx cowsay: not a binary of node_modules/.bin',
    ]);
  });

  it('pin every action by full commit SHA, with the version in a comment', () => {
    const problems: string[] = [];
    for (const [path, { text }] of FILES) {
      for (const [line, ref, comment] of text.matchAll(/uses:\s*([^\s#]+)[ \t]*(?:#[ \t]*(\S+))?/g)) {
        if (ref.startsWith('./')) continue;
        if (!/^[\w.-]+\/[\w./-]+@[0-9a-f]{40}$/.test(ref) || !/^v\d+(\.\d+)*$/.test(comment ?? ''))
          problems.push(`${path}: ${line.trim()}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('give an OIDC token only to deploy jobs behind a GitHub environment', () => {
    const wave = workflow('deploy-wave.yml');
    const deployJobs = Object.values(wave.jobs ?? {});
    expect(deployJobs.every((j) => j.environment === '${{ inputs.environment }}')).toBe(true);
    expect(
      deployJobs.every((j) => j.steps?.some((s) => s.uses?.startsWith('aws-actions/configure-aws-credentials@'))),
    ).toBe(true);
    for (const [path, { doc }] of FILES) {
      const grants = [doc.permissions, ...Object.values(doc.jobs ?? {}).map((j) => j.permissions)];
      const wantsToken = grants.some((p) => p?.['id-token'] === 'write');
      const deploys = path.endsWith('/deploy.yml') || path.endsWith('/deploy-wave.yml');
      expect({ path, wantsToken }).toEqual({ path, wantsToken: deploys });
    }
  });

  it('ask for a role session AWS STS allows (AssumeRoleWithWebIdentity DurationSeconds)', () => {
    const seconds = Number(
      steps(workflow('deploy-wave.yml')).find((s) => s.uses?.startsWith('aws-actions/configure-aws-credentials@'))
        ?.with?.['role-duration-seconds'],
    );
    const range = inputMember(serviceModel('sts'), 'AssumeRoleWithWebIdentity', 'DurationSeconds');
    expect(seconds).toBeGreaterThanOrEqual(range.min ?? Infinity);
    expect(seconds).toBeLessThanOrEqual(range.max ?? 0);
    expect(readFileSync(join(REPO_ROOT, 'docs', 'ci.md'), 'utf8')).toContain(`--max-session-duration ${seconds}`);
  });
});

describe('deploy waves', () => {
  const deploy = workflow('deploy.yml');
  const waveJobs = Object.entries(deploy.jobs ?? {}).filter(
    ([, j]) => j.uses === './.github/workflows/deploy-wave.yml',
  );
  const planStep = deploy.jobs?.plan?.steps?.find((s) => s.run?.includes('npm run deploy -- plan'));

  it("has one job per wave, each after the one before and skipped past the plan's last wave", () => {
    expect(waveJobs.length).toBeGreaterThan(0);
    waveJobs.forEach(([id, job], i) => {
      expect({ id, wave: job.with?.wave, needs: job.needs, if: job.if }).toEqual({
        id: `wave-${i + 1}`,
        wave: i + 1,
        needs: i === 0 ? 'plan' : ['plan', `wave-${i}`],
        if: `fromJSON(needs.plan.outputs.waves) >= ${i + 1}`,
      });
    });
    // The plan job refuses a config with more waves than there are jobs.
    expect(planStep?.env?.WAVE_JOBS).toBe(waveJobs.length);
  });

  it('has enough wave jobs for every wave of the example config', () => {
    const plan = planConfig(loadConfig(join(REPO_ROOT, 'config', 'example.yaml')));
    expect(waves(plan).length).toBeLessThanOrEqual(waveJobs.length);
  });
});

describe('the deploy role of docs/ci.md', () => {
  const doc = readFileSync(join(REPO_ROOT, 'docs', 'ci.md'), 'utf8');
  const start = doc.indexOf('## CI (GitHub Actions)');
  const end = doc.indexOf('\n## ', start + 1);
  const section = doc.slice(start, end === -1 ? undefined : end);
  interface Statement {
    Effect: string;
    Action: string;
    Resource?: string | string[];
    Principal?: { Federated?: string };
    Condition?: Record<string, Record<string, string>>;
  }
  // The placeholders as a user fills them in.
  const policies = [...section.matchAll(/```json\n([\s\S]*?)```/g)].map(
    (m) =>
      JSON.parse(m[1].replace(/<[a-z ]*account>/g, '123456789012').replace('<owner>/<repo>', 'octo-org/platform')) as {
        Statement: Statement[];
      },
  );
  const sar = iamDefinition();
  /** Regular expression of an ARN pattern of the Service Authorization Reference. */
  const arnPattern = (arn: string) =>
    new RegExp(
      `^${arn
        .split(/\$\{[^}]+\}/)
        .map((part) => part.replace(/[.+?^${}()|[\]\\*]/g, '\\$&'))
        .join('.+')}$`,
    );
  /** The resource types of `service` whose ARN pattern matches `arn`. */
  const resourceTypes = (service: string, arn: string) =>
    Object.values(
      (sar[service] as unknown as { resources: Record<string, { resource: string; arn: string }> }).resources,
    )
      .filter((r) => arnPattern(r.arn).test(arn))
      .map((r) => r.resource);

  it('has a trust policy and a permissions policy', () => {
    expect(policies.map((p) => p.Statement.map((s) => s.Action))).toEqual([
      ['sts:AssumeRoleWithWebIdentity'],
      ['sts:AssumeRole', 'ssm:GetParameter', 'cloudformation:DescribeStacks'],
    ]);
  });

  it('trusts the IAM OIDC provider of GitHub for one repository and environment, with the STS audience', () => {
    const [trust] = policies[0].Statement;
    const [service, action] = trust.Action.split(':');
    expect(Object.keys(sar[service].privileges)).toContain(action);
    expect(resourceTypes('iam', trust.Principal?.Federated ?? '')).toEqual(['oidc-provider']);
    expect(trust.Condition?.StringEquals).toEqual({
      'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com',
      'token.actions.githubusercontent.com:sub': 'repo:octo-org/platform:environment:production',
    });
  });

  it('grants only actions AWS knows, on ARNs of resource types those actions accept', () => {
    const grants = policies[1].Statement.flatMap((statement) =>
      [statement.Action].flat().flatMap((action) => [statement.Resource ?? []].flat().map((arn) => ({ action, arn }))),
    );
    expect(grants.map((g) => g.action)).toEqual([
      'sts:AssumeRole',
      'sts:AssumeRole',
      'sts:AssumeRole',
      'ssm:GetParameter',
      'cloudformation:DescribeStacks',
    ]);
    for (const { action, arn } of grants) {
      const [service, name] = action.split(':');
      const accepted = Object.keys(sar[service].privileges[name]?.resource_types ?? {});
      const types = resourceTypes(service, arn).filter((t) => accepted.includes(t));
      expect({ action, arn, accepted: types.length > 0 }).toEqual({ action, arn, accepted: true });
    }
  });
});
