import { Match, Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { DeadLetterQueue } from '../../lib/shared';
import { testOperations } from '../helpers/app';
import { type ExampleTemplate, exampleTemplates } from '../helpers/example-templates';
import { testStack } from './fixtures';

describe('AlarmTopic (one per stack)', () => {
  it('creates a KMS-encrypted, TLS-only topic with the configured email subscriptions', () => {
    const stack = testStack({ operations: testOperations({ alarmEmails: ['a@example.com', 'b@example.com'] }) });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::SNS::Topic', {
      KmsMasterKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^AlarmTopicKey'), 'Arn'] },
    });
    template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
    template.resourceCountIs('AWS::SNS::Subscription', 2);
    template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'a@example.com' });
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });

  it("lets only this account's CloudWatch use the key", () => {
    const template = Template.fromStack(testStack());
    template.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Sid: 'AllowAlarmPublishers',
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Condition: { StringEquals: { 'aws:SourceAccount': '111111111111' } },
          }),
        ]),
      },
    });
    // EventBridge would need its own statement (no aws:Source* condition keys on its KMS request),
    // and nothing publishes to the topic through EventBridge: see the next test.
    expect(JSON.stringify(template.findResources('AWS::KMS::Key'))).not.toContain('events.amazonaws.com');
  });

  // The key admits CloudWatch only; a rule or schedule publishing to an alarm topic would be refused
  // by KMS and its notifications dropped (counted only in its FailedInvocations metric).
  it('is the target of no EventBridge rule or schedule in any stack', () => {
    const targetsOfAlarms = (template: ExampleTemplate['template']) =>
      Object.values(template.Resources ?? {})
        .filter((r) => r.Type === 'AWS::CloudWatch::Alarm')
        .flatMap((r) => [
          ...((r.Properties?.AlarmActions as unknown[]) ?? []),
          ...((r.Properties?.OKActions as unknown[]) ?? []),
        ])
        .map((a) => JSON.stringify(a));
    const eventTargets = (template: ExampleTemplate['template']) =>
      Object.entries(template.Resources ?? {}).flatMap(([id, r]) => {
        if (r.Type === 'AWS::Events::Rule') {
          return ((r.Properties?.Targets as { Arn: unknown }[]) ?? []).map((t) => ({ id, arn: JSON.stringify(t.Arn) }));
        }
        if (r.Type === 'AWS::Scheduler::Schedule') {
          return [{ id, arn: JSON.stringify((r.Properties?.Target as { Arn: unknown }).Arn) }];
        }
        return [];
      });
    const templates = exampleTemplates();
    expect(templates.flatMap((t) => targetsOfAlarms(t.template)).length).toBeGreaterThan(0);
    expect(templates.flatMap((t) => eventTargets(t.template)).length).toBeGreaterThan(0);
    for (const { stackName, template } of templates) {
      const alarmTopics = new Set(targetsOfAlarms(template));
      const offending = eventTargets(template).filter((t) => alarmTopics.has(t.arn));
      expect(offending, stackName).toEqual([]);
    }
  });

  // AWS's statement for alarm notifications (https://repost.aws/knowledge-center/cloudwatch-receive-sns-for-alarm-trigger):
  // the topic policy must allow cloudwatch.amazonaws.com to sns:Publish. A CloudFormation TopicPolicy
  // replaces SNS's default policy, so a policy holding only the TLS deny would leave alarms unauthorized.
  it("lets this account's CloudWatch alarms publish to the topic", () => {
    const template = Template.fromStack(testStack());
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Allow',
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: 'sns:Publish',
            Resource: { Ref: Match.stringLikeRegexp('^AlarmTopic') },
            Condition: { ArnLike: { 'aws:SourceArn': 'arn:aws:cloudwatch:eu-west-1:111111111111:alarm:*' } },
          }),
        ]),
      },
    });
  });

  it('uses the existing topic of its own account and Region instead of creating one', () => {
    const mine = 'arn:aws:sns:eu-west-1:111111111111:ops-alarms';
    const stack = testStack({
      operations: testOperations({
        existingAlarmTopicArns: ['arn:aws:sns:us-east-1:111111111111:elsewhere', mine],
      }),
    });
    expect(stack.alarmTopic.topic.topicArn).toBe(mine);
    expect(stack.alarmTopic.key).toBeUndefined();
    new DeadLetterQueue(stack, 'Dlq', { alarmTopic: stack.alarmTopic });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::SNS::Topic', 0);
    template.resourceCountIs('AWS::KMS::Key', 0);
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { AlarmActions: [mine] });
  });
});
