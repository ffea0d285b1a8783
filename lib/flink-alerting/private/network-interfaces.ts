import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { IConstruct } from 'constructs';
import { acknowledge } from './nag';

// ENIs that a service creates for us (Lambda for a VPC function or an MSK event source mapping):
// their IDs do not exist before the call, but the subnets and security groups they go in do.
// CreateNetworkInterface is authorized on the subnet, the security groups and the new interface
// (Service Authorization Reference, ec2), so it is scoped like the Flink applications' policy.

export interface NetworkInterfacePlacement {
  /** The VPC the interfaces are created in. */
  readonly vpcId: string;
  /**
   * Subnets the network interfaces may be created in.
   * @default - any subnet of the account
   */
  readonly subnetIds?: readonly string[];
  /**
   * Security groups the network interfaces may use.
   * @default - any security group of the account
   */
  readonly securityGroupIds?: readonly string[];
  /**
   * Further EC2 actions granted on the network interfaces.
   * @default - none
   */
  readonly extraActions?: readonly string[];
}

export function networkInterfaceStatements(scope: IConstruct, p: NetworkInterfacePlacement): iam.PolicyStatement[] {
  const stack = Stack.of(scope);
  const arn = (resource: string, name: string) => stack.formatArn({ service: 'ec2', resource, resourceName: name });
  const interfaces = arn('network-interface', '*');
  const named = [
    ...(p.subnetIds ?? []).map((s) => arn('subnet', s)),
    ...(p.securityGroupIds ?? []).map((g) => arn('security-group', g)),
  ];
  // What is not known at synth is kept to the VPC (ec2:Vpc, a condition key of both types).
  const inVpc = [
    ...(p.subnetIds ? [] : [arn('subnet', '*')]),
    ...(p.securityGroupIds ? [] : [arn('security-group', '*')]),
  ];
  return [
    new iam.PolicyStatement({ actions: ['ec2:CreateNetworkInterface'], resources: [...named, interfaces] }),
    ...(inVpc.length > 0
      ? [
          new iam.PolicyStatement({
            actions: ['ec2:CreateNetworkInterface'],
            resources: inVpc,
            conditions: { ArnEquals: { 'ec2:Vpc': arn('vpc', p.vpcId) } },
          }),
        ]
      : []),
    new iam.PolicyStatement({
      actions: ['ec2:DeleteNetworkInterface', ...(p.extraActions ?? [])],
      resources: [interfaces],
    }),
  ];
}

/** Acknowledges the cdk-nag IAM5 findings of the wildcards above on `scope`. */
export function acknowledgeNetworkInterfaceWildcards(
  scope: IConstruct,
  p: NetworkInterfacePlacement,
  reason: string,
): void {
  const stack = Stack.of(scope);
  const prefix = `arn:${stack.partition}:ec2:${stack.region}:${stack.account}`;
  acknowledge(
    scope,
    [
      `AwsSolutions-IAM5[Resource::${prefix}:network-interface/*]`,
      ...(p.subnetIds ? [] : [`AwsSolutions-IAM5[Resource::${prefix}:subnet/*]`]),
      ...(p.securityGroupIds ? [] : [`AwsSolutions-IAM5[Resource::${prefix}:security-group/*]`]),
    ],
    reason,
  );
}
