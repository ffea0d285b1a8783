import { Duration, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';

export interface ReconciliationReaderRoleProps {
  /** The role name the license-server account assumes (a cross-account contract). */
  readonly roleName: string;
  /** The license-server account. */
  readonly trustedAccount: string;
  /** The one role in that account allowed to assume this one (the reconciliation function's). */
  readonly trustedRoleArn: string;
}

/** Read-only access to this account's EC2 instance list, for the license server's reconciliation. */
export class ReconciliationReaderRole extends Construct {
  public readonly role: iam.Role;

  constructor(scope: Construct, id: string, props: ReconciliationReaderRoleProps) {
    super(scope, id);
    // Trusting the account with a PrincipalArn condition (rather than the role ARN as principal)
    // lets this stack deploy before or after the license-server stack.
    this.role = new iam.Role(this, 'Role', {
      roleName: props.roleName,
      description: 'Lets the floating-license reconciliation list EC2 instances (read-only)',
      assumedBy: new iam.AccountPrincipal(props.trustedAccount).withConditions({
        ArnEquals: { 'aws:PrincipalArn': props.trustedRoleArn },
      }),
      maxSessionDuration: Duration.hours(1),
    });
    const policy = new iam.Policy(this, 'DescribeInstances', {
      statements: [new iam.PolicyStatement({ actions: ['ec2:DescribeInstances'], resources: ['*'] })],
    });
    policy.attachToRole(this.role);
    Validations.of(policy).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'ec2:DescribeInstances supports no resource-level permissions; the role can do nothing else.',
    });
  }
}
