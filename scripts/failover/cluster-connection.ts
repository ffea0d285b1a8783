// Talks to an ARC cluster's data plane through its regional endpoints, trying them in turn with
// short per-attempt timeouts until one answers. ARC keeps at least three of the five up; on a bad
// day an impaired Region takes more with it, and a dead endpoint may refuse connections, accept
// them and never answer, answer slowly, or throttle. Every attempt is bounded by its own timeout
// (doubled on each new round, for a slow network) and the whole call by a deadline.
import {
  GetRoutingControlStateCommand,
  ListRoutingControlsCommand,
  type RoutingControl,
  Route53RecoveryClusterClient,
  UpdateRoutingControlStatesCommand,
} from '@aws-sdk/client-route53-recovery-cluster';
import type { AwsCredentialIdentityProvider } from '@smithy/types';
import type { ClusterEndpoint } from '../../lambda/privatelink-failover/manifest';

export type AttemptOutcome =
  'ok' | 'timeout' | 'refused' | 'network' | 'throttled' | 'unavailable' | 'conflict' | 'rejected';

export interface Attempt {
  readonly operation: string;
  readonly endpoint: string;
  readonly region: string;
  readonly outcome: AttemptOutcome;
  readonly ms: number;
  readonly detail?: string;
}

export interface ClusterConnectionOptions {
  /** First-round timeout of one attempt; each later round doubles it (up to 8 s). */
  readonly attemptTimeoutMs: number;
  /** Time budget of one logical call across all endpoints and rounds. */
  readonly callDeadlineMs: number;
  /** @default - the SDK's default credential chain (shared by all endpoints) */
  readonly credentials?: AwsCredentialIdentityProvider;
  /** Called after every attempt (for progress output). */
  readonly onAttempt?: (attempt: Attempt) => void;
  /** ARNs of the control panel's safety rules, recognised in refusals. @default - none */
  readonly safetyRules?: readonly string[];
}

/** ARC answered and refused the request (safety rule, validation, access): trying elsewhere cannot help. */
export class ArcRejectedError extends Error {
  constructor(
    readonly code: string,
    message: string,
    /** The safety rules the refusal names (empty when it names none). */
    readonly blockingRules: readonly string[] = [],
  ) {
    super(message);
    this.name = 'ArcRejectedError';
  }
}

/**
 * The safety rules (of `ruleArns`) a refusal's message names. ARC documents that the message of a
 * refusal names the blocking rule, in its example as control panel ID and rule ID run together
 * (https://docs.aws.amazon.com/r53recovery/latest/dg/routing-control.override-safety-rule.html,
 * https://docs.aws.amazon.com/r53recovery/latest/dg/getting-started-cli-routing-config.html), so
 * a rule counts as named when its ID (the ARN's last segment) is in the message.
 */
export function rulesNamedIn(message: string, ruleArns: readonly string[]): string[] {
  return ruleArns.filter((arn) => {
    const id = arn.split('/').at(-1) ?? '';
    return id.length > 0 && message.includes(id);
  });
}

/** No endpoint answered within the deadline. */
export class NoEndpointAnsweredError extends Error {
  constructor(
    readonly operation: string,
    readonly attempts: readonly Attempt[],
  ) {
    const summary = attempts.map((a) => `${a.region} ${a.outcome}`).join(', ');
    super(`no cluster endpoint answered ${operation} (${attempts.length} attempts: ${summary})`);
    this.name = 'NoEndpointAnsweredError';
  }
}

// ConflictException is not among them: the API reference documents it as "There was a conflict
// with this request. Try again." (a concurrent change), unless it names a safety rule.
const REJECTIONS = new Set([
  'ValidationException',
  'AccessDeniedException',
  'ResourceNotFoundException',
  'ServiceLimitExceededException',
  'UnrecognizedClientException',
  'InvalidSignatureException',
  'ExpiredTokenException',
]);

/**
 * How an attempt failed: `rejected` when ARC answered with a final refusal (a client error, or any
 * answer naming one of `safetyRules`), `conflict` for a ConflictException naming no rule (try
 * again), otherwise a reason to try another endpoint.
 */
export function classify(
  error: unknown,
  safetyRules: readonly string[] = [],
): { outcome: Exclude<AttemptOutcome, 'ok'>; detail: string } {
  const e = error as Error & {
    code?: string;
    cause?: { code?: string };
    $fault?: string;
    $metadata?: { httpStatusCode?: number };
  };
  const code = e?.code ?? e?.cause?.code ?? '';
  const name = e?.name ?? '';
  const detail = `${name}${e?.message ? `: ${e.message}` : ''}`.slice(0, 200);
  const answered = e?.$fault !== undefined || (e?.$metadata?.httpStatusCode ?? 0) > 0;
  if (answered && rulesNamedIn(e?.message ?? '', safetyRules).length > 0) return { outcome: 'rejected', detail };
  if (name === 'ConflictException') return { outcome: 'conflict', detail };
  if (REJECTIONS.has(name)) return { outcome: 'rejected', detail };
  if (name === 'ThrottlingException' || name === 'TooManyRequestsException') return { outcome: 'throttled', detail };
  if (
    name === 'AbortError' ||
    name === 'TimeoutError' ||
    /timed? ?out/i.test(e?.message ?? '') ||
    code === 'ETIMEDOUT'
  ) {
    return { outcome: 'timeout', detail };
  }
  if (code === 'ECONNREFUSED' || /ECONNREFUSED/.test(e?.message ?? '')) return { outcome: 'refused', detail };
  if (
    (e?.$metadata?.httpStatusCode ?? 0) >= 500 ||
    name === 'EndpointTemporarilyUnavailableException' ||
    name === 'InternalServerException'
  ) {
    return { outcome: 'unavailable', detail };
  }
  return { outcome: 'network', detail };
}

export class ClusterConnection {
  private readonly clients: Route53RecoveryClusterClient[];
  /** The endpoint that last answered: tried first next time. */
  private preferred = 0;
  readonly attempts: Attempt[] = [];

  constructor(
    readonly endpoints: readonly ClusterEndpoint[],
    private readonly options: ClusterConnectionOptions,
  ) {
    if (endpoints.length === 0) throw new Error('no cluster endpoints to try');
    this.clients = endpoints.map(
      (e) =>
        new Route53RecoveryClusterClient({
          region: e.region,
          // A cluster endpoint is the cluster's own address, so it is always given explicitly; the
          // SDK's standard settings still supply credentials, and the other clients' endpoints.
          endpoint: e.endpoint,
          credentials: options.credentials,
          // One try per endpoint: moving to the next endpoint beats retrying a sick one. Each
          // attempt's timeout (connect and answer) is its abort signal, which grows per round.
          maxAttempts: 1,
        }),
    );
  }

  /** The endpoint that answered last. */
  get lastAnswered(): ClusterEndpoint {
    return this.endpoints[this.preferred]!;
  }

  /**
   * Runs `fn` against the endpoints in turn (the last one that answered first) until one answers.
   * A final refusal (safety rule, validation, access) is thrown at once as {@link ArcRejectedError}.
   */
  async call<T>(
    operation: string,
    fn: (client: Route53RecoveryClusterClient, signal: AbortSignal) => Promise<T>,
  ): Promise<T> {
    const deadline = Date.now() + this.options.callDeadlineMs;
    const mine: Attempt[] = [];
    const rules = this.options.safetyRules ?? [];
    let conflict: Error | undefined;
    let timeout = this.options.attemptTimeoutMs;
    for (let round = 0; Date.now() < deadline; round++) {
      for (let i = 0; i < this.clients.length && Date.now() < deadline; i++) {
        const index = (this.preferred + i) % this.clients.length;
        const endpoint = this.endpoints[index]!;
        const controller = new AbortController();
        const budget = Math.max(1, Math.min(timeout, deadline - Date.now()));
        const timer = setTimeout(() => controller.abort(), budget);
        const started = Date.now();
        try {
          const result = await fn(this.clients[index]!, controller.signal);
          this.record(mine, {
            operation,
            endpoint: endpoint.endpoint,
            region: endpoint.region,
            outcome: 'ok',
            ms: Date.now() - started,
          });
          this.preferred = index;
          return result;
        } catch (e) {
          const { outcome, detail } = controller.signal.aborted
            ? { outcome: 'timeout' as const, detail: `no answer within ${budget} ms` }
            : classify(e, rules);
          this.record(mine, {
            operation,
            endpoint: endpoint.endpoint,
            region: endpoint.region,
            outcome,
            ms: Date.now() - started,
            detail,
          });
          if (outcome === 'rejected') {
            this.preferred = index;
            throw new ArcRejectedError(
              (e as Error).name,
              (e as Error).message,
              rulesNamedIn((e as Error).message, rules),
            );
          }
          // The endpoint answered, so the cluster is reachable: let the conflicting change finish.
          if (outcome === 'conflict') {
            this.preferred = index;
            conflict = e as Error;
            await new Promise((r) => setTimeout(r, Math.min(250, Math.max(0, deadline - Date.now()))));
          }
        } finally {
          clearTimeout(timer);
        }
      }
      timeout = Math.min(timeout * 2, 8000);
      // A short pause before the next round, so throttling endpoints can recover.
      const pause = Math.min(200 * (round + 1), Math.max(0, deadline - Date.now()));
      if (pause > 0) await new Promise((r) => setTimeout(r, pause));
    }
    if (conflict && mine.at(-1)?.outcome === 'conflict') {
      throw new ArcRejectedError(conflict.name, conflict.message);
    }
    throw new NoEndpointAnsweredError(operation, mine);
  }

  private record(mine: Attempt[], attempt: Attempt): void {
    mine.push(attempt);
    this.attempts.push(attempt);
    this.options.onAttempt?.(attempt);
  }

  async getState(arn: string): Promise<'On' | 'Off'> {
    const out = await this.call('GetRoutingControlState', (c, abortSignal) =>
      c.send(new GetRoutingControlStateCommand({ RoutingControlArn: arn }), { abortSignal }),
    );
    if (out.RoutingControlState !== 'On' && out.RoutingControlState !== 'Off') {
      throw new Error(`GetRoutingControlState returned ${String(out.RoutingControlState)} for ${arn}`);
    }
    return out.RoutingControlState;
  }

  /** All routing controls of a control panel (every page; each page may come from another endpoint). */
  async listControls(controlPanelArn: string): Promise<RoutingControl[]> {
    const all: RoutingControl[] = [];
    let nextToken: string | undefined;
    do {
      const token = nextToken;
      const page = await this.call('ListRoutingControls', (c, abortSignal) =>
        c.send(new ListRoutingControlsCommand({ ControlPanelArn: controlPanelArn, NextToken: token }), { abortSignal }),
      );
      all.push(...(page.RoutingControls ?? []));
      nextToken = page.NextToken;
    } while (nextToken);
    return all;
  }

  /** One UpdateRoutingControlStates call (atomic on the cluster). Safe to repeat: states are absolute. */
  async updateStates(entries: { arn: string; state: 'On' | 'Off' }[], overrideRules: readonly string[]): Promise<void> {
    await this.call('UpdateRoutingControlStates', (c, abortSignal) =>
      c.send(
        new UpdateRoutingControlStatesCommand({
          UpdateRoutingControlStateEntries: entries.map((e) => ({
            RoutingControlArn: e.arn,
            RoutingControlState: e.state,
          })),
          SafetyRulesToOverride: overrideRules.length > 0 ? [...overrideRules] : undefined,
        }),
        { abortSignal },
      ),
    );
  }

  destroy(): void {
    for (const c of this.clients) c.destroy();
  }
}
