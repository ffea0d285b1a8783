import { ArnFormat, RemovalPolicy, Stack } from 'aws-cdk-lib';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';

export interface AlarmTopicProps {
  /**
   * Email addresses subscribed to the topic (each must confirm the subscription once).
   * @default - no subscriptions; subscribe a pager or chat integration yourself
   */
  readonly emails?: readonly string[];
  /**
   * Existing SNS topics to choose from. The one in this stack's account and Region is used
   * instead of creating a topic; `emails` are then not subscribed (the topic's owner manages it).
   * @default - a new encrypted topic is created
   */
  readonly existingTopicArns?: readonly string[];
  /**
   * What happens to the topic's KMS key when the stack is deleted.
   * @default RemovalPolicy.RETAIN
   */
  readonly keyRemovalPolicy?: RemovalPolicy;
}

/**
 * The operator alarm topic of one stack: every alarm of the stack notifies it.
 * A created topic is encrypted with its own KMS key, because CloudWatch cannot publish to a topic
 * encrypted with the AWS managed `aws/sns` key
 * (https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html#compatibility-with-aws-services).
 */
export class AlarmTopic extends Construct {
  /** The topic alarms publish to. */
  public readonly topic: sns.ITopic;
  /** The key encrypting a created topic; undefined when an existing topic is used. */
  public readonly key?: kms.IKey;
  private readonly action: actions.SnsAction;

  constructor(scope: Construct, id: string, props: AlarmTopicProps = {}) {
    super(scope, id);
    const stack = Stack.of(this);
    const existing = (props.existingTopicArns ?? []).find((arn) => {
      const [, , , region, account] = arn.split(':');
      return region === stack.region && account === stack.account;
    });
    if (existing) {
      this.topic = sns.Topic.fromTopicArn(this, 'Topic', existing);
    } else {
      const key = new kms.Key(this, 'Key', {
        description: `Encrypts the alarm topic of ${stack.stackName}`,
        enableKeyRotation: true,
        removalPolicy: props.keyRemovalPolicy ?? RemovalPolicy.RETAIN,
      });
      // Only CloudWatch alarms publish to the topic, so only CloudWatch may use the key. No rule or
      // schedule targets an alarm topic; one that does needs its own statement for events.amazonaws.com.
      key.addToResourcePolicy(
        new iam.PolicyStatement({
          sid: 'AllowAlarmPublishers',
          principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
          actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
          resources: ['*'],
          conditions: { StringEquals: { 'aws:SourceAccount': stack.account } },
        }),
      );
      const topic = new sns.Topic(this, 'Topic', {
        displayName: `Alarms of ${stack.stackName}`,
        masterKey: key,
        enforceSSL: true,
      });
      // The stack's TopicPolicy replaces SNS's default policy, so alarms need their own allow
      // (https://repost.aws/knowledge-center/cloudwatch-receive-sns-for-alarm-trigger); limited to
      // alarms of this account and Region by the aws:SourceArn condition that page documents.
      topic.addToResourcePolicy(
        new iam.PolicyStatement({
          sid: 'AllowAlarmsToPublish',
          principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
          actions: ['sns:Publish'],
          resources: [topic.topicArn],
          conditions: {
            ArnLike: {
              'aws:SourceArn': stack.formatArn({
                service: 'cloudwatch',
                resource: 'alarm',
                resourceName: '*',
                arnFormat: ArnFormat.COLON_RESOURCE_NAME,
              }),
            },
          },
        }),
      );
      for (const email of props.emails ?? []) {
        topic.addSubscription(new subscriptions.EmailSubscription(email));
      }
      this.topic = topic;
      this.key = key;
    }
    this.action = new actions.SnsAction(this.topic);
  }

  /** Sends the alarm's ALARM and OK transitions to this topic. */
  public notify(alarm: cloudwatch.Alarm): void {
    alarm.addAlarmAction(this.action);
    alarm.addOkAction(this.action);
  }
}
