// A local stand-in for Route 53 ARC, speaking its wire protocols so the real SDK clients
// serialize, parse errors and retry as they would against AWS:
//   - the cluster data plane (`route53-recovery-cluster`, AWS JSON 1.0, target prefix
//     ToggleCustomerAPI): GetRoutingControlState, ListRoutingControls (paginated),
//     UpdateRoutingControlState and UpdateRoutingControlStates with assertion safety rules
//     (ATLEAST/AND/OR, inverted, wait period, SafetyRulesToOverride);
//   - the control plane's DescribeCluster (`route53-recovery-control-config`, REST JSON).
// Several endpoint servers share one cluster state, like the five regional endpoints of a real
// cluster, and each can be made to misbehave: refuse connections, accept and never answer
// (black hole), answer slowly, throttle, or report itself unavailable. Each endpoint records the
// requests whose client went away before the answer (a cancelled hedge), can hold requests until
// a promise settles (to order copies of one call across endpoints), and can apply a request at
// once but hold back its answer.
//
// Safety rule semantics modelled (as ARC documents them): a batch update is applied atomically;
// every assertion rule on the touched controls, except the overridden ones, must hold for the
// resulting states, and no asserted control may change within a rule's wait period after the
// last change; otherwise the whole batch is refused. The refusal's message has the shape of the
// developer guide's example ("Cannot modify control state for [...] due to failed rule
// evaluation <control panel ID><rule ID>",
// https://docs.aws.amazon.com/r53recovery/latest/dg/getting-started-cli-routing-config.html);
// which exception carries it is not documented, so it is configurable (`refusalType`). A bare
// ConflictException that names no rule ("There was a conflict with this request. Try again.",
// API reference) can be injected with `conflictsToAnswer`.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import type { ClusterEndpoint, FailoverManifest, Side } from '../../lambda/privatelink-failover/core/manifest';

export type ControlState = 'On' | 'Off';

export interface LocalRoutingControl {
  readonly arn: string;
  readonly name: string;
  readonly controlPanelArn: string;
  state: ControlState;
}

export interface LocalAssertionRule {
  readonly arn: string;
  readonly name: string;
  readonly type: 'ATLEAST' | 'AND' | 'OR';
  readonly threshold: number;
  readonly inverted: boolean;
  readonly assertedControls: readonly string[];
  readonly waitPeriodMs: number;
}

class ApiError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

/** The state every endpoint of one cluster shares. */
export class LocalClusterState {
  readonly controlPanels = new Map<string, string>();
  readonly controls = new Map<string, LocalRoutingControl>();
  readonly rules: LocalAssertionRule[] = [];
  /** Accepted UpdateRoutingControlState(s) calls, in order. */
  readonly updates: { entries: { arn: string; state: ControlState }[]; overridden: string[] }[] = [];
  private readonly lastChange = new Map<string, number>();
  status = 'DEPLOYED';
  /** The exception a safety rule refusal comes as (undocumented: tests try both). */
  refusalType: 'ConflictException' | 'ValidationException' = 'ConflictException';
  /** Answers this many updates with a ConflictException that names no rule first. */
  conflictsToAnswer = 0;
  private updateWaiters: (() => void)[] = [];

  constructor(
    readonly clusterArn: string,
    readonly clusterName: string,
  ) {}

  addControlPanel(arn: string, name: string): void {
    this.controlPanels.set(arn, name);
  }

  addControl(control: Omit<LocalRoutingControl, 'state'> & { state?: ControlState }): void {
    this.controls.set(control.arn, { ...control, state: control.state ?? 'Off' });
  }

  addRule(rule: LocalAssertionRule): void {
    this.rules.push(rule);
  }

  get(arn: string): LocalRoutingControl {
    const control = this.controls.get(arn);
    if (!control) throw new ApiError('ResourceNotFoundException', `Routing control ${arn} not found`, 404);
    return control;
  }

  /** Applies a batch atomically, or throws the error ARC would answer. */
  update(entries: { arn: string; state: ControlState }[], overridden: readonly string[] = []): void {
    if (entries.length === 0)
      throw new ApiError('ValidationException', 'UpdateRoutingControlStateEntries is empty', 400);
    const next = new Map([...this.controls.values()].map((c) => [c.arn, c.state]));
    for (const e of entries) {
      this.get(e.arn);
      if (e.state !== 'On' && e.state !== 'Off') {
        throw new ApiError('ValidationException', `RoutingControlState must be On or Off, got ${e.state}`, 400);
      }
      next.set(e.arn, e.state);
    }
    if (this.conflictsToAnswer > 0) {
      this.conflictsToAnswer--;
      throw new ApiError('ConflictException', 'There was a conflict with this request. Try again.', 409);
    }
    const touched = new Set(entries.map((e) => e.arn));
    const now = Date.now();
    const ids = (arn: string) => arn.split('controlpanel/')[1]!.replace(/\/(routingcontrol|safetyrule)\//, '');
    const refuse = (rule: LocalAssertionRule, why: string) =>
      new ApiError(
        this.refusalType,
        `Cannot modify control state for [${entries.map((e) => ids(e.arn)).join(' ')}] due to failed rule evaluation ${ids(rule.arn)}${why}`,
        this.refusalType === 'ConflictException' ? 409 : 400,
      );
    for (const rule of this.rules) {
      if (overridden.includes(rule.arn) || !rule.assertedControls.some((a) => touched.has(a))) continue;
      const since = Math.max(...rule.assertedControls.map((a) => this.lastChange.get(a) ?? 0));
      if (rule.waitPeriodMs > 0 && now - since < rule.waitPeriodMs) throw refuse(rule, ' (wait period)');
      if (!evaluateAssertionRule(rule, next)) throw refuse(rule, '');
    }
    for (const e of entries) {
      const control = this.get(e.arn);
      if (control.state !== e.state) this.lastChange.set(e.arn, now);
      control.state = e.state;
    }
    this.updates.push({ entries, overridden: [...overridden] });
    for (const resolve of this.updateWaiters.splice(0)) resolve();
  }

  /** Settles when the next update is applied. */
  nextUpdate(): Promise<void> {
    return new Promise((resolve) => this.updateWaiters.push(resolve));
  }
}

/** Whether an assertion rule holds for the given states (ATLEAST n / AND / OR over its controls, then inverted). */
export function evaluateAssertionRule(
  rule: Pick<LocalAssertionRule, 'type' | 'threshold' | 'inverted' | 'assertedControls'>,
  states: ReadonlyMap<string, ControlState>,
): boolean {
  const on = rule.assertedControls.filter((a) => states.get(a) === 'On').length;
  const result =
    rule.type === 'ATLEAST' ? on >= rule.threshold : rule.type === 'AND' ? on === rule.assertedControls.length : on > 0;
  return rule.inverted ? !result : result;
}

export type EndpointMode = 'up' | 'refuse' | 'blackhole' | 'slow' | 'throttle' | 'unavailable';

abstract class LocalHttpServer {
  protected server?: Server;
  private readonly sockets = new Set<Socket>();
  port = 0;

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async listen(port = 0): Promise<void> {
    const server = createServer((req, res) => void this.dispatch(req, res));
    server.on('connection', (s) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  async close(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const s of this.sockets) s.destroy();
    if (server) await new Promise<void>((r) => server.close(() => r()));
  }

  private async dispatch(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    await this.handle(req, Buffer.concat(chunks).toString('utf8'), res);
  }

  protected abstract handle(req: IncomingMessage, body: string, res: ServerResponse): Promise<void>;
}

function sendJson(res: ServerResponse, status: number, body: unknown, contentType: string, errorType?: string): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': contentType,
    'content-length': Buffer.byteLength(text),
    'x-amzn-requestid': `req-${Math.random().toString(36).slice(2)}`,
    ...(errorType ? { 'x-amzn-errortype': errorType } : {}),
  });
  res.end(text);
}

/** One regional endpoint of the cluster data plane. */
export class LocalClusterEndpoint extends LocalHttpServer {
  mode: EndpointMode = 'up';
  /** Delay of a `slow` endpoint. */
  slowMs = 3000;
  /** Operations this endpoint answered or swallowed, in order. */
  readonly calls: string[] = [];
  /** Operations whose client closed the connection before the answer was sent. */
  readonly aborted: string[] = [];
  /** Requests wait for this before they are served. */
  holdUntil?: Promise<unknown>;
  /** Requests are served at once, but their answer is sent this much later. */
  answerDelayMs = 0;

  constructor(
    readonly region: string,
    private readonly cluster: LocalClusterState,
  ) {
    super();
  }

  /** The endpoint as DescribeCluster lists it (real ones end in /v1). */
  get endpoint(): ClusterEndpoint {
    return { endpoint: `${this.url}/v1`, region: this.region };
  }

  /** Switches behaviour; `refuse` stops listening (connections are refused), others listen again on the same port. */
  async setMode(mode: EndpointMode): Promise<void> {
    if (mode === 'refuse' && this.server) await this.close();
    if (mode !== 'refuse' && !this.server) await this.listen(this.port);
    this.mode = mode;
  }

  protected async handle(req: IncomingMessage, body: string, res: ServerResponse): Promise<void> {
    const target = String(req.headers['x-amz-target'] ?? '');
    const op = target.replace(/^ToggleCustomerAPI\./, '');
    this.calls.push(op);
    res.on('close', () => {
      if (!res.writableEnded) this.aborted.push(op);
    });
    const json = 'application/x-amz-json-1.0';
    if (this.mode === 'blackhole') return; // accept, read, never answer
    await this.holdUntil;
    if (this.mode === 'slow') await new Promise((r) => setTimeout(r, this.slowMs));
    if (this.mode === 'throttle') {
      return sendJson(
        res,
        429,
        { __type: 'ThrottlingException', message: 'Rate exceeded' },
        json,
        'ThrottlingException',
      );
    }
    if (this.mode === 'unavailable') {
      return sendJson(
        res,
        503,
        { __type: 'EndpointTemporarilyUnavailableException', message: `The ${this.region} endpoint is unavailable` },
        json,
        'EndpointTemporarilyUnavailableException',
      );
    }
    try {
      if (!target.startsWith('ToggleCustomerAPI.'))
        throw new ApiError('UnknownOperationException', `unknown target ${target}`, 400);
      const input = JSON.parse(body || '{}') as Record<string, unknown>;
      const output = this.operate(op, input);
      await this.answerLater();
      if (!res.destroyed) sendJson(res, 200, output, json);
    } catch (e) {
      const error = e instanceof ApiError ? e : new ApiError('ValidationException', (e as Error).message, 400);
      await this.answerLater();
      if (!res.destroyed) sendJson(res, error.status, { __type: error.type, message: error.message }, json, error.type);
    }
  }

  private async answerLater(): Promise<void> {
    // Unreferenced: a held answer must not keep the process alive once its client is gone.
    if (this.answerDelayMs > 0) await new Promise((r) => setTimeout(r, this.answerDelayMs).unref());
  }

  private operate(op: string, input: Record<string, unknown>): unknown {
    const c = this.cluster;
    switch (op) {
      case 'GetRoutingControlState': {
        const control = c.get(String(input.RoutingControlArn));
        return {
          RoutingControlArn: control.arn,
          RoutingControlState: control.state,
          RoutingControlName: control.name,
        };
      }
      case 'ListRoutingControls': {
        const all = [...c.controls.values()].filter(
          (r) => !input.ControlPanelArn || r.controlPanelArn === input.ControlPanelArn,
        );
        const start = input.NextToken ? Number(String(input.NextToken).replace('page-', '')) : 0;
        const size = Math.max(1, Math.min(Number(input.MaxResults ?? 500), 500));
        const page = all.slice(start, start + size);
        return {
          RoutingControls: page.map((r) => ({
            ControlPanelArn: r.controlPanelArn,
            ControlPanelName: c.controlPanels.get(r.controlPanelArn),
            RoutingControlArn: r.arn,
            RoutingControlName: r.name,
            RoutingControlState: r.state,
            Owner: '111111111111',
          })),
          NextToken: start + size < all.length ? `page-${start + size}` : undefined,
        };
      }
      case 'UpdateRoutingControlState':
        c.update(
          [{ arn: String(input.RoutingControlArn), state: input.RoutingControlState as ControlState }],
          (input.SafetyRulesToOverride as string[] | undefined) ?? [],
        );
        return {};
      case 'UpdateRoutingControlStates': {
        const entries = (input.UpdateRoutingControlStateEntries as Record<string, string>[] | undefined) ?? [];
        c.update(
          entries.map((e) => ({ arn: e.RoutingControlArn ?? '', state: e.RoutingControlState as ControlState })),
          (input.SafetyRulesToOverride as string[] | undefined) ?? [],
        );
        return {};
      }
      default:
        throw new ApiError('UnknownOperationException', `unknown operation ${op}`, 400);
    }
  }
}

/** The control plane's DescribeCluster (REST JSON: GET /cluster/{ClusterArn}). */
export class LocalControlPlane extends LocalHttpServer {
  readonly calls: string[] = [];
  mode: 'up' | 'unavailable' = 'up';
  /** Answers DescribeCluster with PENDING and no endpoints this many times first (a cluster being created). */
  pendingDescribes = 0;

  constructor(private readonly clusters: () => { state: LocalClusterState; endpoints: ClusterEndpoint[] }[]) {
    super();
  }

  protected async handle(req: IncomingMessage, _body: string, res: ServerResponse): Promise<void> {
    const json = 'application/json';
    const match = /^\/cluster\/([^/?]+)$/.exec(req.url ?? '');
    this.calls.push(`${req.method} ${req.url}`);
    if (this.mode === 'unavailable') {
      return sendJson(res, 500, { message: 'internal error' }, json, 'InternalServerException');
    }
    if (req.method !== 'GET' || !match) {
      return sendJson(res, 404, { message: `no route ${req.method} ${req.url}` }, json, 'ResourceNotFoundException');
    }
    const arn = decodeURIComponent(match[1] ?? '');
    const found = this.clusters().find((c) => c.state.clusterArn === arn);
    if (!found) return sendJson(res, 404, { message: `cluster ${arn} not found` }, json, 'ResourceNotFoundException');
    const pending = this.pendingDescribes > 0;
    if (pending) this.pendingDescribes--;
    sendJson(
      res,
      200,
      {
        Cluster: {
          ClusterArn: arn,
          Name: found.state.clusterName,
          Status: pending ? 'PENDING' : found.state.status,
          ClusterEndpoints: pending ? [] : found.endpoints.map((e) => ({ Endpoint: e.endpoint, Region: e.region })),
          Owner: '111111111111',
        },
      },
      json,
    );
  }
}

export const CLUSTER_REGIONS = ['us-east-1', 'us-west-2', 'eu-west-1', 'ap-southeast-2', 'ap-northeast-1'];

export interface LocalArcOptions {
  /** Regions of the endpoints (one server each). @default CLUSTER_REGIONS */
  readonly regions?: readonly string[];
  /** Safety rule wait period. @default 0 */
  readonly waitPeriodMs?: number;
  /** Initial states. @default both Off (as ARC creates them) */
  readonly initial?: Readonly<Record<Side, ControlState>>;
}

/**
 * A whole local ARC: one cluster with a control panel, a primary and a secondary routing
 * control, the two safety rules of the routing control stack, N endpoint servers and a control plane.
 */
export class LocalArc {
  readonly state: LocalClusterState;
  readonly endpoints: LocalClusterEndpoint[];
  readonly controlPlane: LocalControlPlane;
  readonly controlPanelArn = 'arn:aws:route53-recovery-control::111111111111:controlpanel/0a1b2c3d4e5f';
  readonly controlArns: Readonly<Record<Side, string>> = {
    primary: `${this.controlPanelArn}/routingcontrol/primary0001`,
    secondary: `${this.controlPanelArn}/routingcontrol/secondary0001`,
  };
  readonly ruleArns = {
    atLeastOneOn: `${this.controlPanelArn}/safetyrule/atleastone01`,
    atMostOneOn: `${this.controlPanelArn}/safetyrule/atmostone001`,
  };

  private constructor(options: LocalArcOptions) {
    this.state = new LocalClusterState(
      'arn:aws:route53-recovery-control::111111111111:cluster/6f1c7c52-55a4-4e0c-9a51-2d2f2a1b9c01',
      'payments-failover',
    );
    this.state.addControlPanel(this.controlPanelArn, 'payments-failover');
    for (const side of ['primary', 'secondary'] as const) {
      this.state.addControl({
        arn: this.controlArns[side],
        name: `payments-${side}`,
        controlPanelArn: this.controlPanelArn,
        state: options.initial?.[side],
      });
    }
    const asserted = [this.controlArns.primary, this.controlArns.secondary];
    const waitPeriodMs = options.waitPeriodMs ?? 0;
    this.state.addRule({
      arn: this.ruleArns.atLeastOneOn,
      name: 'payments-at-least-one-on',
      type: 'ATLEAST',
      threshold: 1,
      inverted: false,
      assertedControls: asserted,
      waitPeriodMs,
    });
    this.state.addRule({
      arn: this.ruleArns.atMostOneOn,
      name: 'payments-at-most-one-on',
      type: 'ATLEAST',
      threshold: 2,
      inverted: true,
      assertedControls: asserted,
      waitPeriodMs,
    });
    this.endpoints = (options.regions ?? CLUSTER_REGIONS).map((r) => new LocalClusterEndpoint(r, this.state));
    this.controlPlane = new LocalControlPlane(() => [
      { state: this.state, endpoints: this.endpoints.map((e) => e.endpoint) },
    ]);
  }

  static async start(options: LocalArcOptions = {}): Promise<LocalArc> {
    const arc = new LocalArc(options);
    await Promise.all([...arc.endpoints.map((e) => e.listen()), arc.controlPlane.listen()]);
    return arc;
  }

  async stop(): Promise<void> {
    await Promise.all([...this.endpoints.map((e) => e.close()), this.controlPlane.close()]);
  }

  /** Sets the mode of the endpoints at the given indexes (others stay as they are). */
  async setModes(modes: Readonly<Record<number, EndpointMode>>): Promise<void> {
    await Promise.all(Object.entries(modes).map(([i, m]) => this.endpoints[Number(i)]!.setMode(m)));
  }

  states(): Record<Side, ControlState> {
    return {
      primary: this.state.get(this.controlArns.primary).state,
      secondary: this.state.get(this.controlArns.secondary).state,
    };
  }

  clusterEndpoints(): ClusterEndpoint[] {
    return this.endpoints.map((e) => e.endpoint);
  }

  /** The manifest the routing control stack would publish for this cluster. */
  manifest(): FailoverManifest {
    return {
      version: 1,
      name: 'payments',
      controlPlaneRegion: 'us-west-2',
      clusterArn: this.state.clusterArn,
      controlPanelArn: this.controlPanelArn,
      clusterEndpoints: this.clusterEndpoints(),
      routingControls: {
        primary: { arn: this.controlArns.primary, region: 'us-east-1', healthCheckId: 'hc-primary' },
        secondary: { arn: this.controlArns.secondary, region: 'us-west-2', healthCheckId: 'hc-secondary' },
      },
      safetyRules: this.ruleArns,
      failoverNames: ['consumer-a.payments.provider.internal', 'consumer-b.payments.provider.internal'],
    };
  }
}
