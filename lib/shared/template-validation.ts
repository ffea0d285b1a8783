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
import { CDK_LIB, type EngineProcess, takeEarlyEngine, VALIDATION_CACHE_DIR } from './validation-engine';

const CDK_VERSION: string = JSON.parse(readFileSync(join(CDK_LIB, 'package.json'), 'utf8')).version;
// The validator's version from its package, without loading it: loading compiles its 9 MB
// WebAssembly engine, which a synth whose templates are all unchanged has no use for.
const VALIDATOR_VERSION: string = JSON.parse(
  readFileSync(require.resolve('@aws/cloudformation-validate/package.json', { paths: [CDK_LIB] }), 'utf8'),
).version;

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
  private started?: StartedValidation;

  /**
   * Has `plugin`, validated after this one, start its checks when this validation starts, so that
   * its work (on other threads) overlaps this one's.
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

  /**
   * Starts validating the templates that have no stored result (in the engine's process when
   * it was started early), and the plugins started alongside; returns at once. A plugin validated
   * before this one calls it with its own context, so that the work runs beside that plugin's.
   */
  public start(context: IPolicyValidationContext): void {
    const key = JSON.stringify(context.templatePaths);
    if (this.started?.key === key) return;
    for (const plugin of this.alongside) plugin.start(context.templatePaths);
    const cached: PolicyViolation[] = [];
    const misses: StartedValidation['misses'] = [];
    for (const stack of context.stackTemplates) {
      const file = this.cacheFile(stack.templatePath, stack.accountId, stack.region);
      const found = readCached<PolicyViolation>(file);
      if (found) cached.push(...withTemplatePath(found, stack.templatePath));
      else misses.push({ stack, file });
    }
    const stackTemplates = misses.map((m) => m.stack);
    const unvalidated = { ...context, stackTemplates, templatePaths: stackTemplates.map((s) => s.templatePath) };
    const engine = misses.length > 0 ? takeEarlyEngine() : undefined;
    engine?.start(unvalidated);
    this.started = { key, cached, misses, unvalidated, engine };
  }

  override validate(context: IPolicyValidationContext): PolicyValidationPluginReport {
    this.start(context);
    const { cached, misses, unvalidated, engine } = this.started!;
    this.started = undefined;
    const violations = [...cached];
    if (misses.length > 0) {
      const report = engine?.report() ?? super.validate(unvalidated);
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

/** A validation under way: the stored results found, and the templates being validated. */
interface StartedValidation {
  /** The template paths it was started for (as JSON). */
  readonly key: string;
  readonly cached: PolicyViolation[];
  readonly misses: { stack: IPolicyValidationContext['stackTemplates'][number]; file: string }[];
  /** The context of the templates without a stored result. */
  readonly unvalidated: IPolicyValidationContext;
  /** The early engine validating them, if one was started. */
  readonly engine?: EngineProcess;
}
