import { Stack, Validations } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { describe, expect, it } from 'vitest';
import { applyControlTowerControls, ControlTowerValidator } from '../../lib/shared/control-tower-controls';
import { testApp } from '../helpers/app';

/**
 * Synthesizes one stack built by `build` with the Control Tower proactive controls (the real
 * cfn-guard binary and rules of @cdklabs/cdk-validator-cfnguard); `fixes` adds the project's key
 * policy fix and reviewed acknowledgements. Returns the validation output, or '' when synth passes.
 */
function synthWithControls(build: (stack: Stack) => void, fixes = true): string {
  const app = testApp();
  Validations.of(app).addPlugins(new ControlTowerValidator());
  if (fixes) applyControlTowerControls(app);
  build(new Stack(app, 'Controls', { env: { account: '111111111111', region: 'eu-west-1' } }));
  try {
    app.synth();
    return '';
  } catch (e) {
    return String(e instanceof Error ? e.message : e);
  }
}

const rotatingKey = (stack: Stack) => new kms.Key(stack, 'Key', { enableKeyRotation: true });

describe('Control Tower proactive controls at synth', () => {
  it('fails on a KMS key policy that lets any principal create grants (CT.KMS.PR.3)', () => {
    expect(synthWithControls(rotatingKey, false)).toMatch(/kms_create_grant_aws_service_check|CT\.KMS\.PR\.3/);
  });

  it('passes once the key policy limits grants to AWS services', () => {
    expect(synthWithControls(rotatingKey)).toBe('');
  });

  it('fails on a queue without a dead-letter queue, even when another finding is acknowledged', () => {
    const out = synthWithControls((stack) => {
      const acknowledged = new sqs.Queue(stack, 'Acknowledged');
      Validations.of(acknowledged).acknowledge({ id: 'cdk-validator-cfnguard::sqs_dlq_check', reason: 'test' });
      new sqs.Queue(stack, 'Unacknowledged');
    });
    expect(out).toMatch(/sqs_dlq_check|CT\.SQS\.PR\.1/);
    expect(out).toContain('Unacknowledged');
  });

  it('acknowledges a control only on resources its reason holds for (function outside a VPC)', () => {
    const fn = (stack: Stack) =>
      new lambda.Function(stack, 'Fn', {
        runtime: lambda.Runtime.NODEJS_22_X,
        handler: 'index.handler',
        code: lambda.Code.fromInline('exports.handler = async () => {}'),
        logGroup: new logs.LogGroup(stack, 'Logs', { retention: logs.RetentionDays.ONE_MONTH }),
      });
    expect(synthWithControls(fn, false)).toMatch(/lambda_inside_vpc_check|CT\.LAMBDA\.PR\.3/);
    expect(synthWithControls(fn)).toBe('');
  });
});
