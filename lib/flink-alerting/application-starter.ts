import { CfnResource, Duration } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct, type IConstruct } from 'constructs';
import { join } from 'node:path';
import { houseDefaults, skipCheckov, StandardFunction } from '../shared';
import { acknowledge, invokeVersionFindings, LAMBDA_BASIC_EXECUTION } from './private/nag';

export interface FlinkApplicationStarterProps {
  /**
   * How long a deploy waits for an application to reach RUNNING before it fails.
   * @default Duration.minutes(30)
   */
  readonly totalTimeout?: Duration;
}

const ENTRY = join(__dirname, '..', '..', 'lambda', 'flink-alerting', 'handlers', 'start-application.ts');

/**
 * The custom resource provider that starts Managed Flink applications after a deploy and waits
 * until they run (CloudFormation leaves a new application READY). One per stack, shared by the
 * applications; each application grants its handlers DescribeApplication and StartApplication on
 * its own ARN only.
 */
export class FlinkApplicationStarter extends Construct {
  public readonly serviceToken: string;
  /**
   * The provider's onEvent and isComplete functions: each needs
   * `ManagedFlinkApplication.grantStart` on every application it starts.
   */
  public readonly handlers: readonly StandardFunction[];

  constructor(scope: Construct, id: string, props: FlinkApplicationStarterProps = {}) {
    super(scope, id);
    const common = {
      entry: ENTRY,
      serviceName: 'flink-application-starter',
      timeout: Duration.minutes(1),
    };
    const onEvent = new StandardFunction(this, 'OnEvent', {
      ...common,
      handler: 'onEvent',
      description: 'Starts a Managed Flink application after deploy (custom resource onEvent)',
    });
    const isComplete = new StandardFunction(this, 'IsComplete', {
      ...common,
      handler: 'isComplete',
      description: 'Waits until a Managed Flink application is RUNNING (custom resource isComplete)',
    });
    this.handlers = [onEvent, isComplete];
    const house = houseDefaults(this);
    const frameworkLogs = new logs.LogGroup(this, 'FrameworkLogs', {
      retention: house.logRetention,
      removalPolicy: house.removalPolicy,
    });
    const provider = new cr.Provider(this, 'Provider', {
      onEventHandler: onEvent,
      isCompleteHandler: isComplete,
      queryInterval: Duration.seconds(30),
      totalTimeout: props.totalTimeout ?? Duration.minutes(30),
      logGroup: frameworkLogs,
      disableWaiterStateMachineLogging: false,
      waiterStateMachineLogOptions: {
        destination: frameworkLogs,
        level: sfn.LogLevel.ALL,
        includeExecutionData: false,
      },
    });
    this.serviceToken = provider.serviceToken;
    for (const child of provider.node.findAll()) {
      if (
        child instanceof CfnResource &&
        child.cfnResourceType === 'AWS::IAM::Policy' &&
        child.node.path.includes('waiter-state-machine')
      ) {
        skipCheckov(
          child,
          'CKV_AWS_111',
          "CDK's waiter policy grants log delivery (no resource-level permissions) and CreateLogStream/PutLogEvents on * in one statement.",
        );
      }
    }
    acknowledgeProviderFindings(provider, [onEvent, isComplete]);
  }
}

/**
 * The provider framework's functions, roles and waiter state machine are CDK's; their findings
 * are acknowledged here, next to the provider.
 */
export function acknowledgeProviderFindings(provider: cr.Provider, handlers: readonly IConstruct[]): void {
  acknowledge(
    provider,
    [LAMBDA_BASIC_EXECUTION],
    "CDK's custom resource framework functions come with AWSLambdaBasicExecutionRole (create and write any log group); they write their own logs with it.",
  );
  acknowledge(
    provider,
    [provider, ...handlers].flatMap(invokeVersionFindings),
    'The framework invokes the handler functions it owns, any version (function ARN with :*).',
  );
  acknowledge(
    provider,
    ['AwsSolutions-SF2'],
    'The waiter state machine only polls isComplete during deploys; its executions are logged at level ALL (without execution data), X-Ray adds nothing.',
  );
  acknowledge(
    provider,
    ['AwsSolutions-IAM5[Resource::*]'],
    "CDK's waiter policy grants Step Functions log delivery (logs:CreateLogDelivery and friends, no resource-level permissions) on *, with logs:CreateLogStream and PutLogEvents in the same statement.",
  );
}
