import {
  CloudFormationValidatePlugin,
  type IPolicyValidationContext,
  type PolicyValidationPluginReport,
  type PolicyViolation,
} from 'aws-cdk-lib';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { BlockingWorker } from './blocking-worker';
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
   * Starts validating the templates that have no stored result (on the engine's worker thread when
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
  readonly engine?: EngineWorker;
}

/**
 * Starts CloudFormation's validation engine on a worker thread now, while the app builds its
 * stacks, for the first synth into an assembly directory: the engine takes seconds to start, and
 * then validates a dozen templates in about one. A later synth reuses most results (see
 * {@link CachedTemplateValidation}) and starts the engine only if it needs it.
 */
export function startTemplateValidationEngine(outdir: string): void {
  if (!earlyEngine && !existsSync(join(outdir, VALIDATION_CACHE_DIR))) earlyEngine = new EngineWorker();
}

let earlyEngine: EngineWorker | undefined;

function takeEarlyEngine(): EngineWorker | undefined {
  const engine = earlyEngine;
  earlyEngine = undefined;
  return engine;
}

/**
 * CDK's own CloudFormationValidatePlugin on a worker thread, its engine started at once for every
 * resource type (CDK reuses an engine made for more types than a template has). `validate` hands it
 * the templates and blocks until its report arrives: CDK asks plugins for reports synchronously.
 */
class EngineWorker {
  private readonly worker = new BlockingWorker(ENGINE_WORKER, { plugin: join(CDK_LIB, PLUGIN_MODULE) });

  /** Hands the worker the templates to validate; returns at once. */
  start(context: IPolicyValidationContext): void {
    const { stackTemplates, templatePaths } = context;
    this.worker.post({ stackTemplates, templatePaths });
  }

  /** The plugin's report, or undefined when the worker could not give one (validate in process then). */
  report(): PolicyValidationPluginReport | undefined {
    const reply = this.worker.replies(ENGINE_TIMEOUT_MS)?.[0] as { report?: PolicyValidationPluginReport } | undefined;
    return reply?.report;
  }
}

/** The plugin's module inside aws-cdk-lib, loaded alone: the worker needs none of the rest. */
const PLUGIN_MODULE = 'core/lib/validation/cloudformation-validate-plugin.js';
const ENGINE_TIMEOUT_MS = 600_000;

const ENGINE_WORKER = `
const reply = (message) => {
  port.postMessage(message);
  signal();
};
let plugin;
try {
  const { CloudFormationValidatePlugin } = require(input.plugin);
  plugin = new CloudFormationValidatePlugin();
  plugin.initializeEngine({ has: () => true });
} catch (e) {
  reply({ error: errorMessage(e) });
}
port.once('message', (context) => {
  try {
    reply({ report: plugin.validate(context) });
  } catch (e) {
    reply({ error: errorMessage(e) });
  }
});
`;
