import type { IPolicyValidationContext, PolicyValidationPluginReport } from 'aws-cdk-lib';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { BlockingWorker } from './blocking-worker';

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
export class EngineProcess {
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
