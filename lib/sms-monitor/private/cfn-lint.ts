import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type { StandardFunction } from '../../shared';

/**
 * cfn-lint W3005 notes that a function DependsOn its role although the GetAtt of the role already
 * implies it. CDK adds that dependency on purpose (with the role's policies, so they exist before
 * the first invocation); the note is suppressed on the function itself, with this reason.
 */
export function acceptRoleDependency(fn: StandardFunction): void {
  (fn.function.node.defaultChild as lambda.CfnFunction).addMetadata('cfn-lint', {
    config: {
      ignore_checks: ['W3005'],
      reason:
        'CDK makes the function depend on its role and policies so they exist before the first invocation; the GetAtt already implies the role, which is all W3005 notes.',
    },
  });
}
