// Talks to an ARC cluster's data plane through its regional endpoints. ARC keeps at least three of
// the five up; on a bad day an impaired Region takes more with it, and a dead endpoint may refuse
// connections, accept them and never answer, answer slowly, or throttle. So every call is hedged:
// sent to one endpoint (or `hedgeFanOut`), and to one more whenever an attempt fails or a short
// hedge delay passes without an answer; the first answer wins and the rest are cancelled. A dead
// endpoint then costs at most one hedge delay instead of a whole attempt timeout. Every attempt
// is still bounded by its own timeout (doubled on each try of the same endpoint) and the whole
// call by a deadline.
import {
  GetRoutingControlStateCommand,
  ListRoutingControlsCommand,
  type RoutingControl,
  Route53RecoveryClusterClient,
  UpdateRoutingControlStatesCommand,
} from '@aws-sdk/client-route53-recovery-cluster';
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import type { AwsCredentialIdentityProvider } from '@smithy/types';
import type { ClusterEndpoint } from '../../lambda/privatelink-failover/core/manifest';

export type AttemptOutcome =
  | 'ok'
  | 'timeout'
  | 'refused'
  | 'network'
  | 'throttled'
  | 'unavailable'
  | 'conflict'
  | 'rejected'
  /** Another endpoint answered first. */
  | 'cancelled';

export interface Attempt {
  readonly operation: string;
  readonly endpoint: string;
  readonly region: string;
  readonly outcome: AttemptOutcome;
  readonly ms: number;
  readonly detail?: string;
}

export interface ClusterConnectionOptions {
  /** Timeout of the first attempt at an endpoint; each later try of it doubles it (up to 8 s). */
  readonly attemptTimeoutMs: number;
  /** Endpoints asked at once before any hedge delay passes. @default 1 */
  readonly hedgeFanOut?: number;
  /** Time without an answer after which one more endpoint is asked (Infinity: never). @default 250 */
  readonly hedgeDelayMs?: number;
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
    endpoints: readonly ClusterEndpoint[],
    deadlineMs: number,
  ) {
    // One line however many attempts: per endpoint, how often each outcome came.
    const summary = endpoints
      .map((e) => {
        const counts = new Map<string, number>();
        for (const a of attempts.filter((x) => x.endpoint === e.endpoint)) {
          counts.set(a.outcome, (counts.get(a.outcome) ?? 0) + 1);
        }
        const tally = [...counts].map(([outcome, k]) => (k > 1 ? `${k}x ${outcome}` : outcome)).join('/');
        return `${e.region} ${tally || 'not tried'}`;
      })
      .join(', ');
    super(
      `none of the ${endpoints.length} cluster endpoints answered ${operation} within ${deadlineMs} ms (${attempts.length} attempts: ${summary})`,
    );
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
    // One credential chain for all endpoints, so hedged calls resolve credentials once.
    const credentials = options.credentials ?? defaultProvider();
    this.clients = endpoints.map(
      (e) =>
        new Route53RecoveryClusterClient({
          region: e.region,
          // A cluster endpoint is the cluster's own address, so it is always given explicitly; the
          // SDK's standard settings still supply credentials, and the other clients' endpoints.
          endpoint: e.endpoint,
          credentials,
          // One try per attempt: asking another endpoint beats retrying a sick one. Each attempt's
          // timeout (connect and answer) and its cancellation are its abort signal.
          maxAttempts: 1,
        }),
    );
  }

  /** The endpoint that answered last. */
  get lastAnswered(): ClusterEndpoint {
    return this.endpoints[this.preferred]!;
  }

  /**
   * Runs `fn` against several endpoints at once (hedged): first `hedgeFanOut` of them (the last
   * one that answered first), then one more each time an attempt fails or `hedgeDelayMs` passes
   * without an answer, up to all of them. The first answer wins and the other attempts are
   * cancelled. A final refusal (safety rule, validation, access) is thrown at once as
   * {@link ArcRejectedError}.
   */
  call<T>(
    operation: string,
    fn: (client: Route53RecoveryClusterClient, signal: AbortSignal) => Promise<T>,
  ): Promise<T> {
    const { attemptTimeoutMs, callDeadlineMs, hedgeFanOut = 1, hedgeDelayMs = 250 } = this.options;
    const rules = this.options.safetyRules ?? [];
    const n = this.clients.length;
    const deadline = Date.now() + callDeadlineMs;
    // Endpoint indexes, the preferred one first; tries and earliest next start per endpoint.
    const order = Array.from({ length: n }, (_, i) => (this.preferred + i) % n);
    const tries = new Array<number>(n).fill(0);
    const readyAt = new Array<number>(n).fill(0);
    const running = new Map<number, { controller: AbortController; started: number }>();
    const mine: Attempt[] = [];
    let wanted = Math.min(Math.max(1, hedgeFanOut), n);
    let conflict: Error | undefined;
    let settled = false;
    const timers = new Set<NodeJS.Timeout>();
    const later = (ms: number, f: () => void) => {
      const t = setTimeout(() => {
        timers.delete(t);
        f();
      }, ms);
      timers.add(t);
    };

    return new Promise<T>((resolve, reject) => {
      const attempt = (index: number, outcome: AttemptOutcome, started: number, detail?: string) => {
        const endpoint = this.endpoints[index]!;
        this.record(mine, {
          operation,
          endpoint: endpoint.endpoint,
          region: endpoint.region,
          outcome,
          ms: Date.now() - started,
          ...(detail ? { detail } : {}),
        });
      };
      const finish = (done: () => void, cancelled: 'cancelled' | 'timeout' = 'cancelled') => {
        settled = true;
        for (const t of timers) clearTimeout(t);
        timers.clear();
        // The others lost (or ran out of time): cancel them; their late answers are ignored.
        for (const [index, run] of running) {
          run.controller.abort();
          attempt(
            index,
            cancelled,
            run.started,
            cancelled === 'timeout' ? 'no answer by the call deadline' : undefined,
          );
        }
        running.clear();
        done();
      };
      const start = (index: number) => {
        const controller = new AbortController();
        const started = Date.now();
        const budget = Math.max(1, Math.min(attemptTimeoutMs * 2 ** tries[index]!, 8000, deadline - started));
        tries[index]!++;
        running.set(index, { controller, started });
        const timer = setTimeout(() => controller.abort(), budget);
        fn(this.clients[index]!, controller.signal).then(
          (result) => {
            clearTimeout(timer);
            if (settled) return;
            running.delete(index);
            attempt(index, 'ok', started);
            this.preferred = index;
            finish(() => resolve(result));
          },
          (e: unknown) => {
            clearTimeout(timer);
            if (settled) return;
            running.delete(index);
            const { outcome, detail } = controller.signal.aborted
              ? { outcome: 'timeout' as const, detail: `no answer within ${budget} ms` }
              : classify(e, rules);
            attempt(index, outcome, started, detail);
            if (outcome === 'rejected') {
              this.preferred = index;
              const error = e as Error;
              finish(() => reject(new ArcRejectedError(error.name, error.message, rulesNamedIn(error.message, rules))));
              return;
            }
            // A conflict means the cluster is reachable: give the conflicting change a moment.
            // Otherwise a short pause that grows with each try, so a throttling endpoint can recover.
            if (outcome === 'conflict') {
              this.preferred = index;
              conflict = e as Error;
            }
            readyAt[index] = Date.now() + (outcome === 'conflict' ? 250 : 200 * tries[index]!);
            fill();
          },
        );
      };
      // Keeps `wanted` attempts running: the endpoint tried least often (preferred order) that is ready.
      const fill = () => {
        while (!settled && running.size < wanted) {
          const now = Date.now();
          const idle = order.filter((i) => !running.has(i));
          const ready = idle.filter((i) => readyAt[i]! <= now);
          if (ready.length === 0) {
            if (idle.length > 0) later(Math.min(...idle.map((i) => readyAt[i]!)) - now, fill);
            return;
          }
          start(ready.reduce((best, i) => (tries[i]! < tries[best]! ? i : best)));
        }
      };
      const hedge = () => {
        if (wanted >= n || !Number.isFinite(hedgeDelayMs)) return;
        later(hedgeDelayMs, () => {
          wanted++;
          fill();
          hedge();
        });
      };
      later(Math.max(0, deadline - Date.now()), () => {
        const lastAnswer = mine.filter((a) => a.outcome !== 'timeout').at(-1);
        finish(
          () =>
            reject(
              conflict && lastAnswer?.outcome === 'conflict'
                ? new ArcRejectedError(conflict.name, conflict.message)
                : new NoEndpointAnsweredError(operation, mine, this.endpoints, callDeadlineMs),
            ),
          'timeout',
        );
      });
      fill();
      hedge();
    });
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
