import { type IAspect, CfnResource } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/** Suppresses cfn-lint checks on one resource, with the reason, in the template itself. */
export function ignoreCfnLint(resource: CfnResource, checks: readonly string[], reason: string): void {
  const existing = (resource.getMetadata('cfn-lint') as { config?: { ignore_checks?: string[] } } | undefined)?.config
    ?.ignore_checks;
  resource.addMetadata('cfn-lint', {
    config: { ignore_checks: [...new Set([...(existing ?? []), ...checks])], reason },
  });
}

/** Skips one checkov check on one resource, with the reason, in the template itself (narrower than a global skip). */
export function skipCheckov(resource: CfnResource, id: string, comment: string): void {
  const existing =
    (resource.getMetadata('checkov') as { skip?: { id: string; comment: string }[] } | undefined)?.skip ?? [];
  resource.addMetadata('checkov', { skip: [...existing, { id, comment }] });
}

/**
 * CDK makes every Lambda function and state machine DependsOn its role (with the role's policies,
 * so they exist before the first run); cfn-lint W3005 only notes that the GetAtt of the role
 * already implies part of that. PlatformStack applies this everywhere, CDK's own providers included.
 */
const ROLE_DEPENDENT_TYPES = ['AWS::Lambda::Function', 'AWS::StepFunctions::StateMachine'];

export class AcceptRoleDependency implements IAspect {
  public visit(node: IConstruct): void {
    if (node instanceof CfnResource && ROLE_DEPENDENT_TYPES.includes(node.cfnResourceType)) {
      ignoreCfnLint(
        node,
        ['W3005'],
        'CDK makes the resource depend on its role and policies so they exist before the first run; the GetAtt already implies the role, which is all W3005 notes.',
      );
    }
  }
}
