import { CloudFormationClient, CreateStackCommand, UpdateStackCommand } from '@aws-sdk/client-cloudformation';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { loadConfig } from '../../config/load';
import { checkWave } from '../../tools/deploy/check';
import { main } from '../../tools/deploy/cli';
import { type Plan, planConfig } from '../../tools/deploy/plan';
import { REPO_ROOT } from '../helpers/app';

// The check against moto in server mode: the real SDK reads SSM parameters and stack outputs in
// the example config's accounts, reached as the CLI reaches them, through each account's CDK
// lookup role (moto gives an assumed role's credentials the role's account). The tests build on
// each other's moto state, in order.

const EXAMPLE = join(REPO_ROOT, 'config', 'example.yaml');
const BOOTSTRAP = '/cdk-bootstrap/hnb659fds/version';
const CONSUMER_A = 'privatelink-consumer-consumer-a-consumer-a-us-east-1';
const CONSUMER_B = 'privatelink-consumer-consumer-b-consumer-b-eu-west-1';

/** Credentials of `account` in moto, as the lookup role there gives them. */
async function inAccount(account: string, region: string) {
  const { Credentials: c } = await new STSClient({ region }).send(
    new AssumeRoleCommand({
      RoleArn: `arn:aws:iam::${account}:role/cdk-hnb659fds-lookup-role-${account}-${region}`,
      RoleSessionName: 'test-setup',
    }),
  );
  const credentials = {
    accessKeyId: String(c?.AccessKeyId),
    secretAccessKey: String(c?.SecretAccessKey),
    sessionToken: c?.SessionToken,
  };
  return { ssm: new SSMClient({ region, credentials }), cfn: new CloudFormationClient({ region, credentials }) };
}

async function putParameter(account: string, region: string, name: string, value: string) {
  const { ssm } = await inAccount(account, region);
  await ssm.send(new PutParameterCommand({ Name: name, Value: value, Type: 'String', Overwrite: true }));
}

/** Creates (or updates) a stack with the given outputs. */
async function deployStack(
  account: string,
  region: string,
  name: string,
  outputs: Record<string, string>,
  update = false,
) {
  const { cfn } = await inAccount(account, region);
  const template = {
    Resources: { Handle: { Type: 'AWS::CloudFormation::WaitConditionHandle' } },
    Outputs: Object.fromEntries(Object.entries(outputs).map(([k, v]) => [k, { Value: v }])),
  };
  const input = { StackName: name, TemplateBody: JSON.stringify(template) };
  await cfn.send(update ? new UpdateStackCommand(input) : new CreateStackCommand(input));
}

async function run(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('npm run deploy -- check, against moto', () => {
  let plan: Plan;
  beforeAll(() => {
    plan = planConfig(loadConfig(EXAMPLE));
  });

  it('check reports a missing input by name and the wave that produces it', async () => {
    const { code, out } = await run(
      'check',
      '--wave',
      '3',
      '--config',
      EXAMPLE,
      '--endpoint-url',
      inject('motoEndpoint'),
    );
    expect(code).toBe(1);
    expect(out).toContain(
      '  MISSING    SSM parameter /privatelink-failover/payments/provider-zone-id in 555555555555/eu-west-1: no such parameter\n' +
        `             needed by ${CONSUMER_B}; produced by wave 2 (privatelink-dns-tools-us-east-1): the failover zone ID: put output ZoneId of privatelink-dns-tools-us-east-1 here`,
    );
    expect(out).toContain(
      '  MISSING    output ZoneId of stack privatelink-dns-tools-us-east-1 in 111111111111/us-east-1: stack privatelink-dns-tools-us-east-1 does not exist',
    );
    expect(out).toContain(`SSM parameter ${BOOTSTRAP} in 444444444444/us-east-1: no such parameter`);
  });

  it('finds a stack without the output it needs', async () => {
    await deployStack('111111111111', 'us-east-1', 'privatelink-dns-tools-us-east-1', { FailoverNames: 'x' });
    const checks = await checkWave(plan, 3);
    const zone = checks.find((c) => c.input.kind === 'stack-output' && c.input.name === 'ZoneId');
    expect(zone).toMatchObject({
      status: 'missing',
      reason: 'stack privatelink-dns-tools-us-east-1 has no output ZoneId',
      neededBy: [CONSUMER_A],
    });
  });

  it('passes once every input of the wave exists, each read in its own account and Region', async () => {
    await Promise.all([
      putParameter('444444444444', 'us-east-1', BOOTSTRAP, '30'),
      putParameter('555555555555', 'eu-west-1', BOOTSTRAP, '30'),
      putParameter('555555555555', 'eu-west-1', '/privatelink-failover/payments/primary-service-name', 'svc-1'),
      putParameter('555555555555', 'eu-west-1', '/privatelink-failover/payments/secondary-service-name', 'svc-2'),
      putParameter('555555555555', 'eu-west-1', '/privatelink-failover/payments/provider-zone-id', 'Z1'),
      deployStack('111111111111', 'us-east-1', 'privatelink-service-tools-us-east-1', { ServiceName: 'svc-1' }),
      deployStack('111111111111', 'us-west-2', 'privatelink-service-tools-us-west-2', { ServiceName: 'svc-2' }),
      // The same name in the wrong Region does not count.
      deployStack('111111111111', 'eu-west-1', 'privatelink-dns-tools-us-east-1', { ZoneId: 'Z1' }),
    ]);
    const before = await checkWave(plan, 3);
    expect(before.filter((c) => c.status !== 'present').map((c) => c.input.name)).toEqual(['ZoneId']);

    await deployStack('111111111111', 'us-east-1', 'privatelink-dns-tools-us-east-1', { ZoneId: 'Z1' }, true);

    const { code, out } = await run('check', '--wave', '3', '--config', EXAMPLE);
    expect(code).toBe(0);
    expect(out).toMatch(/^Wave 3 needs 8 inputs: 8 present, 0 missing\.\n/);
  });

  it('prints the exact cdk command of a dry run once the check passes', async () => {
    const { code, out } = await run('--wave', '3', '--concurrency', '2', '--dry-run', '--config', EXAMPLE);
    expect(code).toBe(0);
    expect(out.split('\n').at(-1)).toBe(
      `Would run: npx cdk deploy --exclusively --concurrency 2 -c config=${EXAMPLE} ${CONSUMER_A} ${CONSUMER_B}`,
    );
  });

  it("reads inputs in the caller's own account with the caller's credentials", async () => {
    // moto's default account is the caller's: the example config with the tools account replaced.
    const config = join(mkdtempSync(join(tmpdir(), 'deploy-check-')), 'own-account.yaml');
    writeFileSync(config, readFileSync(EXAMPLE, 'utf8').replaceAll('111111111111', '123456789012'));
    const own = new SSMClient({ region: 'eu-west-1' });
    await own.send(new PutParameterCommand({ Name: BOOTSTRAP, Value: '30', Type: 'String' }));
    const checks = await checkWave(planConfig(loadConfig(config)), 1);
    expect(checks.map((c) => [c.input.account, c.input.region, c.status]).sort()).toEqual([
      ['123456789012', 'eu-west-1', 'present'],
      ['123456789012', 'us-east-1', 'missing'],
      ['123456789012', 'us-west-2', 'missing'],
    ]);
  });

  it('reports what it could not check, and fails', async () => {
    const { code, out } = await run(
      'check',
      '--wave',
      '1',
      '--config',
      EXAMPLE,
      '--endpoint-url',
      'http://127.0.0.1:9',
    );
    expect(code).toBe(1);
    expect(out).toMatch(/^Wave 1 needs 3 inputs: 0 present, 0 missing, 3 could not be checked\./);
    expect(out).toContain(
      `  UNCHECKED  SSM parameter ${BOOTSTRAP} in 111111111111/eu-west-1: no usable AWS credentials (sts GetCallerIdentity:`,
    );
  });

  it('refuses to deploy a wave whose inputs are missing', async () => {
    const { code, out, err } = await run('--wave', '2', '--dry-run', '--config', EXAMPLE);
    expect(code).toBe(1);
    expect(out).toContain('MISSING');
    expect(out).not.toContain('Would run');
    expect(err).toContain('Refusing to deploy wave 2');
  });
});
