// The failover tool's commands: status, activate, drill, manifest. They print through `Io` and
// return an exit code; nothing here exits the process.
import { promises as dns } from 'node:dns';
import {
  type ClusterEndpoint,
  type FailoverManifest,
  servingSide,
  type Side,
  SIDES,
} from '../../lambda/privatelink-failover/core/manifest';
import { Route53Rest } from '../../lambda/privatelink-failover/adapters/route53-rest';
import { ArcRejectedError, type Attempt, ClusterConnection, NoEndpointAnsweredError } from './cluster-connection';
import { checkClusterEndpoints } from './endpoint-policy';
import {
  endpointsFromDescribeCluster,
  endpointsFromFile,
  InputError,
  manifestFromFile,
  manifestFromSsm,
} from './sources';

export const EXIT = { ok: 0, failed: 1, usage: 2, rejected: 3 } as const;

export interface Io {
  /** Results (stdout). */
  out(line: string): void;
  /** Progress and diagnostics (stderr). */
  err(line: string): void;
}

export interface CommonOptions {
  readonly manifestFile?: string;
  readonly parameterName: string;
  readonly ssmRegions: readonly string[];
  readonly endpointsFile?: string;
  readonly describeCluster: boolean;
  /** Accept http(s) cluster endpoints on loopback hosts (local test peers). */
  readonly allowLocalEndpoints?: boolean;
  readonly attemptTimeoutMs: number;
  readonly deadlineMs: number;
  /** Time without an answer after which one more cluster endpoint is asked. */
  readonly hedgeDelayMs: number;
  /** Cluster endpoints asked at once before any hedge delay passes. */
  readonly fanOut: number;
  /** Ask one cluster endpoint at a time (each until it fails) instead of hedging. */
  readonly noHedge: boolean;
  readonly dryRun: boolean;
  readonly overrideSafetyRules: readonly string[];
  readonly json: boolean;
  readonly quiet: boolean;
  readonly holdSeconds?: number;
  readonly resolve: boolean;
}

type States = Record<Side, 'On' | 'Off'>;
const other = (side: Side): Side => (side === 'primary' ? 'secondary' : 'primary');
const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

class VerificationError extends Error {}

/** Everything a command needs: the manifest, a connection, and how they were found. */
interface Session {
  readonly manifest: FailoverManifest;
  readonly manifestSource: string;
  connection: ClusterConnection;
  endpointSource: 'file' | 'published' | 'describe-cluster';
}

function progress(io: Io, options: CommonOptions) {
  return (line: string) => {
    if (!options.quiet) io.err(line);
  };
}

async function openSession(options: CommonOptions, io: Io): Promise<Session> {
  const log = progress(io, options);
  let manifest: FailoverManifest;
  let manifestSource: string;
  if (options.manifestFile) {
    manifest = manifestFromFile(options.manifestFile);
    manifestSource = `file ${options.manifestFile}`;
  } else {
    const found = await manifestFromSsm(
      options.parameterName,
      options.ssmRegions,
      Math.max(2000, options.attemptTimeoutMs * 2),
      log,
    );
    manifest = found.manifest;
    manifestSource = `SSM ${options.parameterName} (${found.region})`;
  }
  let endpoints: ClusterEndpoint[];
  let endpointSource: Session['endpointSource'];
  if (options.endpointsFile) {
    endpoints = endpointsFromFile(options.endpointsFile);
    endpointSource = 'file';
  } else if (options.describeCluster) {
    endpoints = await endpointsFromDescribeCluster(
      manifest.clusterArn,
      manifest.controlPlaneRegion,
      options.deadlineMs,
    );
    endpointSource = 'describe-cluster';
  } else {
    endpoints = [...manifest.clusterEndpoints];
    endpointSource = 'published';
  }
  const where = {
    file: `--cluster-endpoints ${options.endpointsFile}`,
    published: 'manifest clusterEndpoints',
    'describe-cluster': 'DescribeCluster ClusterEndpoints',
  };
  endpoints = checkClusterEndpoints(endpoints, where[endpointSource], options.allowLocalEndpoints ?? false);
  log(`manifest: ${manifestSource}; ${endpoints.length} cluster endpoints (${endpointSource})`);
  return { manifest, manifestSource, connection: connect(endpoints, manifest, options, io), endpointSource };
}

function connect(
  endpoints: ClusterEndpoint[],
  manifest: FailoverManifest,
  options: CommonOptions,
  io: Io,
): ClusterConnection {
  const log = progress(io, options);
  return new ClusterConnection(endpoints, {
    attemptTimeoutMs: options.attemptTimeoutMs,
    callDeadlineMs: options.deadlineMs,
    hedgeFanOut: options.noHedge ? 1 : options.fanOut,
    hedgeDelayMs: options.noHedge ? Infinity : options.hedgeDelayMs,
    safetyRules: [manifest.safetyRules.atLeastOneOn, manifest.safetyRules.atMostOneOn],
    onAttempt: (a) => {
      // A cancelled attempt lost to another endpoint's answer: nothing went wrong.
      if (a.outcome !== 'ok' && a.outcome !== 'cancelled')
        log(`  ${a.operation}: ${a.region} ${a.outcome} after ${a.ms} ms${a.detail ? ` (${a.detail})` : ''}`);
    },
  });
}

/**
 * Runs `fn`; when no listed endpoint answered and the list did not come from DescribeCluster, asks
 * the control plane for the current list and, if it differs, tries once more with it.
 */
async function withEndpointFallback<T>(
  session: Session,
  options: CommonOptions,
  io: Io,
  fn: () => Promise<T>,
): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (!(e instanceof NoEndpointAnsweredError) || session.endpointSource === 'describe-cluster') throw e;
    const log = progress(io, options);
    log(
      `no listed endpoint answered; asking the ARC control plane (${session.manifest.controlPlaneRegion}) for the current list`,
    );
    let fresh: ClusterEndpoint[];
    try {
      fresh = await endpointsFromDescribeCluster(
        session.manifest.clusterArn,
        session.manifest.controlPlaneRegion,
        Math.min(options.deadlineMs, 10_000),
      );
    } catch (d) {
      log(`DescribeCluster failed too: ${(d as Error).name}: ${(d as Error).message}`);
      throw e;
    }
    const key = (l: readonly ClusterEndpoint[]) =>
      l
        .map((x) => `${x.region} ${x.endpoint}`)
        .sort()
        .join('|');
    if (key(fresh) === key(session.connection.endpoints)) throw e;
    fresh = checkClusterEndpoints(fresh, 'DescribeCluster ClusterEndpoints', options.allowLocalEndpoints ?? false);
    session.connection.destroy();
    session.connection = connect(fresh, session.manifest, options, io);
    session.endpointSource = 'describe-cluster';
    return fn();
  }
}

async function readStates(session: Session): Promise<States> {
  const { routingControls } = session.manifest;
  return {
    primary: await session.connection.getState(routingControls.primary.arn),
    secondary: await session.connection.getState(routingControls.secondary.arn),
  };
}

/** The verdict the two safety rules would give on `next` (for --dry-run); undefined when accepted. */
export function predictRefusal(
  manifest: FailoverManifest,
  next: States,
  overrides: readonly string[],
): string | undefined {
  const on = SIDES.filter((s) => next[s] === 'On').length;
  if (on < 1 && !overrides.includes(manifest.safetyRules.atLeastOneOn)) {
    return `safety rule "at least one On" (${manifest.safetyRules.atLeastOneOn})`;
  }
  if (on > 1 && !overrides.includes(manifest.safetyRules.atMostOneOn)) {
    return `safety rule "at most one On" (${manifest.safetyRules.atMostOneOn})`;
  }
  return undefined;
}

interface FlipResult {
  readonly states: States;
  readonly updateMs: number;
  readonly confirmMs: number;
}

/**
 * One batch update (target On, the other Off), then reads both back until they match. A hedged
 * update may reach several endpoints, and a copy may be refused only because another copy was
 * applied first (a safety rule's wait period starts with it): so a refusal is final only when the
 * states read back do not match. Which copy answered never decides the outcome.
 */
async function flip(
  session: Session,
  target: Side,
  overrides: readonly string[],
  log: (line: string) => void,
): Promise<FlipResult> {
  const { routingControls } = session.manifest;
  const want: States = { [target]: 'On', [other(target)]: 'Off' } as States;
  const started = Date.now();
  let refusal: ArcRejectedError | undefined;
  try {
    await session.connection.updateStates(
      SIDES.map((s) => ({ arn: routingControls[s].arn, state: want[s] })),
      overrides,
    );
  } catch (e) {
    if (!(e instanceof ArcRejectedError)) throw e;
    refusal = e;
  }
  const updated = Date.now();
  for (let check = 0; ; check++) {
    const states = await readStates(session);
    if (states.primary === want.primary && states.secondary === want.secondary) {
      if (refusal) log(`  a copy of the update was refused (${refusal.code}); the states read back confirm the change`);
      return { states, updateMs: updated - started, confirmMs: Date.now() - updated };
    }
    if (refusal) throw refusal;
    if (check >= 4) {
      throw new VerificationError(
        `the update was accepted but the states read back are primary ${states.primary}, secondary ${states.secondary}`,
      );
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}

function describeStates(manifest: FailoverManifest, states: States): string {
  const side = servingSide(states);
  return `primary (${manifest.routingControls.primary.region}) ${states.primary}, secondary (${manifest.routingControls.secondary.region}) ${states.secondary}: failover names serve the ${side} (${manifest.routingControls[side].region})`;
}

function attemptsSummary(attempts: readonly Attempt[]) {
  return attempts.map((a) => ({
    operation: a.operation,
    region: a.region,
    endpoint: a.endpoint,
    outcome: a.outcome,
    ms: a.ms,
  }));
}

/** How the manifest names a safety rule, for messages. */
function ruleLabel(manifest: FailoverManifest | undefined, arn: string): string {
  if (arn === manifest?.safetyRules.atLeastOneOn) return `safety rule "at least one On" (${arn})`;
  if (arn === manifest?.safetyRules.atMostOneOn) return `safety rule "at most one On" (${arn})`;
  return `safety rule ${arn}`;
}

/** Maps an error to output and an exit code. */
function fail(
  io: Io,
  options: CommonOptions,
  command: string,
  e: unknown,
  extra: Record<string, unknown> = {},
  manifest?: FailoverManifest,
): number {
  const error = e as Error;
  let code: number = EXIT.failed;
  let message = `${error.name}: ${error.message}`;
  if (e instanceof InputError) {
    code = EXIT.usage;
    message = error.message; // already names the argument or field
  } else if (e instanceof ArcRejectedError && e.blockingRules.length > 0) {
    code = EXIT.rejected;
    message = `ARC refused the request (${e.code}): ${error.message}\nBlocked by ${e.blockingRules.map((arn) => ruleLabel(manifest, arn)).join(' and ')}: its wait period may still be running (wait and repeat). If the change is really needed, repeat it with --override-safety-rules ${e.blockingRules.join(',')} (see the runbook).`;
  } else if (e instanceof ArcRejectedError && e.code === 'ConflictException') {
    // Documented as a conflicting request ("Try again"), and it named no safety rule.
    message = `ARC kept answering ConflictException, naming no safety rule: another change to these routing controls was in progress. ${error.message}\nCheck the states with status; the request is safe to repeat.`;
  } else if (e instanceof ArcRejectedError) {
    code = EXIT.rejected;
    message = `ARC refused the request (${e.code}): ${error.message}`;
  } else if (e instanceof NoEndpointAnsweredError) {
    message = `${error.message}; no change can be confirmed: check network access to the cluster endpoints, then repeat (the request is safe to repeat)`;
  }
  if (options.json) io.out(JSON.stringify({ command, ok: false, error: message, ...extra }, null, 2));
  else io.err(`FAILED: ${message}`);
  return code;
}

export async function runStatus(options: CommonOptions, io: Io): Promise<number> {
  let session: Session | undefined;
  try {
    session = await openSession(options, io);
    const s = session;
    const controls = await withEndpointFallback(s, options, io, () =>
      s.connection.listControls(s.manifest.controlPanelArn),
    );
    const byArn = new Map(controls.map((c) => [c.RoutingControlArn, c]));
    const states = {} as States;
    for (const side of SIDES) {
      const found = byArn.get(s.manifest.routingControls[side].arn);
      if (!found || (found.RoutingControlState !== 'On' && found.RoutingControlState !== 'Off')) {
        throw new InputError(
          `routing control ${s.manifest.routingControls[side].arn} (${side}) is not in control panel ${s.manifest.controlPanelArn}`,
        );
      }
      states[side] = found.RoutingControlState;
    }
    const serving = servingSide(states);
    const healthChecks = await healthCheckStatuses(s.manifest, options);
    const names = [];
    for (const name of s.manifest.failoverNames) {
      const entry: { name: string; serves: Side; resolvesTo?: string } = { name, serves: serving };
      if (options.resolve) entry.resolvesTo = await resolveName(name);
      names.push(entry);
    }
    const answered = s.connection.lastAnswered;
    if (options.json) {
      io.out(
        JSON.stringify(
          {
            command: 'status',
            ok: true,
            states,
            serving,
            regions: {
              primary: s.manifest.routingControls.primary.region,
              secondary: s.manifest.routingControls.secondary.region,
            },
            healthChecks,
            failoverNames: names,
            endpoint: answered,
            endpointSource: s.endpointSource,
            manifestSource: s.manifestSource,
            attempts: attemptsSummary(s.connection.attempts),
          },
          null,
          2,
        ),
      );
    } else {
      io.out(`Routing controls (answered by the ${answered.region} endpoint):`);
      for (const side of SIDES) {
        const hc = healthChecks[side];
        io.out(
          `  ${side.padEnd(9)} ${s.manifest.routingControls[side].region.padEnd(14)} ${states[side].padEnd(3)}  health check ${hc.id}: ${hc.status}`,
        );
      }
      if (states.primary === states.secondary) {
        io.out(`  (both ${states.primary}: Route 53 serves the primary; run activate to set a clear active side)`);
      }
      io.out(`Failover names serve the ${serving} (${s.manifest.routingControls[serving].region}):`);
      for (const n of names)
        io.out(
          `  ${n.name} -> ${n.serves}.<consumer zone>${n.resolvesTo ? `  [resolves here to ${n.resolvesTo}]` : ''}`,
        );
    }
    return EXIT.ok;
  } catch (e) {
    return fail(
      io,
      options,
      'status',
      e,
      session ? { attempts: attemptsSummary(session.connection.attempts) } : {},
      session?.manifest,
    );
  } finally {
    session?.connection.destroy();
  }
}

async function healthCheckStatuses(manifest: FailoverManifest, options: CommonOptions) {
  // Route 53's API lives in us-east-1: on a bad day it may not answer, which must not fail status.
  const route53 = new Route53Rest({ timeoutMs: Math.max(2000, options.attemptTimeoutMs * 2), maxAttempts: 1 });
  const result = {} as Record<Side, { id: string; status: string }>;
  await Promise.all(
    SIDES.map(async (side) => {
      const id = manifest.routingControls[side].healthCheckId;
      try {
        const observations = await route53.getHealthCheckStatus(id);
        const healthy = observations.filter((o) => /^success/i.test(o.status)).length;
        result[side] = {
          id,
          status:
            observations.length === 0 ? 'no observations' : `${healthy}/${observations.length} checkers report healthy`,
        };
      } catch (e) {
        result[side] = { id, status: `unknown (${(e as Error).name}: ${(e as Error).message.slice(0, 120)})` };
      }
    }),
  );
  return result;
}

async function resolveName(name: string): Promise<string> {
  try {
    const cnames = await dns.resolveCname(name);
    return cnames.join(', ');
  } catch (e) {
    return `not resolvable from this host (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`;
  }
}

export async function runActivate(target: Side, options: CommonOptions, io: Io): Promise<number> {
  let session: Session | undefined;
  const started = Date.now();
  try {
    session = await openSession(options, io);
    const s = session;
    const m = s.manifest;
    const want = { [target]: 'On', [other(target)]: 'Off' } as States;
    if (options.dryRun) {
      const current = await withEndpointFallback(s, options, io, () => readStates(s));
      const refusal = predictRefusal(m, want, options.overrideSafetyRules);
      const plan = SIDES.map((side) => ({ arn: m.routingControls[side].arn, state: want[side] }));
      if (options.json) {
        io.out(
          JSON.stringify(
            {
              command: 'activate',
              target,
              dryRun: true,
              ok: true,
              current,
              planned: plan,
              wouldBeRefusedBy: refusal ?? null,
            },
            null,
            2,
          ),
        );
      } else {
        io.out(`DRY RUN: nothing changed.`);
        io.out(`Now:     ${describeStates(m, current)}`);
        io.out(`Would send one UpdateRoutingControlStates call:`);
        for (const p of plan) io.out(`  ${p.arn} -> ${p.state}`);
        if (options.overrideSafetyRules.length > 0)
          io.out(`  overriding safety rules: ${options.overrideSafetyRules.join(', ')}`);
        io.out(refusal ? `It would be refused by the ${refusal}.` : `The safety rules would accept it.`);
        io.out(`After:   ${describeStates(m, want)}`);
      }
      return EXIT.ok;
    }
    const result = await withEndpointFallback(s, options, io, () =>
      flip(s, target, options.overrideSafetyRules, progress(io, options)),
    );
    const elapsedMs = Date.now() - started;
    if (options.json) {
      io.out(
        JSON.stringify(
          {
            command: 'activate',
            target,
            ok: true,
            states: result.states,
            serving: servingSide(result.states),
            elapsedMs,
            updateMs: result.updateMs,
            confirmMs: result.confirmMs,
            endpoint: s.connection.lastAnswered,
            endpointSource: s.endpointSource,
            attempts: attemptsSummary(s.connection.attempts),
          },
          null,
          2,
        ),
      );
    } else {
      io.out(
        `ACTIVATED ${target} (${m.routingControls[target].region}) in ${seconds(elapsedMs)} (update ${seconds(result.updateMs)}, confirm ${seconds(result.confirmMs)}, via the ${s.connection.lastAnswered.region} endpoint).`,
      );
      io.out(`Confirmed: ${describeStates(m, result.states)}.`);
      io.out(`Resolvers pick up the change within the record TTL.`);
    }
    return EXIT.ok;
  } catch (e) {
    return fail(
      io,
      options,
      'activate',
      e,
      {
        target,
        elapsedMs: Date.now() - started,
        ...(session ? { attempts: attemptsSummary(session.connection.attempts) } : {}),
      },
      session?.manifest,
    );
  } finally {
    session?.connection.destroy();
  }
}

export async function runDrill(options: CommonOptions, io: Io): Promise<number> {
  let session: Session | undefined;
  const steps: { step: string; ms: number; states?: States }[] = [];
  const log = progress(io, options);
  try {
    session = await openSession(options, io);
    const s = session;
    const m = s.manifest;
    let t = Date.now();
    const initial = await withEndpointFallback(s, options, io, () => readStates(s));
    steps.push({ step: 'read states', ms: Date.now() - t, states: initial });
    const from = servingSide(initial);
    const to = other(from);
    // ARC refuses a change to the same controls within the safety rules' wait period.
    const holdMs = options.holdSeconds !== undefined ? options.holdSeconds * 1000 : (m.waitPeriodMs ?? 5000) + 1000;
    if (options.dryRun) {
      const msg = `DRY RUN: would fail over ${from} -> ${to}, hold ${seconds(holdMs)}, then fail back ${to} -> ${from}. Now: ${describeStates(m, initial)}.`;
      if (options.json)
        io.out(JSON.stringify({ command: 'drill', dryRun: true, ok: true, from, to, current: initial }, null, 2));
      else io.out(msg);
      return EXIT.ok;
    }
    log(`drill: failing over ${from} -> ${to}`);
    t = Date.now();
    const over = await withEndpointFallback(s, options, io, () => flip(s, to, options.overrideSafetyRules, log));
    steps.push({ step: `fail over to ${to}`, ms: Date.now() - t, states: over.states });
    log(`drill: holding ${seconds(holdMs)} (safety rule wait period)`);
    await new Promise((r) => setTimeout(r, holdMs));
    log(`drill: failing back ${to} -> ${from}`);
    t = Date.now();
    let back: FlipResult;
    try {
      back = await withEndpointFallback(s, options, io, () => flip(s, from, options.overrideSafetyRules, log));
    } catch (e) {
      io.err(
        `WARNING: failing back did not complete; the failover names still serve the ${to}. Run: npm run failover -- activate ${from}`,
      );
      throw e;
    }
    steps.push({ step: `fail back to ${from}`, ms: Date.now() - t, states: back.states });
    const total = steps.reduce((sum, x) => sum + x.ms, 0) + holdMs;
    if (options.json) {
      io.out(
        JSON.stringify(
          {
            command: 'drill',
            ok: true,
            from,
            to,
            holdMs,
            steps,
            totalMs: total,
            attempts: attemptsSummary(s.connection.attempts),
          },
          null,
          2,
        ),
      );
    } else {
      io.out(`DRILL PASSED: ${from} -> ${to} -> ${from}`);
      for (const x of steps) io.out(`  ${x.step.padEnd(24)} ${seconds(x.ms)}`);
      io.out(`  ${'held'.padEnd(24)} ${seconds(holdMs)}`);
      if (initial.primary === initial.secondary) {
        io.out(`  (the controls were both ${initial.primary} before; now ${from} is On and ${to} is Off)`);
      }
      io.out(`Now: ${describeStates(m, back.states)}.`);
    }
    return EXIT.ok;
  } catch (e) {
    return fail(io, options, 'drill', e, { steps }, session?.manifest);
  } finally {
    session?.connection.destroy();
  }
}

export async function runManifest(options: CommonOptions, io: Io): Promise<number> {
  try {
    const manifest = options.manifestFile
      ? manifestFromFile(options.manifestFile)
      : (
          await manifestFromSsm(
            options.parameterName,
            options.ssmRegions,
            Math.max(2000, options.attemptTimeoutMs * 2),
            progress(io, options),
          )
        ).manifest;
    io.out(JSON.stringify(manifest, null, 2));
    return EXIT.ok;
  } catch (e) {
    return fail(io, options, 'manifest', e);
  }
}

export { VerificationError };
