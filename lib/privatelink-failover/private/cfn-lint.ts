import { CfnResource } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

const REASON =
  'CDK makes every Lambda function DependsOn its role (so the role policies exist before the first invocation); the GetAtt already implies the role itself, which is all W3005 notes.';

/** Suppresses cfn-lint W3005 on one resource, with the reason, in the template itself. */
export function ignoreRedundantRoleDependency(resource: CfnResource): void {
  resource.addMetadata('cfn-lint', { config: { ignore_checks: ['W3005'], reason: REASON } });
}

/** Applies {@link ignoreRedundantRoleDependency} to every Lambda function under `scope` (CDK's own providers too). */
export function ignoreRedundantRoleDependencies(scope: IConstruct): void {
  for (const child of scope.node.findAll()) {
    if (child instanceof CfnResource && child.cfnResourceType === 'AWS::Lambda::Function') {
      ignoreRedundantRoleDependency(child);
    }
  }
}

/** Skips one checkov check on one resource, with the reason, in the template itself (narrower than a global skip). */
export function skipCheckov(resource: CfnResource, id: string, comment: string): void {
  const existing =
    (resource.getMetadata('checkov') as { skip?: { id: string; comment: string }[] } | undefined)?.skip ?? [];
  resource.addMetadata('checkov', { skip: [...existing, { id, comment }] });
}
