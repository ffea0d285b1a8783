import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/app';
import { exampleResources, exampleTemplates } from '../helpers/example-templates';

const PYTHON = join(REPO_ROOT, '.venv', 'bin', 'python');
const GATE = join(REPO_ROOT, 'scripts', 'iam-gate.py');

interface GateRun {
  readonly status: number | null;
  readonly output: string;
}

/**
 * Runs the real gate over the given templates (stack name -> template), with a cloud assembly
 * manifest giving each stack's account and Region where `envs` names them.
 */
function runGate(
  templates: Record<string, unknown>,
  acknowledgements = '',
  envs: Record<string, { account: string; region: string }> = {},
): GateRun {
  if (!existsSync(PYTHON)) throw new Error('.venv is missing: run bash scripts/python-env.sh');
  const dir = mkdtempSync(join(tmpdir(), 'iam-gate-'));
  for (const [name, template] of Object.entries(templates)) {
    writeFileSync(join(dir, `${name}.template.json`), JSON.stringify(template));
  }
  const artifacts = Object.fromEntries(
    Object.entries(envs).map(([name, env]) => [
      name,
      {
        type: 'aws:cloudformation:stack',
        environment: `aws://${env.account}/${env.region}`,
        properties: { templateFile: `${name}.template.json` },
      },
    ]),
  );
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify({ artifacts }));
  const acks = join(dir, 'acknowledgements.yaml');
  writeFileSync(acks, acknowledgements);
  const run = spawnSync(PYTHON, [GATE, '--acknowledgements', acks, dir], { cwd: REPO_ROOT, encoding: 'utf8' });
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

const QUEUE = { Queue: { Type: 'AWS::SQS::Queue' } };
const BUCKET = { Bucket: { Type: 'AWS::S3::Bucket' } };
const queueArn = { 'Fn::GetAtt': ['Queue', 'Arn'] };
const bucketArn = { 'Fn::GetAtt': ['Bucket', 'Arn'] };

/** A template with one role policy of the given statements. */
function withPolicy(statements: object[], resources: object = {}) {
  return {
    Resources: {
      ...resources,
      Policy: {
        Type: 'AWS::IAM::Policy',
        Properties: { PolicyName: 'p', Roles: ['r'], PolicyDocument: { Version: '2012-10-17', Statement: statements } },
      },
    },
  };
}

describe('IAM gate on handcrafted templates', () => {
  it('fails on an action that does not exist', () => {
    const run = runGate({
      app: withPolicy([{ Effect: 'Allow', Action: 'sqs:SendMessages', Resource: queueArn }], QUEUE),
    });
    expect(run.status).toBe(1);
    expect(run.output).toContain('app Policy: sqs:SendMessages: no such action');
  });

  it('fails on an action on a resource of a type it does not accept (GetItem on a queue)', () => {
    const run = runGate({
      app: withPolicy([{ Effect: 'Allow', Action: 'dynamodb:GetItem', Resource: queueArn }], QUEUE),
    });
    expect(run.status).toBe(1);
    expect(run.output).toMatch(/app Policy: dynamodb:GetItem on arn:aws:sqs:.*accepts only resource types .*table/);
  });

  it('fails on s3:GetObject on a bucket ARN without /*', () => {
    const run = runGate({
      app: withPolicy([{ Effect: 'Allow', Action: 's3:GetObject', Resource: bucketArn }], BUCKET),
    });
    expect(run.status).toBe(1);
    expect(run.output).toMatch(/s3:GetObject on arn:aws:s3:::x0name: the action accepts only resource types object/);
  });

  it('fails on an action without resource-level permissions scoped to an ARN (kafka:GetBootstrapBrokers)', () => {
    const run = runGate({
      app: withPolicy(
        [{ Effect: 'Allow', Action: 'kafka:GetBootstrapBrokers', Resource: { 'Fn::GetAtt': ['Cluster', 'Arn'] } }],
        { Cluster: { Type: 'AWS::MSK::Cluster' } },
      ),
    });
    expect(run.status).toBe(1);
    expect(run.output).toContain('kafka:GetBootstrapBrokers on arn:aws:kafka:');
    expect(run.output).toContain('has no resource-level permissions');
  });

  it('fails on * for an action that takes a resource type, unless acknowledged with a reason', () => {
    const template = withPolicy([{ Effect: 'Allow', Action: 'sqs:SendMessage', Resource: '*' }]);
    const run = runGate({ app: template });
    expect(run.status).toBe(1);
    expect(run.output).toContain('app Policy: sqs:SendMessage on *: the action takes resource types (queue)');
    const acked = runGate(
      { app: template },
      'wildcard-resources:\n  - action: sqs:SendMessage\n    reason: a test of the acknowledgement\n',
    );
    expect(acked.output).toContain('0 findings');
    expect(acked.status).toBe(0);
  });

  it('fails on a condition key its service does not define', () => {
    const run = runGate({
      app: withPolicy(
        [
          {
            Effect: 'Allow',
            Action: 'sqs:SendMessage',
            Resource: queueArn,
            Condition: { StringEquals: { 'sqs:SenderAccount': '123456789012', 'aws:SourceAccount': '123456789012' } },
          },
        ],
        QUEUE,
      ),
    });
    expect(run.status).toBe(1);
    expect(run.output).toContain('app Policy: condition key sqs:SenderAccount: not in the service authorization data');
    expect(run.output).toContain('1 findings');
  });

  it('passes correct policies, resolving GetAtt, Join with pseudo parameters and Sub', () => {
    const run = runGate({
      app: withPolicy(
        [
          { Effect: 'Allow', Action: ['sqs:SendMessage', 'sqs:GetQueueAttributes'], Resource: queueArn },
          {
            Effect: 'Allow',
            Action: ['s3:GetObject*', 's3:GetBucket*', 's3:List*'],
            Resource: [bucketArn, { 'Fn::Join': ['', [bucketArn, '/*']] }],
          },
          {
            Effect: 'Allow',
            Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
            Resource: { 'Fn::GetAtt': ['Logs', 'Arn'] },
          },
          {
            Effect: 'Allow',
            Action: 'ssm:GetParameter',
            Resource: { 'Fn::Sub': 'arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:parameter/app/x' },
          },
          {
            Effect: 'Allow',
            Action: 'lambda:InvokeFunction',
            Resource: [{ 'Fn::GetAtt': ['Fn', 'Arn'] }, { 'Fn::Join': ['', [{ 'Fn::GetAtt': ['Fn', 'Arn'] }, ':*']] }],
          },
          { Effect: 'Allow', Action: 'xray:PutTraceSegments', Resource: '*' },
        ],
        {
          ...QUEUE,
          ...BUCKET,
          Logs: { Type: 'AWS::Logs::LogGroup' },
          Fn: { Type: 'AWS::Lambda::Function' },
        },
      ),
    });
    expect(run.output).toContain('0 findings');
    expect(run.status).toBe(0);
  });

  it('checks resource policies: a queue policy action on its queue, a key policy on its key', () => {
    const run = runGate({
      app: {
        Resources: {
          ...QUEUE,
          QueuePolicy: {
            Type: 'AWS::SQS::QueuePolicy',
            Properties: {
              Queues: [{ Ref: 'Queue' }],
              PolicyDocument: {
                Statement: [
                  {
                    Effect: 'Allow',
                    Principal: { Service: 'events.amazonaws.com' },
                    Action: 'sqs:SendMessage',
                    Resource: queueArn,
                  },
                ],
              },
            },
          },
          Key: {
            Type: 'AWS::KMS::Key',
            Properties: {
              KeyPolicy: {
                Statement: [
                  { Effect: 'Allow', Principal: { AWS: 'x' }, Action: 'kms:Decrypt', Resource: '*' },
                  { Effect: 'Allow', Principal: { AWS: 'x' }, Action: 'kms:Decrypts', Resource: '*' },
                ],
              },
            },
          },
        },
      },
    });
    expect(run.status).toBe(1);
    expect(run.output).toContain('app Key: kms:Decrypts: no such action');
    expect(run.output).toContain('1 findings');
  });
});

describe('IAM gate on the example config', () => {
  let run: GateRun;
  beforeAll(() => {
    const stacks = exampleTemplates();
    run = runGate(
      Object.fromEntries(stacks.map((t) => [t.stackName, t.template])),
      readAcknowledgements(),
      Object.fromEntries(stacks.map((t) => [t.stackName, { account: t.account, region: t.region }])),
    );
  });

  it('finds nothing unexplained in any synthesized stack', () => {
    expect(run.output).toContain('0 findings');
    expect(run.status).toBe(0);
  });

  it('grants kafka:GetBootstrapBrokers on * (the action has no resource types)', () => {
    const statements = exampleResources('AWS::IAM::Policy').flatMap(
      (p) =>
        (p.properties.PolicyDocument as { Statement: { Action: string | string[]; Resource: unknown }[] }).Statement,
    );
    const brokers = statements.filter((s) => [s.Action].flat().includes('kafka:GetBootstrapBrokers'));
    expect(brokers.length).toBeGreaterThanOrEqual(2);
    for (const s of brokers) expect(s.Resource).toBe('*');
    const logGroups = statements.filter((s) => [s.Action].flat().includes('logs:DescribeLogGroups'));
    for (const s of logGroups) expect(s.Resource).toBe('*');
  });

  it('scopes Route 53 VPC association to the hosted zone only (the action takes no VPC resource)', () => {
    const statements = exampleResources('AWS::IAM::Policy').flatMap(
      (p) =>
        (p.properties.PolicyDocument as { Statement: { Action: string | string[]; Resource: unknown }[] }).Statement,
    );
    const associate = statements.filter((s) => [s.Action].flat().includes('route53:AssociateVPCWithHostedZone'));
    expect(associate.length).toBeGreaterThan(0);
    for (const s of associate) expect(JSON.stringify(s.Resource)).not.toContain(':vpc/');
  });
});

function readAcknowledgements(): string {
  // The reviewed acknowledgements file the gate reads in npm test.
  return readFileSync(join(REPO_ROOT, '.iam-gate.yaml'), 'utf8');
}
