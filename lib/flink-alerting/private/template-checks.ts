import { CfnResource } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

// Findings of the template gates (cfn-lint, checkov) that are accepted for one resource are
// recorded in that resource's template metadata with the reason, narrower than a global skip.

/** Ignores cfn-lint checks on one resource, with the reason. */
export function ignoreCfnLint(resource: CfnResource, checks: readonly string[], reason: string): void {
  const existing =
    (resource.getMetadata('cfn-lint') as { config?: { ignore_checks?: string[] } } | undefined)?.config
      ?.ignore_checks ?? [];
  resource.addMetadata('cfn-lint', {
    config: { ignore_checks: [...new Set([...existing, ...checks])] },
    reason,
  });
}

/**
 * CDK makes Lambda functions and state machines DependsOn their role so its policies exist before
 * the first run; the GetAtt of the role already implies that dependency, which is all W3005 says.
 */
export function ignoreRedundantRoleDependencies(scope: IConstruct): void {
  for (const child of scope.node.findAll()) {
    if (
      child instanceof CfnResource &&
      ['AWS::Lambda::Function', 'AWS::StepFunctions::StateMachine'].includes(child.cfnResourceType)
    ) {
      ignoreCfnLint(
        child,
        ['W3005'],
        'DependsOn the role keeps its policies ahead of the first run; the GetAtt alone would not wait for them.',
      );
    }
  }
}

/** Skips one checkov check on one resource, with the reason. */
export function skipCheckov(resource: CfnResource, id: string, comment: string): void {
  const existing =
    (resource.getMetadata('checkov') as { skip?: { id: string; comment: string }[] } | undefined)?.skip ?? [];
  resource.addMetadata('checkov', { skip: [...existing, { id, comment }] });
}
