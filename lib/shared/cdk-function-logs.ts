import { CfnResource, type IAspect, type RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { IConstruct } from 'constructs';

/**
 * Gives every Lambda function that has no log group of its own (the functions aws-cdk-lib creates
 * for itself: the VPC default security group restriction, AwsCustomResource, BucketDeployment and
 * the like) a log group with the stack's retention, through `LoggingConfig.LogGroup`. Without it
 * Lambda writes to `/aws/lambda/<name>`, created on first run with no expiry.
 *
 * Their roles already allow writing to any log group (the AWSLambdaBasicExecutionRole managed
 * policy those constructs attach), so no permission changes.
 */
export class RetainCdkFunctionLogs implements IAspect {
  constructor(
    private readonly retention: logs.RetentionDays,
    private readonly removalPolicy: RemovalPolicy,
  ) {}

  public visit(node: IConstruct): void {
    if (!(node instanceof CfnResource) || node.cfnResourceType !== 'AWS::Lambda::Function') return;
    if (hasLogGroup(node)) return;
    const scope = node.node.scope;
    if (!scope || scope.node.tryFindChild('RetainedLogGroup')) return;
    const logGroup = new logs.LogGroup(scope, 'RetainedLogGroup', {
      retention: this.retention,
      removalPolicy: this.removalPolicy,
    });
    node.addPropertyOverride('LoggingConfig.LogGroup', logGroup.logGroupName);
  }
}

function hasLogGroup(fn: CfnResource): boolean {
  if (fn instanceof lambda.CfnFunction) {
    const config = Stack.of(fn).resolve(fn.loggingConfig) as { logGroup?: unknown } | undefined;
    return config?.logGroup !== undefined;
  }
  // A plain CfnResource of this type is a CustomResourceProvider handler, whose properties
  // aws-cdk-lib never gives a LoggingConfig (custom-resource-provider-base.ts).
  return false;
}
