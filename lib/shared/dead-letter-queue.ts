import { Duration, type RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { AlarmTopic } from './alarm-topic';
import { houseDefaults } from './platform-stack';

export interface DeadLetterQueueProps {
  /**
   * Where the alarm on the first dead-lettered message goes.
   * @default - the stack's alarm topic
   */
  readonly alarmTopic?: AlarmTopic;
  /**
   * What the queue holds, for the alarm's description (for example "events the ledger could not apply").
   * @default - "failed messages"
   */
  readonly purpose?: string;
  /**
   * How long a message stays in the queue (SQS allows at most 14 days).
   * @default Duration.days(14)
   */
  readonly retentionPeriod?: Duration;
  /**
   * A FIFO queue, for the dead letters of a FIFO queue (SQS requires the two to match).
   * @default false
   */
  readonly fifo?: boolean;
  /**
   * What happens to the queue (and the messages in it) when the stack is deleted.
   * @default - the stack's removal policy (the config's `shared.removalPolicy`)
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * A dead-letter queue: encrypted, TLS only, 14-day retention, and an alarm on its first message,
 * so nothing that failed is lost or goes unseen.
 */
export class DeadLetterQueue extends Construct {
  public readonly queue: sqs.Queue;
  /** In ALARM while at least one message waits in the queue. */
  public readonly alarm: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: DeadLetterQueueProps = {}) {
    super(scope, id);
    this.queue = new sqs.Queue(this, 'Queue', {
      fifo: props.fifo,
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: props.retentionPeriod ?? Duration.days(14),
      removalPolicy: props.removalPolicy ?? houseDefaults(this).removalPolicy,
    });
    Validations.of(this.queue).acknowledge(
      {
        id: 'AwsSolutions-SQS3',
        reason: 'This queue is itself the dead-letter queue; its messages are kept for inspection and redrive.',
      },
      {
        id: 'cdk-validator-cfnguard::sqs_dlq_check',
        reason:
          'CT.SQS.PR.1: this queue is itself the dead-letter queue; its messages are kept for inspection and redrive.',
      },
    );
    this.alarm = this.queue
      .metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1), statistic: 'Maximum' })
      .createAlarm(this, 'NotEmptyAlarm', {
        alarmDescription: `${props.purpose ?? 'failed messages'} are waiting in ${this.node.path}: inspect them, fix the cause, then redrive`,
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
    (props.alarmTopic ?? houseDefaults(this).alarmTopic).notify(this.alarm);
  }
}
