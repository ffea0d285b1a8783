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
 * AWS Control Tower's proactive controls (cfn-guard rules) run over every template; a control that
 * does not apply is acknowledged in ./control-tower-controls.ts, or next to the construct as
 * `cdk-validator-cfnguard::<rule name>`.
 */
export function enableComplianceChecks(scope: Construct): void {
  Validations.of(scope).addPlugins(new AwsSolutionsChecks(scope));
  if (App.isApp(scope)) {
    Validations.of(scope).addPlugins(new CachedTemplateValidation(), new ControlTowerValidator());
    applyControlTowerControls(scope);
  }
}
