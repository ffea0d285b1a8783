import { Match, Template } from 'aws-cdk-lib/assertions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { describe, expect, it } from 'vitest';
import { DeadLetterQueue, enableComplianceChecks, stackName } from '../../lib/shared';
import { testOperations } from '../helpers/app';
import { testStack } from './fixtures';

describe('PlatformStack', () => {
  it('is named <system>-<role>-<account alias or ID>-<region> with an explicit env', () => {
    const byId = testStack();
    expect(byId.stackName).toBe('demo-test-111111111111-eu-west-1');
    expect(byId.node.id).toBe(byId.stackName);
    expect(byId.account).toBe('111111111111');
    expect(byId.region).toBe('eu-west-1');
    const byAlias = testStack({ operations: testOperations({ accountAliases: { '111111111111': 'tools' } }) });
    expect(byAlias.stackName).toBe('demo-test-tools-eu-west-1');
  });

  it('tags every resource with the config tags and the system', () => {
    const stack = testStack({ operations: testOperations({ tags: { owner: 'platform', 'cost-center': '42' } }) });
    new DeadLetterQueue(stack, 'Dlq', { alarmTopic: stack.alarmTopic });
    const template = Template.fromStack(stack);
    for (const type of ['AWS::SQS::Queue', 'AWS::SNS::Topic', 'AWS::KMS::Key', 'AWS::CloudWatch::Alarm']) {
      template.hasResourceProperties(type, {
        Tags: Match.arrayWith([
          { Key: 'cost-center', Value: '42' },
          { Key: 'owner', Value: 'platform' },
          { Key: 'system', Value: 'demo' },
        ]),
      });
    }
  });

  it('rejects a stack name CloudFormation would not accept', () => {
    expect(() => stackName('demo', 'a_b', { account: '111111111111', region: 'eu-west-1' })).toThrow(
      /not a valid CloudFormation stack name/,
    );
  });
});

describe('compliance checks', () => {
  it('fail synth on an unacknowledged cdk-nag error', () => {
    const stack = testStack();
    enableComplianceChecks(stack.node.root);
    new sqs.Queue(stack, 'Plain', { encryption: sqs.QueueEncryption.UNENCRYPTED });
    expect(() => Template.fromStack(stack)).toThrow(/AwsSolutions-SQS2/);
  });

  it('pass the shared constructs, whose findings are acknowledged with reasons', () => {
    const stack = testStack();
    enableComplianceChecks(stack.node.root);
    new DeadLetterQueue(stack, 'Dlq', { alarmTopic: stack.alarmTopic });
    expect(() => Template.fromStack(stack)).not.toThrow();
  });

  it('fail synth on a property the CloudFormation schema does not allow', () => {
    const stack = testStack();
    const queue = new sqs.Queue(stack, 'Q', { enforceSSL: true });
    (queue.node.defaultChild as sqs.CfnQueue).addPropertyOverride('DelaySeconds', 'soon');
    expect(() => Template.fromStack(stack)).toThrow(/DelaySeconds: 'soon' is not of type 'integer'/);
  });
});
