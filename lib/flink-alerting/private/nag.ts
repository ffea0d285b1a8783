import { type CfnElement, CfnResource, Stack, Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

// cdk-nag 3 matches acknowledgements by exact finding ID (`AwsSolutions-IAM5[Resource::...]`) on
// the resource or an ancestor; these helpers build those IDs so each is stated once, with its reason.

/** Acknowledges each of `ids` on `scope` with the same reason. */
export function acknowledge(scope: IConstruct, ids: readonly string[], reason: string): void {
  for (const id of ids) Validations.of(scope).acknowledge({ id, reason });
}

/** How cdk-nag shows `Fn::GetAtt [<resource>, Arn]` in a finding: `<LogicalId.Arn>`. */
export function arnToken(resource: CfnElement): string {
  return `<${Stack.of(resource).getLogicalId(resource)}.Arn>`;
}

/** The IAM5 finding IDs for "invoke any version of these functions" (`<fn.Arn>:*`). */
export function invokeVersionFindings(scope: IConstruct): string[] {
  return scope.node
    .findAll()
    .filter((c): c is CfnResource => CfnResource.isCfnResource(c) && c.cfnResourceType === 'AWS::Lambda::Function')
    .map((fn) => `AwsSolutions-IAM5[Resource::${arnToken(fn)}:*]`);
}

export const LAMBDA_BASIC_EXECUTION =
  'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]';
