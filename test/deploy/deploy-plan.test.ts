import { App, Stack } from 'aws-cdk-lib';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/load';
import { buildPlatform } from '../../lib/platform';
import { requireDeployInput } from '../../lib/shared';
import { main } from '../../tools/deploy/cli';
import { type Plan, PlanError, planConfig, planFromAssembly, waves } from '../../tools/deploy/plan';
import { REPO_ROOT, testApp } from '../helpers/app';

const EXAMPLE = join(REPO_ROOT, 'config', 'example.yaml');

async function run(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out: out.join('\n'), err };
}

describe('deployment plan of the example config', () => {
  let plan: Plan;
  beforeAll(() => {
    plan = planConfig(loadConfig(EXAMPLE));
  });
  const waveOf = (name: string) => plan.units.find((u) => u.name === name)?.wave;

  it('puts every stack the app builds in exactly one wave', () => {
    // The app as bin/app.ts builds it, compliance checks included.
    const app = testApp();
    buildPlatform(app, loadConfig(EXAMPLE));
    const built = app.node.findAll().filter((c): c is Stack => Stack.isStack(c));
    const planned = waves(plan).flat();
    expect(planned.map((u) => u.name).sort()).toEqual(built.map((s) => s.stackName).sort());
    expect(new Set(planned.map((u) => u.name)).size).toBe(planned.length);
  });

  it('deploys every producer in an earlier wave than what needs it', () => {
    const late = plan.units.flatMap((u) =>
      u.inputs.filter((i) => i.producerWave >= u.wave).map((i) => `${u.name} <- ${i.producer}`),
    );
    expect(late).toEqual([]);
    expect(waves(plan).every((w) => w.length > 0)).toBe(true);
  });

  it('orders the PrivateLink and license stacks as the systems need', () => {
    expect(waveOf('privatelink-service-tools-us-east-1')).toBe(1);
    expect(waveOf('privatelink-routing-tools-us-west-2')).toBe(1);
    expect(waveOf('privatelink-dns-tools-us-east-1')).toBe(2);
    expect(waveOf('privatelink-consumer-consumer-a-consumer-a-us-east-1')).toBe(3);
    expect(waveOf('license-server-tools-eu-west-1')).toBe(1);
    expect(waveOf('license-workbench-workbench-b-eu-west-1')).toBe(2);
  });

  it("lists a consumer's SSM parameters with the wave and stack that produce them", () => {
    const consumer = plan.units.find((u) => u.name === 'privatelink-consumer-consumer-b-consumer-b-eu-west-1');
    expect(consumer?.inputs).toContainEqual(
      expect.objectContaining({
        kind: 'ssm-parameter',
        name: '/privatelink-failover/payments/provider-zone-id',
        account: '555555555555',
        region: 'eu-west-1',
        producer: 'privatelink-dns-tools-us-east-1',
        producerWave: 2,
      }),
    );
    // CDK's bootstrap of the stack's own environment, before wave 1.
    expect(consumer?.inputs).toContainEqual(
      expect.objectContaining({ name: '/cdk-bootstrap/hnb659fds/version', producerWave: 0 }),
    );
  });

  it('finds CDK cross-stack references in the templates', () => {
    const dns = plan.units.find((u) => u.name === 'privatelink-dns-tools-us-east-1');
    expect(dns?.inputs.filter((i) => i.kind === 'stack-output').map((i) => i.producer)).toEqual(
      expect.arrayContaining(['privatelink-service-tools-us-east-1', 'privatelink-routing-tools-us-west-2']),
    );
  });

  it("names each environment's CDK lookup role for checks from another account", () => {
    expect(plan.environments).toContainEqual({
      account: '555555555555',
      region: 'eu-west-1',
      lookupRoleArn: 'arn:aws:iam::555555555555:role/cdk-hnb659fds-lookup-role-555555555555-eu-west-1',
    });
  });
});

describe('deployment plan rules', () => {
  const twoStacks = () => {
    const app = new App({
      outdir: mkdtempSync(join(tmpdir(), 'deploy-plan-')),
      builtinCloudFormationValidation: false,
    });
    const env = { account: '111111111111', region: 'eu-west-1' };
    return { app, producer: new Stack(app, 'producer', { env }), consumer: new Stack(app, 'consumer', { env }) };
  };

  it('refuses an SSM parameter a template reads that no stack declares producing', () => {
    const { app, consumer } = twoStacks();
    ssm.StringParameter.valueForStringParameter(consumer, '/team/undeclared');
    const assembly = app.synth();
    expect(() => planFromAssembly(assembly)).toThrow(PlanError);
    expect(() => planFromAssembly(assembly)).toThrow(/consumer reads SSM parameter \/team\/undeclared/);
  });

  it('accepts it once declared, and puts the consumer after its producer', () => {
    const { app, producer, consumer } = twoStacks();
    ssm.StringParameter.valueForStringParameter(consumer, '/team/declared');
    requireDeployInput(consumer, { producer, ssmParameter: '/team/declared', description: 'a value' });
    const plan = planFromAssembly(app.synth());
    expect(plan.units.map((u) => [u.name, u.wave])).toEqual([
      ['producer', 1],
      ['consumer', 2],
    ]);
  });
});

describe('npm run deploy (plan and usage)', () => {
  it('prints each wave with its stacks, accounts, Regions and what they need', async () => {
    const { code, out } = await run('plan', '--config', EXAMPLE);
    expect(code).toBe(0);
    expect(out).toContain('12 stacks in 3 waves');
    expect(out).toMatch(
      /Wave 3: 2 stacks\n {2}privatelink-consumer-consumer-a-consumer-a-us-east-1 {2}\(account 444444444444, us-east-1\)/,
    );
    expect(out).toContain(
      'needs SSM parameter /privatelink-failover/payments/provider-zone-id in 555555555555/eu-west-1, produced by wave 2 (privatelink-dns-tools-us-east-1)',
    );
    expect(out).toContain('npx cdk bootstrap aws://555555555555/eu-west-1');
  });

  it.each([
    [['--wave', 'two'], '--wave: expected a whole number from 1, got "two"'],
    [['check'], '--wave: expected a whole number from 1, got nothing'],
    [['--wave', '1', '--concurrency', '0'], '--concurrency: expected a whole number from 1, got "0"'],
    [['deploy-all'], 'expected the command plan or check (or none, with --wave), got "deploy-all"'],
    [['--wave', '1', '--bogus'], "Unknown option '--bogus'"],
  ])('refuses %j with one line naming the argument, exit 2', async (argv, message) => {
    const { code, out, err } = await run(...argv);
    expect(code).toBe(2);
    expect(out).toBe('');
    expect(err).toHaveLength(1);
    expect(err[0]).toContain(message);
  });

  it('prints its usage with --help', async () => {
    const { code, out, err } = await run('--help');
    expect(code).toBe(0);
    expect(err).toEqual([]);
    expect(out).toMatch(/^Usage:\n {2}npm run deploy -- plan \[--config <file>\]/);
    expect(out).toContain('Exit codes: 0 done; 1 inputs missing or cdk deploy failed; 2 usage or config error.');
  });

  it('refuses a wave the plan does not have', async () => {
    const { code, err } = await run('check', '--wave', '9', '--config', EXAMPLE);
    expect(code).toBe(2);
    expect(err.at(-1)).toBe('error: --wave: expected a wave from 1 to 3 (see npm run deploy -- plan), got 9');
  });

  it('reports an unreadable config in one line and exits 2, without a stack trace', () => {
    const result = spawnSync(
      join(REPO_ROOT, 'node_modules', '.bin', 'tsx'),
      ['tools/deploy/deploy.ts', 'plan', '--config', 'test/fixtures/no-such-config.yaml'],
      { cwd: REPO_ROOT, encoding: 'utf8' },
    );
    expect(result.status).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(/^test\/fixtures\/no-such-config\.yaml: cannot read the file: ENOENT/),
    ]);
  });
});
