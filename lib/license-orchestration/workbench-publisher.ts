import { Duration, Stack, Validations } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { EC2_DETAIL_TYPE, EC2_SOURCE } from '../../lambda/license-orchestration/core/publisher';
import { METRICS_NAMESPACE, SERVICES } from '../../lambda/license-orchestration/core/metrics';
import { ENV } from '../../lambda/license-orchestration/adapters/settings';
import { DeadLetterQueue, StandardFunction } from '../shared';
import { HANDLER_ENTRY } from './contracts';

export interface WorkbenchPublisherProps {
  /** ARN of the central license bus (in the license-server account). */
  readonly busArn: string;
  /** Tag holding the workbench owner's user ID. */
  readonly ownerTag: string;
  /** Tag holding the workbench type. */
  readonly typeTag: string;
  /** User-ID pattern (matched against the whole ID). */
  readonly userIdPattern: string;
}

/**
 * EC2 state changes of this account and Region -> the publisher function -> the central bus.
 * The rule's target has a retry policy and a dead-letter queue; the function has an on-failure
 * queue; events it cannot use (bad tags) go to a rejected-events queue. All three alarm.
 */
export class WorkbenchPublisher extends Construct {
  public readonly function: StandardFunction;
  public readonly rule: events.Rule;
  public readonly deliveryDeadLetterQueue: DeadLetterQueue;
  public readonly rejectedEvents: DeadLetterQueue;

  constructor(scope: Construct, id: string, props: WorkbenchPublisherProps) {
    super(scope, id);
    this.rejectedEvents = new DeadLetterQueue(this, 'RejectedEvents', {
      purpose: 'workbench events with unusable tags (missing type, invalid user ID)',
    });
    this.deliveryDeadLetterQueue = new DeadLetterQueue(this, 'DeliveryDlq', {
      purpose: 'EC2 state changes EventBridge could not deliver to the publisher',
    });

    this.function = new StandardFunction(this, 'Publisher', {
      entry: HANDLER_ENTRY.publisher,
      serviceName: SERVICES.publisher,
      metricsNamespace: METRICS_NAMESPACE,
      description: 'Publishes workbench EC2 state changes to the central license bus',
      asyncInvocation: { retryAttempts: 2, maxEventAge: Duration.hours(6) },
      environment: {
        [ENV.busArn]: props.busArn,
        [ENV.ownerTag]: props.ownerTag,
        [ENV.typeTag]: props.typeTag,
        [ENV.userIdPattern]: props.userIdPattern,
        [ENV.rejectedQueueUrl]: this.rejectedEvents.queue.queueUrl,
        [ENV.partition]: Stack.of(this).partition,
      },
    });
    const role = this.function.role;
    this.rejectedEvents.queue.grantSendMessages(role);
    const putEvents = new iam.Policy(this, 'PublishPolicy', {
      statements: [new iam.PolicyStatement({ actions: ['events:PutEvents'], resources: [props.busArn] })],
    });
    putEvents.attachToRole(role);
    const describe = new iam.Policy(this, 'DescribeInstancesPolicy', {
      statements: [new iam.PolicyStatement({ actions: ['ec2:DescribeInstances'], resources: ['*'] })],
    });
    describe.attachToRole(role);
    Validations.of(describe).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'ec2:DescribeInstances supports no resource-level permissions; it is read-only and used to read the instance tags.',
    });

    this.rule = new events.Rule(this, 'StateChangeRule', {
      description: 'EC2 instance state changes, for floating-license orchestration',
      eventPattern: { source: [EC2_SOURCE], detailType: [EC2_DETAIL_TYPE] },
      targets: [
        new targets.LambdaFunction(this.function, {
          deadLetterQueue: this.deliveryDeadLetterQueue.queue,
          retryAttempts: 185,
          maxEventAge: Duration.hours(24),
        }),
      ],
    });
  }
}
