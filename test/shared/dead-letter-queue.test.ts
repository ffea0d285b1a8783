import { Match, Template } from 'aws-cdk-lib/assertions';
import { describe, it } from 'vitest';
import { DeadLetterQueue } from '../../lib/shared';
import { testStack } from './fixtures';

describe('DeadLetterQueue', () => {
  it('is encrypted, TLS-only, keeps messages 14 days and alarms on the first one', () => {
    const stack = testStack();
    new DeadLetterQueue(stack, 'Dlq', { alarmTopic: stack.alarmTopic, purpose: 'rejected events' });
    const template = Template.fromStack(stack);
    template.hasResource('AWS::SQS::Queue', {
      Properties: { SqsManagedSseEnabled: true, MessageRetentionPeriod: 1209600 },
      DeletionPolicy: 'Retain',
    });
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      PolicyDocument: {
        Statement: [Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })],
      },
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Namespace: 'AWS/SQS',
      Threshold: 1,
      EvaluationPeriods: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
      AlarmDescription: Match.stringLikeRegexp('^rejected events are waiting'),
      AlarmActions: [{ Ref: Match.stringLikeRegexp('^AlarmTopic') }],
    });
  });

  it('can be FIFO, for the dead letters of a FIFO queue', () => {
    const stack = testStack();
    new DeadLetterQueue(stack, 'Dlq', { alarmTopic: stack.alarmTopic, fifo: true });
    Template.fromStack(stack).hasResourceProperties('AWS::SQS::Queue', {
      FifoQueue: true,
      SqsManagedSseEnabled: true,
      MessageRetentionPeriod: 1209600,
    });
  });
});
