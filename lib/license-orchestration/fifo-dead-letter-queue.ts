import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { AlarmTopic } from '../shared';

export interface FifoDeadLetterQueueProps {
  /** Where the alarm on the first dead-lettered message goes. */
  readonly alarmTopic: AlarmTopic;
  /** What the queue holds, for the alarm's description. */
  readonly purpose: string;
  /**
   * What happens to the queue when the stack is deleted.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * The FIFO twin of the shared DeadLetterQueue (a FIFO queue's dead-letter queue must be FIFO too):
 * encrypted, TLS only, 14-day retention, alarm on its first message.
 */
export class FifoDeadLetterQueue extends Construct {
  public readonly queue: sqs.Queue;
  public readonly alarm: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: FifoDeadLetterQueueProps) {
    super(scope, id);
    this.queue = new sqs.Queue(this, 'Queue', {
      fifo: true,
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    });
    Validations.of(this.queue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: 'This queue is itself the dead-letter queue; its messages are kept for inspection and redrive.',
    });
    this.alarm = this.queue
      .metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1), statistic: 'Maximum' })
      .createAlarm(this, 'NotEmptyAlarm', {
        alarmDescription: `${props.purpose} are waiting in ${this.node.path}: inspect them, fix the cause, then redrive`,
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
    props.alarmTopic.notify(this.alarm);
  }
}
