import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/app';

const PYTHON = join(REPO_ROOT, '.venv', 'bin', 'python');
const GATE = join(REPO_ROOT, 'scripts', 'cfn-lint-gate.py');

/** Runs the real gate (cfn-lint with the serverless rules) over one template. */
function runGate(template: object, acknowledgements = ''): { status: number | null; output: string } {
  if (!existsSync(PYTHON)) throw new Error('.venv is missing: run bash scripts/python-env.sh');
  const dir = mkdtempSync(join(tmpdir(), 'cfn-lint-gate-'));
  writeFileSync(join(dir, 'app.template.json'), JSON.stringify(template));
  const acks = join(dir, 'acknowledgements.yaml');
  writeFileSync(acks, acknowledgements);
  const run = spawnSync(PYTHON, [GATE, '--acknowledgements', acks, dir], { cwd: REPO_ROOT, encoding: 'utf8' });
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

const DLQ = { Dlq: { Type: 'AWS::SQS::Queue', Properties: { MessageRetentionPeriod: 1209600 } } };
const queueWith = (redrive: boolean) => ({
  Resources: {
    ...DLQ,
    Work: {
      Type: 'AWS::SQS::Queue',
      Properties: redrive
        ? { RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': ['Dlq', 'Arn'] }, maxReceiveCount: 5 } }
        : {},
    },
  },
});
const DLQ_ACK = `acknowledgements:
  - rule: ES6000
    holds: dead-letter-target
    reason: The queue is another queue's dead-letter queue.
`;

describe('cfn-lint gate with the serverless rules on handcrafted templates', () => {
  it('fails on a queue without a dead-letter queue (serverless rule ES6000)', () => {
    const run = runGate(queueWith(false), DLQ_ACK);
    expect(run.status).toBe(1);
    expect(run.output).toMatch(/app Work: ES6000 \(Error\): SQS Queue Work should have a RedrivePolicy/);
  });

  it('passes when the queue has one, and the dead-letter queue itself is acknowledged', () => {
    const run = runGate(queueWith(true), DLQ_ACK);
    expect(run.output).toContain('0 unacknowledged');
    expect(run.status).toBe(0);
  });

  it('does not apply an acknowledgement whose template condition fails, and reports it unused', () => {
    const run = runGate({ Resources: DLQ }, DLQ_ACK);
    expect(run.status).toBe(1);
    expect(run.output).toContain('app Dlq: ES6000');
    expect(run.output).toMatch(/acknowledgement of ES6000 matches no finding; remove it/);
  });

  it("still fails on cfn-lint's own rules (a property the resource type does not have)", () => {
    const run = runGate({ Resources: { ...DLQ, Bad: { Type: 'AWS::SQS::Queue', Properties: { Nope: 1 } } } }, DLQ_ACK);
    expect(run.status).toBe(1);
    expect(run.output).toMatch(/app Bad: E3002/);
  });
});
