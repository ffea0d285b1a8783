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

  constructor(nodeFlags: readonly string[]) {
    this.process = new BlockingProcess(ENGINE_SCRIPT(join(CDK_LIB, PLUGIN_MODULE)), nodeFlags);
  }

  /** Hands the engine the templates to validate; returns at once. */
  start(context: IPolicyValidationContext): void {
    const { stackTemplates, templatePaths } = context;
    this.process.post({ stackTemplates, templatePaths });
  }

  /**
   * The plugin's report, or undefined when the engine could not give one (validate in process
   * then), after saying why on stderr.
   */
  report(): PolicyValidationPluginReport | undefined {
    const reply = this.process.reply(WAIT_LIMIT_MS);
    if (reply?.value) return reply.value as PolicyValidationPluginReport;
    const why = reply?.error ?? `no report within ${WAIT_LIMIT_MS / 1000} s`;
    process.stderr.write(`NOTE: the template validation engine's process failed (${why}); validating in process.\n`);
    return undefined;
  }
}

/** The plugin's module inside aws-cdk-lib, loaded alone: the engine needs none of the rest. */
const PLUGIN_MODULE = 'core/lib/validation/cloudformation-validate-plugin.js';

/** The engine's process: starts the engine at once, then validates the context it is sent. */
const ENGINE_SCRIPT = (plugin: string) => `
const { CloudFormationValidatePlugin } = require(${JSON.stringify(plugin)});
const plugin = new CloudFormationValidatePlugin();
plugin.initializeEngine({ has: () => true });
input((context) => output(plugin.validate(context)));
`;
