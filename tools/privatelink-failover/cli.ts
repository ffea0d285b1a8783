// Argument parsing and help of `npm run failover`. `main` returns the exit code, so tests run the
// tool in-process exactly as the command line does.
import { parseArgs } from 'node:util';
import { regionProblem } from '../../config/schema/common';
import { parameterNames, type Side } from '../../lambda/privatelink-failover/core/manifest';
import { type CommonOptions, EXIT, type Io, runActivate, runDrill, runManifest, runStatus } from './commands';

export const HELP = `Usage: npm run failover -- <command> [options]

Operates the ARC routing controls of a PrivateLink failover deployment (README: PrivateLink failover).

Commands:
  status                         Routing control states, health check states, and which side
                                 (Region) the consumers' failover names serve.
  activate <primary|secondary>   Turn the target routing control On and the other Off in ONE
                                 UpdateRoutingControlStates call (one at a time, a safety rule
                                 would refuse either step), then read both back to confirm.
  drill                          Fail over to the other side, confirm, hold, fail back, confirm;
                                 prints the timing of each step.
  manifest                       Print the manifest the tool uses. Keep a copy for a bad day:
                                 npm run failover -- manifest > failover-manifest.json

What the tool operates (the manifest: routing controls, health checks, safety rules, endpoints):
  --manifest <file>              A saved manifest. Without it, the SSM parameter is read:
  --parameter <name>             Default ${parameterNames('<name>').manifest}
  --name <name>                  Deployment name (config privateLinkFailover.name). Default: service
  --ssm-regions <r1,r2,...>      Regions to read the parameter from, in turn. The routing control
                                 stack writes it in the ARC Region and in both provider Regions.
                                 Default: $AWS_REGION (if set), us-west-2, us-east-1

Cluster endpoints (the first that applies):
  --cluster-endpoints <file>     JSON list [{"endpoint": "https://...", "region": "..."}] or a saved
                                 DescribeCluster output.
  (the manifest's list)          Resolved at deploy time and published with the manifest.
  --describe-cluster             Ask the ARC control plane (DescribeCluster) for the list. Also done
                                 automatically, as a last resort, when no listed endpoint answers.
  --allow-local-endpoints        Also accept http(s) endpoints on loopback hosts (local test peers).
                                 Otherwise every endpoint, whatever its source, must be
                                 https://<id>.route53-recovery-cluster.<region>.amazonaws.com/...
                                 in a known Region, or the tool stops before any request.

  Every call is hedged: sent to one endpoint (the last one that answered; --fan-out for more at
  once), and to one more each time an attempt fails or --hedge-delay-ms passes without an
  answer, up to all of them. The first answer wins; the other attempts are cancelled. So an
  endpoint that refuses connections, accepts and never answers, answers slowly or throttles
  costs at most one hedge delay. ARC keeps at least three of a cluster's five regional endpoints
  up, so on a bad day the call still lands without the ARC control plane or any particular
  Region. An update sets absolute states, so a second copy cannot change the outcome, but it may
  be refused (a safety rule's wait period starts with the first copy): activate decides by
  reading the states back.

Options:
  --dry-run                      activate, drill: read the current states and show the planned
                                 change and whether the safety rules would accept it; change nothing.
  --override-safety-rules <arns> Comma-separated safety rule ARNs to bypass (break glass, e.g. to
                                 turn both controls Off). The manifest lists the two rule ARNs.
  --timeout-ms <n>               Timeout of the first attempt at an endpoint; doubles on each
                                 later try of the same endpoint. Default 1000
  --hedge-delay-ms <n>           Time without an answer after which one more endpoint is asked.
                                 Default 250
  --fan-out <n>                  Endpoints asked at once before any hedge delay passes. Default 1;
                                 5 asks all of them at once.
  --no-hedge                     Ask one endpoint at a time, each until it fails or times out.
  --deadline-ms <n>              Budget of one call across all endpoints and rounds. Default 20000
  --hold-seconds <n>             drill: time spent failed over. Default: safety rule wait period + 1 s
  --resolve                      status: also resolve each failover name with this host's DNS (only
                                 meaningful inside a consumer VPC).
  --json                         Print the result as JSON on stdout; progress stays on stderr.
  -q, --quiet                    No progress lines on stderr.
  -h, --help                     This text.

AWS settings: credentials and Region come from the SDK's standard settings (AWS_PROFILE,
AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY/AWS_SESSION_TOKEN, SSO, instance and container roles,
AWS_REGION). SSM, the ARC control plane and Route 53 honour AWS_ENDPOINT_URL and
AWS_ENDPOINT_URL_<SERVICE> (SSM, ROUTE53_RECOVERY_CONTROL_CONFIG, ROUTE_53). The cluster data
plane is always reached at the cluster's own regional endpoints.

DNS semantics: the failover names serve the secondary only while the primary control is Off and
the secondary control is On. Both Off (as new controls start) and both On serve the primary.

Exit status: 0 done (and confirmed); 1 failed (no endpoint answered, the states read back do not
match, or ARC kept reporting a conflicting change); 2 bad usage or input; 3 refused by ARC (a
safety rule, named in the message, or its wait period; validation; access). A refused or
unconfirmed activate is safe to repeat.
`;

function list(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

/** A comma-separated list of known Regions, each once. */
function regionList(value: string, flag: string): string[] {
  const regions = list(value);
  if (regions.length === 0) throw new UsageError(`${flag}: expected a comma-separated list of Regions, got nothing`);
  regions.forEach((r, i) => {
    const problem = regionProblem(r);
    if (problem) throw new UsageError(`${flag}: ${problem}, got ${JSON.stringify(r)}`);
    if (regions.indexOf(r) !== i) throw new UsageError(`${flag}: ${r} is listed twice`);
  });
  return regions;
}

function positiveInt(value: string | undefined, flag: string, fallback: number): number {
  if (value === undefined) return fallback;
  // Digits only: Number() would also take ' ', '0x10' and '1e3'.
  const n = /^\d{1,9}$/.test(value) ? Number(value) : NaN;
  if (!Number.isInteger(n) || n <= 0)
    throw new UsageError(`${flag}: expected a positive whole number, got ${JSON.stringify(value)}`);
  return n;
}

class UsageError extends Error {}

/** Runs the tool with `argv` (without node and script) and returns the exit code. */
export async function main(argv: readonly string[], io: Io, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        manifest: { type: 'string' },
        parameter: { type: 'string' },
        name: { type: 'string' },
        'ssm-regions': { type: 'string' },
        'cluster-endpoints': { type: 'string' },
        'describe-cluster': { type: 'boolean', default: false },
        'allow-local-endpoints': { type: 'boolean', default: false },
        'dry-run': { type: 'boolean', default: false },
        'override-safety-rules': { type: 'string' },
        'timeout-ms': { type: 'string' },
        'deadline-ms': { type: 'string' },
        'hedge-delay-ms': { type: 'string' },
        'fan-out': { type: 'string' },
        'no-hedge': { type: 'boolean', default: false },
        'hold-seconds': { type: 'string' },
        resolve: { type: 'boolean', default: false },
        json: { type: 'boolean', default: false },
        quiet: { type: 'boolean', short: 'q', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (e) {
    io.err(`${(e as Error).message.replace(/\s*\n\s*/g, ' ')} (run with --help for usage)`);
    return EXIT.usage;
  }
  const { values: v, positionals } = parsed;
  if (v.help) {
    io.out(HELP);
    return EXIT.ok;
  }
  const [command, ...rest] = positionals;
  let options: CommonOptions;
  try {
    const name = v.name ?? 'service';
    const envRegion = env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
    const hold = v['hold-seconds'];
    if (hold !== undefined && !/^\d{1,6}(\.\d{1,3})?$/.test(hold)) {
      throw new UsageError(`--hold-seconds: expected a number of seconds, got ${JSON.stringify(hold)}`);
    }
    if (v['no-hedge'] && v['fan-out'] !== undefined) {
      throw new UsageError('--fan-out: not with --no-hedge, which asks one endpoint at a time');
    }
    const overrides = list(v['override-safety-rules']);
    for (const arn of overrides) {
      if (!/^arn:aws[a-z-]*:route53-recovery-control::\d{12}:controlpanel\/.+\/safetyrule\/.+$/.test(arn)) {
        throw new UsageError(`--override-safety-rules: ${JSON.stringify(arn)} is not a safety rule ARN`);
      }
    }
    options = {
      manifestFile: v.manifest,
      parameterName: v.parameter ?? parameterNames(name).manifest,
      ssmRegions:
        v['ssm-regions'] !== undefined
          ? regionList(v['ssm-regions'], '--ssm-regions')
          : // An unknown AWS_REGION is left out: it would only cost a failed call before the defaults.
            [...new Set([...(envRegion && !regionProblem(envRegion) ? [envRegion] : []), 'us-west-2', 'us-east-1'])],
      endpointsFile: v['cluster-endpoints'],
      describeCluster: v['describe-cluster'] ?? false,
      allowLocalEndpoints: v['allow-local-endpoints'] ?? false,
      attemptTimeoutMs: positiveInt(v['timeout-ms'], '--timeout-ms', 1000),
      deadlineMs: positiveInt(v['deadline-ms'], '--deadline-ms', 20_000),
      hedgeDelayMs: positiveInt(v['hedge-delay-ms'], '--hedge-delay-ms', 250),
      fanOut: positiveInt(v['fan-out'], '--fan-out', 1),
      noHedge: v['no-hedge'] ?? false,
      dryRun: v['dry-run'] ?? false,
      overrideSafetyRules: overrides,
      json: v.json ?? false,
      quiet: v.quiet ?? false,
      holdSeconds: hold === undefined ? undefined : Number(hold),
      resolve: v.resolve ?? false,
    };
    if (command === 'activate') {
      if (rest[0] !== 'primary' && rest[0] !== 'secondary') {
        throw new UsageError(
          `activate: expected primary or secondary, got ${rest[0] === undefined ? 'nothing' : JSON.stringify(rest[0])}`,
        );
      }
      if (rest.length > 1) throw new UsageError(`activate: unexpected ${JSON.stringify(rest[1])}`);
    } else if (rest.length > 0) {
      throw new UsageError(`${command}: unexpected ${JSON.stringify(rest[0])}`);
    }
  } catch (e) {
    io.err(`${(e as Error).message.replace(/\s*\n\s*/g, ' ')} (run with --help for usage)`);
    return EXIT.usage;
  }
  switch (command) {
    case 'status':
      return runStatus(options, io);
    case 'activate':
      return runActivate(rest[0] as Side, options, io);
    case 'drill':
      return runDrill(options, io);
    case 'manifest':
      return runManifest(options, io);
    case undefined:
      io.err('missing command: expected status, activate, drill or manifest (run with --help for usage)');
      return EXIT.usage;
    default:
      io.err(
        `unknown command ${JSON.stringify(command)}: expected status, activate, drill or manifest (run with --help for usage)`,
      );
      return EXIT.usage;
  }
}
