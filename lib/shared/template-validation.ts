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

/** How the engine started early runs. */
export interface TemplateValidationEngineOptions {
  /**
   * Node.js and V8 flags of the engine's process.
   * @default ENGINE_NODE_FLAGS (`--single-threaded --liftoff-only`)
   */
  readonly nodeFlags?: readonly string[];
}

/**
 * Starts CloudFormation's validation engine in its own process now, while the app builds its
 * stacks, for the first synth into an assembly directory: the engine takes a second or more to
 * start. A later synth reuses most results (see {@link CachedTemplateValidation}) and starts the
 * engine only if it needs it. Should the process fail, synth validates in process as CDK does.
 */
export function startTemplateValidationEngine(outdir: string, options: TemplateValidationEngineOptions = {}): void {
  if (!earlyEngine && !existsSync(join(outdir, VALIDATION_CACHE_DIR))) {
    earlyEngine = new EngineProcess(options.nodeFlags ?? ENGINE_NODE_FLAGS);
  }
}

let earlyEngine: EngineProcess | undefined;

function takeEarlyEngine(): EngineProcess | undefined {
  const engine = earlyEngine;
  earlyEngine = undefined;
  return engine;
}

/**
 * The flags the engine's process runs with. The engine is a 9 MB WebAssembly module; with V8's
 * defaults, its parallel garbage collection and background optimizing compilation took several
 * times the CPU of the work itself (about 8 CPU-seconds against 2.5 to start the engine and
 * validate the example app's 12 templates, two cores), and synth competes for those cores.
 * `--single-threaded` keeps V8 to the one thread; `--liftoff-only` keeps the baseline compiler,
 * whose code is fast enough for one synth. Neither changes what the engine computes.
 */
export const ENGINE_NODE_FLAGS: readonly string[] = ['--single-threaded', '--liftoff-only'];

/**
 * CDK's own CloudFormationValidatePlugin in a child process, its engine started at once for every
 * resource type (CDK reuses an engine made for more types than a template has). A process, because
 * V8 flags hold for a whole process. A worker thread runs it, relaying the templates to it and its
 * report back, because CDK asks plugins for reports synchronously: `report` blocks the main thread
 * until the worker signals.
 */
class EngineProcess {
  private readonly worker: BlockingWorker;

  constructor(nodeFlags: readonly string[]) {
    this.worker = new BlockingWorker(ENGINE_WORKER, {
      node: process.execPath,
      args: [...nodeFlags, '-e', ENGINE_PROCESS, join(CDK_LIB, PLUGIN_MODULE)],
    });
  }

  /** Hands the engine the templates to validate; returns at once. */
  start(context: IPolicyValidationContext): void {
    const { stackTemplates, templatePaths } = context;
    this.worker.post({ stackTemplates, templatePaths });
  }

  /** The plugin's report, or undefined when the engine could not give one (validate in process then). */
  report(): PolicyValidationPluginReport | undefined {
    const reply = this.worker.replies(ENGINE_TIMEOUT_MS)?.[0] as { report?: PolicyValidationPluginReport } | undefined;
    return reply?.report;
  }
}

/** The plugin's module inside aws-cdk-lib, loaded alone: the engine needs none of the rest. */
const PLUGIN_MODULE = 'core/lib/validation/cloudformation-validate-plugin.js';
const ENGINE_TIMEOUT_MS = 600_000;

/**
 * The engine's process: starts the engine, reads the validation context from stdin and writes the
 * report to stdout as one line. Stdin closing with nothing on it (the app exited or needed no
 * validation) ends it.
 */
const ENGINE_PROCESS = `
const { CloudFormationValidatePlugin } = require(process.argv[1]);
const plugin = new CloudFormationValidatePlugin();
plugin.initializeEngine({ has: () => true });
const chunks = [];
process.stdin.on('data', (chunk) => chunks.push(chunk));
process.stdin.on('end', () => {
  if (chunks.length === 0) process.exit(0);
  const report = plugin.validate(JSON.parse(Buffer.concat(chunks).toString('utf8')));
  process.stdout.write(JSON.stringify(report) + '\\n');
});
`;

/**
 * The worker: starts the engine's process, hands it the context once posted, and replies with the
 * report as soon as its line is complete, then kills the process (its exit would take another
 * second or so of V8 clean-up). A process that exits first replies with its stderr as the error.
 */
const ENGINE_WORKER = `
const { spawn } = require('node:child_process');
let replied = false;
const reply = (message) => {
  if (replied) return;
  replied = true;
  port.postMessage(message);
  signal();
};
const engine = spawn(input.node, input.args, { stdio: ['pipe', 'pipe', 'pipe'] });
const out = [];
const err = [];
engine.stdout.on('data', (chunk) => {
  out.push(chunk);
  if (chunk[chunk.length - 1] !== 0x0a) return;
  try {
    reply({ report: JSON.parse(Buffer.concat(out).toString('utf8')) });
  } catch (e) {
    reply({ error: errorMessage(e) });
  }
  engine.kill('SIGKILL');
});
engine.stderr.on('data', (chunk) => err.push(chunk));
engine.on('error', (e) => reply({ error: errorMessage(e) }));
engine.on('close', (code, signal) =>
  reply({ error: 'the validation engine exited (' + (signal || code) + '): ' + Buffer.concat(err).toString('utf8') }),
);
port.once('message', (context) => engine.stdin.end(JSON.stringify(context)));
`;
