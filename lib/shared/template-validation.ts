import {
  type App,
  CloudFormationValidatePlugin,
  type IPolicyValidationContext,
  type PolicyValidationPluginReport,
  type PolicyViolation,
  Stack,
  Stage,
  Token,
} from 'aws-cdk-lib';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { readCached, violationsOf, withTemplatePath, writeCached } from './validation-cache';
import {
  CDK_LIB,
  type EngineProcess,
  type EngineReport,
  takeEarlyEngine,
  VALIDATION_CACHE_DIR,
} from './validation-engine';

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
  /** The engine started early, once taken, until validation. */
  private earlyEngine?: EngineProcess;

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
   * Hands the engine started early every stack template of `app` before CDK writes them (call
   * just before `app.synth()`): the engine validates each as soon as it is written, while CDK
   * writes the others. At validation, a template validated from other text, or named with another
   * account, Region or stack than CDK gives, is validated again.
   */
  public announce(app: App): void {
    const stackTemplates = app.node
      .findAll()
      .filter((c): c is Stack => Stack.isStack(c) && !c.nested)
      .map((stack) => ({
        stackConstructPath: stack.node.path,
        templatePath: join(resolve(Stage.of(stack)!.outdir), stack.templateFile),
        accountId: Token.isUnresolved(stack.account) ? undefined : stack.account,
        region: Token.isUnresolved(stack.region) ? undefined : stack.region,
      }));
    if (stackTemplates.length === 0) return;
    this.earlyEngine ??= takeEarlyEngine();
    this.earlyEngine?.start({ stackTemplates, templatePaths: stackTemplates.map((s) => s.templatePath) });
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
      const text = readFileSync(stack.templatePath);
      const file = this.cacheFile(stack.templatePath, text, stack.accountId, stack.region);
      const found = readCached<PolicyViolation>(file);
      if (found) cached.push(...withTemplatePath(found, stack.templatePath));
      else misses.push({ stack, file, sha256: createHash('sha256').update(text).digest('hex') });
    }
    const stackTemplates = misses.map((m) => m.stack);
    const unvalidated = { ...context, stackTemplates, templatePaths: stackTemplates.map((s) => s.templatePath) };
    const engine = misses.length > 0 ? (this.earlyEngine ?? takeEarlyEngine()) : undefined;
    this.earlyEngine = undefined;
    // An engine not handed the templates before synth (announce) gets those left to validate now.
    engine?.start(unvalidated);
    this.started = { key, cached, misses, unvalidated, engine };
  }

  override validate(context: IPolicyValidationContext): PolicyValidationPluginReport {
    this.start(context);
    const { cached, misses, unvalidated, engine } = this.started!;
    this.started = undefined;
    const violations = [...cached];
    if (misses.length > 0) {
      // The engine replies once it has validated every template it was handed: wait for it only if
      // CDK wrote them all.
      const handed = engine?.handed ?? [];
      const report = handed.every((s) => existsSync(s.templatePath)) ? engine?.report() : undefined;
      const again = misses.filter((m) => !validatedAsGiven(report, handed, m));
      const inProcess =
        again.length > 0
          ? super.validate({
              ...unvalidated,
              stackTemplates: again.map((m) => m.stack),
              templatePaths: again.map((m) => m.stack.templatePath),
            })
          : undefined;
      for (const miss of misses) {
        const from = again.includes(miss) ? inProcess! : report!;
        const own = violationsOf(from.violations, miss.stack.templatePath);
        violations.push(...withTemplatePath(own, miss.stack.templatePath));
        writeCached(miss.file, own);
      }
    }
    return {
      success: violations.every((v) => v.severity !== 'error' && v.severity !== 'fatal'),
      violations,
      pluginVersion: this.version,
    };
  }

  private cacheFile(
    templatePath: string,
    text: Buffer,
    account: string | undefined,
    region: string | undefined,
  ): string {
    const key = createHash('sha256')
      .update(JSON.stringify([CDK_VERSION, this.version, account ?? '', region ?? '']))
      .update(text)
      .digest('hex');
    return join(dirname(templatePath), VALIDATION_CACHE_DIR, `${key}.json`);
  }
}

type StackTemplate = IPolicyValidationContext['stackTemplates'][number];

/** What the engine needs to know of a stack's template, as a comparable string. */
function entryKey(s: StackTemplate): string {
  return JSON.stringify([s.stackConstructPath, s.templatePath, s.accountId ?? null, s.region ?? null]);
}

/**
 * Whether the engine validated this template's text, handed to it with the account, Region and
 * stack CDK gives.
 */
function validatedAsGiven(
  report: EngineReport | undefined,
  handed: readonly StackTemplate[],
  miss: StartedValidation['misses'][number],
): boolean {
  const { templatePath } = miss.stack;
  return (
    report !== undefined &&
    handed.some((s) => entryKey(s) === entryKey(miss.stack)) &&
    report.validated.some((v) => v.templatePath === templatePath && v.sha256 === miss.sha256)
  );
}

/** A validation under way: the stored results found, and the templates being validated. */
interface StartedValidation {
  /** The template paths it was started for (as JSON). */
  readonly key: string;
  readonly cached: PolicyViolation[];
  readonly misses: { stack: StackTemplate; file: string; sha256: string }[];
  /** The context of the templates without a stored result. */
  readonly unvalidated: IPolicyValidationContext;
  /** The early engine validating them, if one was started. */
  readonly engine?: EngineProcess;
}
