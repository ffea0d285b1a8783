import { Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { Construct } from 'constructs';

/**
 * Runs the cdk-nag AwsSolutions rules over everything under `scope` at synth. An unacknowledged
 * error fails synth; acknowledge a finding with `Validations.of(construct).acknowledge(...)` next
 * to the construct it concerns, with the reason.
 */
export function enableComplianceChecks(scope: Construct): void {
  Validations.of(scope).addPlugins(new AwsSolutionsChecks(scope));
}
