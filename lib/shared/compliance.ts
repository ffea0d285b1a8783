import { App, type CfnResource, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { Construct, IConstruct } from 'constructs';
import { applyControlTowerControls, ControlTowerValidator } from './control-tower-controls';
import { CachedTemplateValidation } from './template-validation';

/**
 * Runs the cdk-nag AwsSolutions rules over everything under `scope` at synth. An unacknowledged
 * error fails synth; acknowledge a finding with `Validations.of(construct).acknowledge(...)` next
 * to the construct it concerns, with the reason. On an App, CDK's CloudFormation template
 * validation also reuses the results of unchanged templates ({@link CachedTemplateValidation}), and
 * the fixes and reviewed acknowledgements for AWS Control Tower's proactive controls apply
 * (./control-tower-controls.ts); the controls themselves run where {@link enableControlTowerControls}
 * turns them on.
 */
export function enableComplianceChecks(scope: Construct): void {
  Validations.of(scope).addPlugins(new AwsSolutionsChecks(scope));
  if (App.isApp(scope)) {
    Validations.of(scope).addPlugins(new CachedTemplateValidation());
    applyControlTowerControls(scope);
  }
}

/**
 * Runs AWS Control Tower's proactive controls (cfn-guard rules) over every template of the app at
 * synth; an unacknowledged finding fails synth. Turned on by the CDK app, not by every test that
 * builds stacks: the cfn-guard run takes about as long as the rest of a synth.
 */
export function enableControlTowerControls(app: App): void {
  Validations.of(app).addPlugins(new ControlTowerValidator());
}

/** cdk-nag 3 matches acknowledgements by exact finding ID; this states several with one reason. */
export function acknowledge(scope: IConstruct, ids: readonly string[], reason: string): void {
  for (const id of ids) Validations.of(scope).acknowledge({ id, reason });
}

/** Skips a checkov check on one resource, with the reason next to it. */
export function checkovSkip(resource: CfnResource, id: string, comment: string): void {
  const existing = (resource.getMetadata('checkov') as { skip?: unknown[] } | undefined)?.skip ?? [];
  resource.addMetadata('checkov', { skip: [...existing, { id, comment }] });
}
