import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/app';

const PYTHON = join(REPO_ROOT, '.venv', 'bin', 'python');
const GATE = join(REPO_ROOT, 'scripts', 'iam-gate.py');

/** Runs the real IAM gate with parliament over one template. */
function runGate(template: object, acknowledgements = ''): { status: number | null; output: string } {
  if (!existsSync(PYTHON)) throw new Error('.venv is missing: run bash scripts/python-env.sh');
  const dir = mkdtempSync(join(tmpdir(), 'parliament-gate-'));
  writeFileSync(join(dir, 'app.template.json'), JSON.stringify(template));
  const acks = join(dir, 'acknowledgements.yaml');
  writeFileSync(acks, acknowledgements);
  const run = spawnSync(PYTHON, [GATE, '--acknowledgements', acks, '--parliament', dir], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
  });
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

/** A role whose trust policy has no Resource (as trust policies never do) and one policy statement. */
function roleWith(statement: object) {
  return {
    Resources: {
      Queue: { Type: 'AWS::SQS::Queue' },
      Role: {
        Type: 'AWS::IAM::Role',
        Properties: {
          AssumeRolePolicyDocument: {
            Version: '2012-10-17',
            Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
          },
        },
      },
      Policy: {
        Type: 'AWS::IAM::Policy',
        Properties: {
          PolicyName: 'p',
          Roles: [{ Ref: 'Role' }],
          PolicyDocument: { Version: '2012-10-17', Statement: [statement] },
        },
      },
    },
  };
}

const send = (operator: string) => ({
  Effect: 'Allow',
  Action: 'sqs:SendMessage',
  Resource: { 'Fn::GetAtt': ['Queue', 'Arn'] },
  Condition: { [operator]: { 'aws:SourceAccount': '111111111111' } },
});

describe('parliament over the policies of handcrafted templates', () => {
  it('fails on a condition operator that does not exist (which only parliament checks)', () => {
    const run = runGate(roleWith(send('StringEqualz')));
    expect(run.status).toBe(1);
    expect(run.output).toMatch(/app Policy: parliament UNKNOWN_OPERATOR/);
  });

  it('passes on the same policy with a real operator, its trust policy left to the IAM gate', () => {
    const run = runGate(roleWith(send('StringEquals')));
    expect(run.output).toContain('0 findings');
    expect(run.status).toBe(0);
  });

  it('accepts a finding only through a reviewed acknowledgement, and reports an unused one', () => {
    const ack = (issue: string) =>
      `parliament:\n  - issue: ${issue}\n    logical-id: Policy\n    reason: handcrafted for the test.\n`;
    expect(runGate(roleWith(send('StringEqualz')), ack('UNKNOWN_OPERATOR')).status).toBe(0);
    const unused = runGate(roleWith(send('StringEquals')), ack('UNKNOWN_OPERATOR'));
    expect(unused.status).toBe(1);
    expect(unused.output).toMatch(/parliament acknowledgement of UNKNOWN_OPERATOR matches no finding; remove it/);
  });
});
