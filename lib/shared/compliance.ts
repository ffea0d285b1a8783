import { App, type IPolicyValidationContext, type PolicyValidationPluginReport, Validations } from 'aws-cdk-lib';
import { VALIDATION_REPORT_FILE } from 'aws-cdk-lib/cx-api';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { Construct, IConstruct } from 'constructs';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { applyControlTowerControls, ControlTowerValidator } from './control-tower-controls';
import { CachedTemplateValidation } from './template-validation';
import { withUnloadedCfnClassesSkipped } from './unloaded-cfn-classes';

/** The template validation of each App with compliance checks. */
const templateValidations = new WeakMap<App, CachedTemplateValidation>();

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
  if (!App.isApp(scope)) {
    Validations.of(scope).addPlugins(new AwsSolutionsChecks(scope));
    return;
  }
  const validation = new CachedTemplateValidation();
  templateValidations.set(scope, validation);
  Validations.of(scope).addPlugins(new AwsSolutionsChecksBeside(scope, validation), validation);
  applyControlTowerControls(scope);
}

/**
 * cdk-nag's AwsSolutions rules, validated first, which start the template validation (and what
 * starts alongside it) before checking the construct tree: cdk-nag runs on the main thread, the
 * template checks in other threads and processes, so they run at the same time. The rules run
 * without loading the L1 classes of services the app does not use (./unloaded-cfn-classes.ts).
 */
class AwsSolutionsChecksBeside extends AwsSolutionsChecks {
  constructor(
    scope: Construct,
    private readonly templateValidation: CachedTemplateValidation,
  ) {
    super(scope);
  }

  override validate(context: IPolicyValidationContext): PolicyValidationPluginReport {
    this.templateValidation.start(context);
    return withUnloadedCfnClassesSkipped(() => super.validate(context));
  }
}

/**
 * Runs AWS Control Tower's proactive controls (cfn-guard rules) over every template of the app at
 * synth; an unacknowledged finding fails synth. Turned on by the CDK app, not by every test that
 * builds stacks: the cfn-guard runs take about as long as the rest of a synth. With compliance checks
 * on the App, they start with CloudFormation's template validation and run beside it.
 */
export function enableControlTowerControls(app: App): void {
  const controls = new ControlTowerValidator();
  Validations.of(app).addPlugins(controls);
  templateValidations.get(app)?.startAlongside(controls);
}

/**
 * Synthesizes the app run by the CDK CLI, and exits with status 1 when a validation plugin failed
 * (threw instead of reporting), naming each. CDK records such a plugin as a failed report without
 * violations, which the CLI counts as a success: `cdk synth` would exit 0 with that plugin's checks
 * (cdk-nag, Control Tower controls, template validation) not run (docs/aws-contracts.md, SH-29).
 */
export function synthesize(app: App): void {
  templateValidations.get(app)?.announce(app);
  const assembly = app.synth();
  const failed = failedValidationPlugins(assembly.directory);
  if (failed.length > 0) {
    process.stderr.write(`${failed.join('\n')}\n`);
    process.exit(1);
  }
}

/** The errors of the validation plugins that failed, from the cloud assembly's validation report. */
function failedValidationPlugins(assemblyDirectory: string): string[] {
  const file = join(assemblyDirectory, VALIDATION_REPORT_FILE);
  if (!existsSync(file)) return [];
  const report = JSON.parse(readFileSync(file, 'utf8')) as { pluginReports?: { metadata?: { error?: unknown } }[] };
  return (report.pluginReports ?? []).flatMap((r) => (r.metadata?.error ? [String(r.metadata.error)] : []));
}

/** cdk-nag 3 matches acknowledgements by exact finding ID; this states several with one reason. */
export function acknowledge(scope: IConstruct, ids: readonly string[], reason: string): void {
  for (const id of ids) Validations.of(scope).acknowledge({ id, reason });
}
