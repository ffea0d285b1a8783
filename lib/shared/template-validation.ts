import {
  CloudFormationValidatePlugin,
  type IPolicyValidationContext,
  type PolicyValidationPluginReport,
  type PolicyViolation,
} from 'aws-cdk-lib';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { readCached, violationsOf, withTemplatePath, writeCached } from './validation-cache';

const CDK_LIB = dirname(require.resolve('aws-cdk-lib/package.json'));
const CDK_VERSION: string = JSON.parse(readFileSync(join(CDK_LIB, 'package.json'), 'utf8')).version;
// The validator's version from its package, without loading it: loading compiles its 9 MB
// WebAssembly engine, which a synth whose templates are all unchanged has no use for.
const VALIDATOR_VERSION: string = JSON.parse(
  readFileSync(require.resolve('@aws/cloudformation-validate/package.json', { paths: [CDK_LIB] }), 'utf8'),
).version;

/** Where, inside the cloud assembly directory, results are kept. */
const VALIDATION_CACHE_DIR = '.template-validation';

/**
 * CDK's CloudFormation template validation (what `@aws-cdk/core:validateAgainstDefaultRules` runs),
 * remembering each template's result in the cloud assembly directory. The engine's start-up and
 * per-template checks are most of a synth, and most templates do not change between two synths:
 * a template whose text, account, Region and validator are unchanged gets its earlier findings back,
 * errors included, so a broken template fails every synth, not just the first.
 *
 * Being a `CloudFormationValidatePlugin`, it replaces the instance the feature flag adds, with the
 * same default rules. Register it on the App.
 */
export class CachedTemplateValidation extends CloudFormationValidatePlugin {
  private readonly alongside: { start(templatePaths: readonly string[]): void }[] = [];

  /**
   * Has `plugin`, validated after this one, start its checks when this validation starts, so that
   * its work (in other processes) overlaps this one's.
   */
  public startAlongside(plugin: { start(templatePaths: readonly string[]): void }): void {
    this.alongside.push(plugin);
  }

  override get version(): string {
    return VALIDATOR_VERSION;
  }

  override get ruleIds(): string[] {
    return [VALIDATOR_VERSION];
  }

  override validate(context: IPolicyValidationContext): PolicyValidationPluginReport {
    for (const plugin of this.alongside) plugin.start(context.templatePaths);
    const violations: PolicyViolation[] = [];
    const misses: { stack: IPolicyValidationContext['stackTemplates'][number]; file: string }[] = [];
    for (const stack of context.stackTemplates) {
      const file = this.cacheFile(stack.templatePath, stack.accountId, stack.region);
      const cached = readCached<PolicyViolation>(file);
      if (cached) violations.push(...withTemplatePath(cached, stack.templatePath));
      else misses.push({ stack, file });
    }
    if (misses.length > 0) {
      const stackTemplates = misses.map((m) => m.stack);
      const report = super.validate({
        ...context,
        stackTemplates,
        templatePaths: stackTemplates.map((s) => s.templatePath),
      });
      violations.push(...report.violations);
      for (const { stack, file } of misses) writeCached(file, violationsOf(report.violations, stack.templatePath));
    }
    return {
      success: violations.every((v) => v.severity !== 'error' && v.severity !== 'fatal'),
      violations,
      pluginVersion: this.version,
    };
  }

  private cacheFile(templatePath: string, account: string | undefined, region: string | undefined): string {
    const key = createHash('sha256')
      .update(JSON.stringify([CDK_VERSION, this.version, account ?? '', region ?? '']))
      .update(readFileSync(templatePath))
      .digest('hex');
    return join(dirname(templatePath), VALIDATION_CACHE_DIR, `${key}.json`);
  }
}
