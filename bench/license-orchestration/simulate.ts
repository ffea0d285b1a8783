// npm run license:simulate -- --instances <instances.json> --events <events.jsonl> [--config <file>] [--verbose]
// (or: npx tsx bench/license-orchestration/simulate.ts ...)
//
// Starts moto, runs the real handlers on the events in file order and prints one JSON object on
// stdout: each product -> the sorted users last sent to the license server. Progress and handler
// logs go to stderr.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../../config/load';
import { type SimulatedInstance, simulate, startMoto } from './simulator';

const USAGE = `usage: npm run license:simulate -- --instances <instances.json> --events <events.jsonl> [--config <file>] [--verbose]

Runs the real license-orchestration handlers against a local moto server: each event in file order
goes through the ledger, change detection and sync, and the result is printed on stdout as JSON
(product -> users last sent to the license server).

  --instances <file>  JSON array of {"instanceId", "tags"}: the workbench instances and their tags
  --events <file>     EC2 state-change events (EventBridge envelopes), one JSON object per line
  --config <file>     deployment config whose licenseOrchestration section applies (default config/example.yaml)
  --verbose           handler logs on stderr
  -h, --help          this text`;

function fail(message: string): never {
  process.stderr.write(`${message}\n${USAGE}\n`);
  process.exit(2);
}

function readInstances(path: string): SimulatedInstance[] {
  const data = JSON.parse(readFileSync(path, 'utf8')) as unknown;
  if (!Array.isArray(data)) fail(`${path}: expected an array of {"instanceId", "tags"}`);
  return data.map((item, i) => {
    const { instanceId, tags } = (item ?? {}) as { instanceId?: unknown; tags?: unknown };
    if (typeof instanceId !== 'string' || !tags || typeof tags !== 'object' || Array.isArray(tags)) {
      fail(`${path}[${i}]: expected {"instanceId": string, "tags": {...}}`);
    }
    return { instanceId, tags: tags as Record<string, string> };
  });
}

function readEvents(path: string): unknown[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .map((line, i) => ({ line: line.trim(), n: i + 1 }))
    .filter(({ line }) => line !== '')
    .map(({ line, n }) => {
      try {
        return JSON.parse(line) as unknown;
      } catch (e) {
        return fail(`${path}:${n}: not JSON (${(e as Error).message})`);
      }
    });
}

async function main(): Promise<void> {
  let args;
  try {
    args = parseArgs({
      options: {
        instances: { type: 'string' },
        events: { type: 'string' },
        config: { type: 'string', default: 'config/example.yaml' },
        verbose: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }).values;
  } catch (e) {
    fail((e as Error).message);
  }
  if (args.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  if (!args.instances || !args.events) fail('--instances and --events are required');
  let config;
  try {
    config = loadConfig(args.config as string).licenseOrchestration;
  } catch (e) {
    if (e instanceof ConfigError) fail(e.message);
    throw e;
  }
  if (!config) fail(`${args.config}: the config has no licenseOrchestration section`);
  const instances = readInstances(args.instances);
  const events = readEvents(args.events);

  // Handlers log through the global console (POWERTOOLS_DEV), which goes to stderr here, so stdout
  // carries only the result.
  Object.assign(process.env, {
    POWERTOOLS_DEV: 'true',
    POWERTOOLS_METRICS_DISABLED: 'true',
    POWERTOOLS_LOG_LEVEL: args.verbose ? 'INFO' : 'ERROR',
    POWERTOOLS_SERVICE_NAME: 'license-simulator',
  });
  for (const level of ['log', 'info', 'warn', 'error', 'debug'] as const) {
    console[level] = (...parts: unknown[]) => void process.stderr.write(`${parts.map(String).join(' ')}\n`);
  }

  const moto = await startMoto(config.licenseServer.region);
  try {
    const result = await simulate({
      instances,
      events,
      config,
      log: args.verbose ? (line) => process.stderr.write(`${line}\n`) : undefined,
    });
    process.stderr.write(
      `simulated ${events.length} events: ${result.commands} Run Commands, ${result.rejected} rejected\n`,
    );
    process.stdout.write(`${JSON.stringify(result.lastSent)}\n`);
  } finally {
    moto.stop();
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`simulation failed: ${(e as Error).stack ?? String(e)}\n`);
  process.exit(1);
});
