import type { IPolicyValidationContext, PolicyValidationPluginReport } from 'aws-cdk-lib';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { BlockingProcess, WAIT_LIMIT_MS } from './blocking-worker';

// CloudFormation's validation engine started early, in its own process, for the first synth into
// an assembly directory. This module loads nothing of aws-cdk-lib, so the app can start the engine
// before it loads its own modules (bin/start-validation-engine.ts).

export const CDK_LIB = dirname(require.resolve('aws-cdk-lib/package.json'));

/** Where, inside the cloud assembly directory, validation results are kept. */
export const VALIDATION_CACHE_DIR = '.template-validation';

/** How the engine started early runs. */
export interface TemplateValidationEngineOptions {
  /**
   * Node.js and V8 flags of the engine's process.
   * @default ENGINE_NODE_FLAGS (`--single-threaded --liftoff-only`)
   */
  readonly nodeFlags?: readonly string[];
}

/**
 * Starts CloudFormation's validation engine in its own process now, while the app loads and builds
 * its stacks, for the first synth into an assembly directory (`outdir`; undefined for a new
 * temporary one): the engine takes a second or more to start. A later synth reuses most results
 * (see CachedTemplateValidation) and starts the engine only if it needs it. Should the process
 * fail, synth validates in process as CDK does.
 */
export function startTemplateValidationEngine(
  outdir: string | undefined,
  options: TemplateValidationEngineOptions = {},
): void {
  if (!earlyEngine && !(outdir && existsSync(join(outdir, VALIDATION_CACHE_DIR)))) {
    earlyEngine = new EngineProcess(options.nodeFlags ?? ENGINE_NODE_FLAGS);
  }
}

let earlyEngine: EngineProcess | undefined;

/** The engine started early, once: the validation that takes it owns it. */
export function takeEarlyEngine(): EngineProcess | undefined {
  const engine = earlyEngine;
  earlyEngine = undefined;
  return engine;
}

/**
 * The flags the engine's process runs with. The engine is a 9 MB WebAssembly module; with V8's
 * defaults, its parallel garbage collection and background optimizing compilation took several
 * times the CPU of the work itself (about 8 CPU-seconds against 3 to start the engine and
 * validate the example app's 12 templates, two cores), and synth competes for those cores.
 * `--single-threaded` keeps V8 to the one thread; `--liftoff-only` keeps the baseline compiler,
 * whose code is fast enough for one synth. Neither changes what the engine computes.
 */
const ENGINE_NODE_FLAGS: readonly string[] = ['--single-threaded', '--liftoff-only'];

/**
 * CDK's own CloudFormationValidatePlugin in a child process, its engine started at once for every
 * resource type (CDK reuses an engine made for more types than a template has). A process, because
 * V8 flags hold for a whole process. `report` blocks: CDK asks plugins for reports synchronously.
 */
export class EngineProcess {
  private readonly process: BlockingProcess;
  private handedTemplates?: IPolicyValidationContext['stackTemplates'];

  constructor(nodeFlags: readonly string[]) {
    this.process = new BlockingProcess(ENGINE_SCRIPT(join(CDK_LIB, PLUGIN_MODULE)), nodeFlags);
  }

  /** The stack templates the engine was handed, once started. */
  get handed(): IPolicyValidationContext['stackTemplates'] | undefined {
    return this.handedTemplates;
  }

  /**
   * Hands the engine the templates to validate, once; returns at once. The engine validates each
   * template as soon as its file is complete, so they may be named before CDK writes them.
   */
  start(context: Pick<IPolicyValidationContext, 'stackTemplates' | 'templatePaths'>): void {
    if (this.handedTemplates) return;
    const { stackTemplates, templatePaths } = context;
    this.handedTemplates = stackTemplates;
    this.process.post({ stackTemplates, templatePaths, waitMs: WAIT_LIMIT_MS });
  }

  /**
   * The engine's findings and the templates it validated (each with the SHA-256 of the text it
   * read), or undefined when the engine could not give them (validate in process then), after
   * saying why on stderr.
   */
  report(): EngineReport | undefined {
    const reply = this.process.reply(WAIT_LIMIT_MS);
    if (reply?.value) return reply.value as EngineReport;
    const why = reply?.error ?? `no report within ${WAIT_LIMIT_MS / 1000} s`;
    process.stderr.write(`NOTE: the template validation engine's process failed (${why}); validating in process.\n`);
    return undefined;
  }
}

/** What the engine's process returns: the plugin's findings, and what it validated. */
export interface EngineReport {
  readonly violations: PolicyValidationPluginReport['violations'];
  /** Each template validated, with the SHA-256 (hex) of the text the engine read. */
  readonly validated: readonly { readonly templatePath: string; readonly sha256: string }[];
}

/** The plugin's module inside aws-cdk-lib, loaded alone: the engine needs none of the rest. */
const PLUGIN_MODULE = 'core/lib/validation/cloudformation-validate-plugin.js';

/**
 * The engine's process: starts the engine at once, then validates each template of the context it
 * is sent as soon as its file is complete (it parses: CDK writes a template whole, and a part of
 * one is not JSON), one template per call of the plugin (its findings are per template). It stops
 * waiting when the app is gone (its parent changes) or after `waitMs`.
 */
const ENGINE_SCRIPT = (plugin: string) => `
const { CloudFormationValidatePlugin } = require(${JSON.stringify(plugin)});
const { createHash } = require('node:crypto');
const { readFileSync } = require('node:fs');
const plugin = new CloudFormationValidatePlugin();
plugin.initializeEngine({ has: () => true });
const parent = process.ppid;
const complete = (path) => {
  try {
    const text = readFileSync(path, 'utf8');
    JSON.parse(text);
    return text;
  } catch {
    return undefined;
  }
};
input((context) => {
  const pending = [...context.stackTemplates];
  const violations = [];
  const validated = [];
  const deadline = Date.now() + context.waitMs;
  const step = () => {
    for (const stack of [...pending]) {
      const text = complete(stack.templatePath);
      if (text === undefined) continue;
      pending.splice(pending.indexOf(stack), 1);
      const report = plugin.validate({ ...context, stackTemplates: [stack], templatePaths: [stack.templatePath] });
      violations.push(...report.violations);
      validated.push({ templatePath: stack.templatePath, sha256: createHash('sha256').update(text).digest('hex') });
    }
    if (pending.length === 0) return output({ violations, validated });
    if (process.ppid !== parent || Date.now() > deadline) process.exit(0);
    setTimeout(step, 10);
  };
  step();
});
`;
