// npm run license:simulate -- --instances <instances.json> --events <events.jsonl> [--moto] [--config <file>] [--verbose]
// (or: npx tsx tools/license-orchestration/simulate.ts ...)
//
// Runs the real handlers on the events in file order, in process over memory (default) or against
// a moto server it starts (--moto), and prints one JSON object on stdout: each product -> the
// sorted users last sent to the license server. Progress and handler logs go to stderr.
import { readFileSync, statSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../../config/load';
import { type SimulatedInstance, type SimulationInput, type SimulationResult, simulateInProcess } from './simulator';

const USAGE = `usage: npm run license:simulate -- --instances <instances.json> --events <events.jsonl> [--moto] [--config <file>] [--verbose]

Runs the real license-orchestration handlers on each event in file order: the publisher, the
ledger, change detection and the sync, and prints on stdout as JSON each product's users as last
sent to the license server. By default everything runs in this process over in-memory stand-ins
for EC2, EventBridge, DynamoDB, SQS and SSM (thousands of events a second, nothing to set up).

  --instances <file>  JSON array of {"instanceId", "tags"}: the workbench instances and their tags
  --events <file>     EC2 state-change events (EventBridge envelopes), one JSON object per line;
                      every instance they name must be in --instances
  --moto              run against a local moto server instead (every AWS call over the wire;
                      a few events a second; needs "bash scripts/python-env.sh" once)
  --config <file>     deployment config whose licenseOrchestration section applies (default config/example.yaml)
  --verbose           per-event progress and handler logs on stderr
  -h, --help          this text

Example:
  npm run license:simulate -- --instances tools/license-orchestration/fixtures/instances.json \
    --events tools/license-orchestration/fixtures/events.jsonl
  {"cad-suite":["carol"],"sim-tool":["alice","carol"]}

Exit status: 0 done, 1 the simulation failed or moto is not set up, 2 bad arguments or input.`;

/** Maximum size of an input file: far beyond any simulation, small enough to read at once. */
export const MAX_INPUT_BYTES = 64 * 1024 * 1024;

/** Bad arguments or input files: one line on stderr per problem (`lines`, else the message), exit status 2. */
export class UsageError extends Error {
  constructor(
    message: string,
    readonly lines: readonly string[] = [message],
  ) {
    super(message);
  }
}

function fail(message: string): never {
  throw new UsageError(message);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return value.trim() === '' ? 'an empty string' : 'a string';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

const INSTANCE_ID = /^i-[0-9a-f]{8,17}$/;

function isRecord(value: unknown): value is Record<string, unknown> {
  return !!value && typeof value === 'object' && !Array.isArray(value);
}

/** The file's text: it must exist, be at most {@link MAX_INPUT_BYTES} and be UTF-8. */
function readText(option: string, path: string, expected: string): string {
  let bytes: Buffer;
  try {
    if (statSync(path).size > MAX_INPUT_BYTES) {
      fail(
        `${option}: expected ${expected} of at most ${MAX_INPUT_BYTES / 1024 / 1024} MiB, got a larger file (${path})`,
      );
    }
    bytes = readFileSync(path);
  } catch (e) {
    if (e instanceof UsageError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'a directory' : (code ?? 'unreadable');
    return fail(`${option}: expected ${expected}, got ${path} (${why})`);
  }
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    return fail(`${option}: expected ${expected}, got a file that is not UTF-8 text (${path})`);
  }
}

function parseJson(option: string, text: string, expected: string, where: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    const reason = e instanceof RangeError ? 'nested too deeply' : (e as Error).message.split('\n')[0];
    return fail(`${option}: expected ${expected}, got ${where} that is not JSON (${reason})`);
  }
}

export function readInstances(path: string): SimulatedInstance[] {
  const expected = 'a JSON file of instance records [{"instanceId", "tags"}]';
  const data = parseJson('--instances', readText('--instances', path, expected), expected, 'a file');
  if (!Array.isArray(data)) fail(`--instances: expected ${expected}, got ${describe(data)}`);
  const seen = new Set<string>();
  return data.map((item, i) => {
    if (!isRecord(item))
      fail(`--instances: record ${i}: expected an object {"instanceId", "tags"}, got ${describe(item)}`);
    const { instanceId, tags } = item;
    if (typeof instanceId !== 'string' || instanceId.trim() === '') {
      fail(`--instances: record ${i}: expected "instanceId" to be a non-empty string, got ${describe(instanceId)}`);
    }
    if (seen.has(instanceId))
      fail(`--instances: record ${i}: expected each instanceId once, got ${JSON.stringify(instanceId)} again`);
    seen.add(instanceId);
    if (!isRecord(tags)) fail(`--instances: record ${i}: expected "tags" to be an object, got ${describe(tags)}`);
    for (const [key, value] of Object.entries(tags)) {
      if (typeof value !== 'string') {
        fail(`--instances: record ${i}: expected tag ${JSON.stringify(key)} to be a string, got ${describe(value)}`);
      }
    }
    return { instanceId, tags: tags as Record<string, string> };
  });
}

/**
 * The events file's events. An event naming a well-formed instance ID that `known` lacks is
 * refused: the publisher could not read its tags (in AWS it would end in the publisher's
 * failure queue).
 */
export function readEvents(path: string, known: ReadonlySet<string>): Record<string, unknown>[] {
  const expected = 'a file of EventBridge events, one JSON object per line';
  return readText('--events', path, expected)
    .split('\n')
    .map((line, i) => ({ line: line.trim(), n: i + 1 }))
    .filter(({ line }) => line !== '')
    .map(({ line, n }) => {
      const event = parseJson('--events', line, expected, `line ${n}`);
      if (!isRecord(event))
        fail(`--events: line ${n}: expected a JSON object (an EventBridge event), got ${describe(event)}`);
      const { resources, detail } = event;
      if (resources !== undefined && !(Array.isArray(resources) && resources.every((r) => typeof r === 'string'))) {
        fail(`--events: line ${n}: expected "resources" to be an array of strings, got ${describe(resources)}`);
      }
      if (detail !== undefined && !isRecord(detail)) {
        fail(`--events: line ${n}: expected "detail" to be an object, got ${describe(detail)}`);
      }
      const instanceId = detail?.['instance-id'];
      if (typeof instanceId === 'string' && INSTANCE_ID.test(instanceId) && !known.has(instanceId)) {
        fail(`--events: line ${n}: expected an instance listed in --instances, got ${instanceId}`);
      }
      return event;
    });
}

export function parseOptions(argv: readonly string[]) {
  let values;
  try {
    values = parseArgs({
      args: [...argv],
      options: {
        instances: { type: 'string' },
        events: { type: 'string' },
        config: { type: 'string', default: 'config/example.yaml' },
        moto: { type: 'boolean', default: false },
        verbose: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }).values;
  } catch (e) {
    return fail((e as Error).message);
  }
  if (values.help) return 'help' as const;
  if (!values.instances || !values.events) fail('--instances and --events are required');
  return { ...values, instances: values.instances, events: values.events, config: values.config as string };
}

function loadSection(path: string) {
  let config;
  try {
    config = loadConfig(path).licenseOrchestration;
  } catch (e) {
    if (e instanceof ConfigError) {
      const lines = e.lines().map((line) => `--config: ${line}`);
      throw new UsageError(lines.join('; '), lines);
    }
    return fail(`--config: expected a readable config file, got ${path} (${(e as Error).message.split('\n')[0]})`);
  }
  if (!config) fail(`--config: expected a config with a licenseOrchestration section, got ${path} without one`);
  return config;
}

/** Runs the CLI; returns the exit status (0 done, 1 the simulation failed, 2 bad arguments or input). */
export async function main(argv: readonly string[]): Promise<number> {
  let options;
  let config;
  let instances;
  let events;
  try {
    options = parseOptions(argv);
    if (options === 'help') {
      process.stdout.write(`${USAGE}\n`);
      return 0;
    }
    config = loadSection(options.config);
    instances = readInstances(options.instances);
    events = readEvents(options.events, new Set(instances.map((i) => i.instanceId)));
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    process.stderr.write(e.lines.map((line) => `license:simulate: ${line}`).join('\n') + ' (--help for usage)\n');
    return 2;
  }

  // Handlers log through the global console (POWERTOOLS_DEV), which goes to stderr here, so stdout
  // carries only the result.
  Object.assign(process.env, {
    POWERTOOLS_DEV: 'true',
    POWERTOOLS_METRICS_DISABLED: 'true',
    POWERTOOLS_LOG_LEVEL: options.verbose ? 'INFO' : 'ERROR',
    POWERTOOLS_SERVICE_NAME: 'license-simulator',
  });
  for (const level of ['log', 'info', 'warn', 'error', 'debug'] as const) {
    console[level] = (...parts: unknown[]) => void process.stderr.write(`${parts.map(String).join(' ')}\n`);
  }

  const verbose = options.verbose || !!process.env.DEBUG;
  const input: SimulationInput = {
    instances,
    events,
    config,
    log: options.verbose ? (line) => process.stderr.write(`${line}\n`) : undefined,
  };
  let run = simulateInProcess;
  if (options.moto) {
    // Loaded only when asked for: the in-process run needs nothing from .venv.
    const moto = await import('./simulator-moto');
    if (!moto.motoInstalled()) {
      process.stderr.write(
        `license:simulate: --moto needs moto: run "${moto.MOTO_SETUP}" once (or leave out --moto to run in process)\n`,
      );
      return 1;
    }
    run = moto.simulateWithMoto;
  }
  let result: SimulationResult;
  try {
    result = await run(input);
  } catch (e) {
    const err = e as Error;
    process.stderr.write(
      `license:simulate: the simulation failed: ${verbose ? (err.stack ?? err.message) : err.message.split('\n')[0]}\n`,
    );
    return 1;
  }
  process.stderr.write(
    `simulated ${events.length} events: ${result.commands} Run Commands, ${result.rejected} rejected (${options.moto ? 'moto' : 'in process'})\n`,
  );
  process.stdout.write(`${JSON.stringify(result.lastSent)}\n`);
  return 0;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e: unknown) => {
      const verbose = process.argv.includes('--verbose') || !!process.env.DEBUG;
      const err = e as Error;
      process.stderr.write(
        `license:simulate: failed: ${verbose ? (err.stack ?? String(e)) : String(err.message ?? e).split('\n')[0]}\n`,
      );
      process.exit(1);
    },
  );
}
