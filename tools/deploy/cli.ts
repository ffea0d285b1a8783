import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { type CliIo } from '../shared/run-cli';
import { ConfigError, DEFAULT_CONFIG_PATH, loadConfig, placeholderAccounts } from '../../config/load';
import { checkWave, type InputCheck } from './check';
import { type Plan, PlanError, type PlannedInput, planConfig, waves } from './plan';

export const HELP = `Usage:
  npm run deploy -- plan [--config <file>]
  npm run deploy -- check --wave <n> [--config <file>] [--endpoint-url <url>]
  npm run deploy -- --wave <n> [--concurrency <k>] [--dry-run] [--config <file>] [--endpoint-url <url>]

plan     prints the deployment waves of the config: each wave's stacks with account and Region,
         and what each needs from earlier waves (SSM parameters, stack outputs). Needs no AWS
         credentials.
check    checks that everything wave <n> needs exists (ssm GetParameter, cloudformation
         DescribeStacks; read-only), with the AWS SDK's default credentials in their own account
         and CDK's bootstrap lookup role in other accounts; names what is missing and the wave
         that produces it.
--wave   runs the check, then 'cdk deploy --exclusively' for exactly the stacks of wave <n>;
         refuses when the check finds anything missing.

Options:
  --config <file>        deployment config (default: ${DEFAULT_CONFIG_PATH})
  --wave <n>             the wave, from 1 (see plan)
  --concurrency <k>      stacks cdk deploys at once (default 1)
  --dry-run              run the check and print the cdk command instead of running it
  --endpoint-url <url>   endpoint for every AWS call (a local emulator)
  -h, --help             this text

Exit codes: 0 done; 1 inputs missing or cdk deploy failed; 2 usage or config error.`;

/** A usage or input problem: one line, exit code 2. */
class UsageError extends Error {}

export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  let options: ReturnType<typeof parse>;
  try {
    options = parse(argv);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    io.err(`error: ${e.message} (npm run deploy -- --help)`);
    return 2;
  }
  if (options.help) {
    io.out(HELP);
    return 0;
  }

  let plan: Plan;
  try {
    const config = loadConfig(options.config);
    const placeholders = placeholderAccounts(config);
    if (placeholders.length > 0) {
      io.err(`NOTE: ${options.config} uses placeholder account IDs (${placeholders.join(', ')}); deploying it fails.`);
    }
    plan = planConfig(config);
  } catch (e) {
    if (e instanceof ConfigError) {
      for (const line of e.lines()) io.err(line);
      return 2;
    }
    if (e instanceof PlanError) {
      io.err(`error: ${options.config}: ${e.message}`);
      return 2;
    }
    throw e;
  }

  if (options.command === 'plan') {
    printPlan(plan, options.config, io);
    return 0;
  }
  const wave = options.wave as number;
  const count = waves(plan).length;
  if (wave > count) {
    io.err(`error: --wave: expected a wave from 1 to ${count} (see npm run deploy -- plan), got ${wave}`);
    return 2;
  }
  const checks = await checkWave(plan, wave, { endpoint: options.endpointUrl });
  printChecks(wave, checks, io);
  const ready = checks.every((c) => c.status === 'present');
  if (options.command === 'check') return ready ? 0 : 1;
  if (!ready) {
    io.err(`Refusing to deploy wave ${wave}: deploy the waves that produce what is missing first.`);
    return 1;
  }

  const stacks = waves(plan)[wave - 1].map((u) => u.deployedBy);
  const args = [
    'deploy',
    '--exclusively',
    '--concurrency',
    String(options.concurrency),
    '-c',
    `config=${options.config}`,
  ];
  args.push(...stacks);
  if (options.dryRun) {
    io.out(`Would run: ${['npx', 'cdk', ...args].map(shellQuote).join(' ')}`);
    return 0;
  }
  return runCdk(args);
}

function parse(argv: readonly string[]) {
  let values;
  let positionals;
  try {
    ({ values, positionals } = parseArgs({
      args: [...argv],
      options: {
        config: { type: 'string', default: DEFAULT_CONFIG_PATH },
        wave: { type: 'string' },
        concurrency: { type: 'string', default: '1' },
        'dry-run': { type: 'boolean', default: false },
        'endpoint-url': { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
      allowPositionals: true,
      strict: true,
    }));
  } catch (e) {
    throw new UsageError((e as Error).message.split('\n')[0]);
  }
  if (positionals.length > 1) throw new UsageError(`expected one command, got "${positionals.join(' ')}"`);
  const command = positionals[0] ?? 'deploy';
  if (!['plan', 'check', 'deploy'].includes(command)) {
    throw new UsageError(`expected the command plan or check (or none, with --wave), got "${command}"`);
  }
  const positive = (name: string, text: string | undefined): number => {
    if (text === undefined || !/^[1-9]\d{0,3}$/.test(text)) {
      throw new UsageError(
        `--${name}: expected a whole number from 1, got ${text === undefined ? 'nothing' : `"${text}"`}`,
      );
    }
    return Number(text);
  };
  const help = values.help;
  if (command === 'plan' && values.wave !== undefined) throw new UsageError('--wave: plan prints every wave; drop it');
  if (command === 'check' && (values['dry-run'] || argv.some((a) => a.startsWith('--concurrency')))) {
    throw new UsageError('--dry-run and --concurrency apply to deploying a wave, not to check');
  }
  if (values['endpoint-url'] !== undefined && !/^https?:\/\/[^\s/]+/.test(values['endpoint-url'])) {
    throw new UsageError(`--endpoint-url: expected an http:// or https:// URL, got "${values['endpoint-url']}"`);
  }
  return {
    command,
    help,
    config: values.config,
    wave: command === 'plan' || help ? undefined : positive('wave', values.wave),
    concurrency: help ? 1 : positive('concurrency', values.concurrency),
    dryRun: values['dry-run'],
    endpointUrl: values['endpoint-url'],
  };
}

function location(input: { account: string; region: string }): string {
  return `${input.account}/${input.region}`;
}

/** What an input is, where it lives, in a few words. */
export function describeInput(input: PlannedInput): string {
  switch (input.kind) {
    case 'ssm-parameter':
      return `SSM parameter ${input.name} in ${location(input)}`;
    case 'stack-output':
      return `output ${input.name} of stack ${input.stackName} in ${location(input)}`;
    case 'stack':
      return `stack ${input.name} in ${location(input)}, deployed`;
  }
}

function producedBy(input: PlannedInput): string {
  return input.producer
    ? `by wave ${input.producerWave} (${input.producer}): ${input.description}`
    : `by ${input.description}`;
}

function printPlan(plan: Plan, config: string, io: CliIo): void {
  const all = waves(plan);
  io.out(`Deployment waves of ${config}: ${plan.units.length} stacks in ${all.length} waves.`);
  io.out('');
  io.out('Before wave 1, bootstrap each environment, trusting the account you deploy from:');
  for (const env of plan.environments)
    io.out(`  npx cdk bootstrap aws://${env.account}/${env.region} --trust <account>`);
  all.forEach((units, i) => {
    io.out('');
    io.out(`Wave ${i + 1}: ${units.length} stack${units.length === 1 ? '' : 's'}`);
    for (const unit of units) {
      io.out(`  ${unit.name}  (account ${unit.account}, ${unit.region})`);
      const needs = unit.inputs.filter((input) => input.producer);
      for (const input of needs) io.out(`      needs ${describeInput(input)}, produced ${producedBy(input)}`);
    }
  });
  io.out('');
  io.out('Deploy a wave with: npm run deploy -- --wave <n>');
}

function printChecks(wave: number, checks: readonly InputCheck[], io: CliIo): void {
  const count = (status: InputCheck['status']) => checks.filter((c) => c.status === status).length;
  const unchecked = count('unchecked');
  io.out(
    `Wave ${wave} needs ${checks.length} inputs: ${count('present')} present, ${count('missing')} missing` +
      (unchecked > 0 ? `, ${unchecked} could not be checked.` : '.'),
  );
  for (const c of checks) {
    const what = describeInput(c.input);
    if (c.status === 'present') io.out(`  present    ${what}`);
    else {
      io.out(`  ${c.status === 'missing' ? 'MISSING  ' : 'UNCHECKED'}  ${what}: ${c.reason}`);
      io.out(`             needed by ${c.neededBy.join(', ')}; produced ${producedBy(c.input)}`);
    }
  }
}

function shellQuote(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** Runs the CDK CLI of this repository with the terminal attached; resolves to its exit code. */
function runCdk(args: string[]): Promise<number> {
  const cdk = join(__dirname, '..', '..', 'node_modules', '.bin', 'cdk');
  return new Promise((resolve, reject) => {
    const child = spawn(cdk, args, { stdio: 'inherit' });
    child.once('error', reject);
    child.once('exit', (code) => resolve(code ?? 1));
  });
}
