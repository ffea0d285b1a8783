import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { Construct } from 'constructs';
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
