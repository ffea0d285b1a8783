// A small local server speaking the pinpoint-sms-voice-v2 wire protocol (AWS JSON 1.0) for
// DescribeRegistrations and DescribeRegistrationVersions, so the real AWS SDK serializes, signs,
// paginates and retries against it. The SDK reaches it through the standard endpoint setting
// AWS_ENDPOINT_URL_PINPOINT_SMS_VOICE_V2. The Region of a request is read from its SigV4 credential
// scope, so one server holds the registrations of several Regions.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** The endpoint variable the SDK reads for this service (service ID "Pinpoint SMS Voice V2"). */
export const SMS_VOICE_ENDPOINT_ENV = 'AWS_ENDPOINT_URL_PINPOINT_SMS_VOICE_V2';

export interface FakeDeniedReason {
  Reason: string;
  ShortDescription: string;
  LongDescription?: string;
  DocumentationTitle?: string;
  DocumentationLink?: string;
}

export interface FakeVersion {
  VersionNumber: number;
  RegistrationVersionStatus: string;
  /** Epoch seconds, as the JSON protocol carries timestamps. */
  RegistrationVersionStatusHistory: Record<string, number>;
  DeniedReasons?: FakeDeniedReason[];
  Feedback?: string;
}

export interface FakeRegistration {
  RegistrationArn: string;
  RegistrationId: string;
  RegistrationType: string;
  RegistrationStatus: string;
  CurrentVersionNumber: number;
  ApprovedVersionNumber?: number;
  LatestDeniedVersionNumber?: number;
  AdditionalAttributes?: Record<string, string>;
  /** Epoch seconds. */
  CreatedTimestamp: number;
  versions: FakeVersion[];
}

export interface FakeCall {
  readonly operation: string;
  readonly region: string;
  readonly body: Record<string, unknown>;
  /** The error returned, if any. */
  readonly error?: string;
}

interface InjectedFailure {
  operation?: string;
  remaining: number;
  type: string;
  status: number;
}

const OPERATIONS = ['DescribeRegistrations', 'DescribeRegistrationVersions'] as const;
// The API's request patterns and limits.
const ID_PATTERN = /^[A-Za-z0-9_:/-]{1,256}$/;
const MAX_RESULTS = 100;
const MAX_IDS = 5;

class ApiError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

export class FakeSmsVoiceApi {
  /** Every request received, in order. */
  readonly calls: FakeCall[] = [];
  /** Delay before each answer, in milliseconds. */
  latencyMs = 0;
  /** Page size when a request gives no MaxResults. */
  defaultPageSize = 20;
  /**
   * Requests per second each operation accepts per Region, as the service's rate quota does
   * (https://docs.aws.amazon.com/sms-voice/latest/userguide/quotas.html); 0 turns it off.
   */
  ratePerSecond = 0;
  private readonly accepted = new Map<string, number[]>();
  private readonly data = new Map<string, FakeRegistration[]>();
  private readonly failures: InjectedFailure[] = [];
  private server?: Server;
  private requestCount = 0;
  url = '';

  constructor(data: Record<string, FakeRegistration[]> = {}) {
    for (const [region, registrations] of Object.entries(data)) this.data.set(region, registrations);
  }

  setRegistrations(region: string, registrations: FakeRegistration[]): void {
    this.data.set(region, registrations);
  }

  registrations(region: string): FakeRegistration[] {
    return this.data.get(region) ?? [];
  }

  /** The next `count` requests (of `operation`, or any) fail with `type` (ThrottlingException by default). */
  failNext(count: number, options: { operation?: string; type?: string; status?: number } = {}): void {
    this.failures.push({
      operation: options.operation,
      remaining: count,
      type: options.type ?? 'ThrottlingException',
      status: options.status ?? 400,
    });
  }

  callCount(operation?: string): number {
    return this.calls.filter((c) => !operation || c.operation === operation).length;
  }

  resetCalls(): void {
    this.calls.length = 0;
  }

  async start(port = 0): Promise<string> {
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((e: unknown) => {
        res.writeHead(500).end(String(e));
      });
    });
    // Keep-alive connections from the SDK must not hold the server open at stop().
    this.server.keepAliveTimeout = 1000;
    await new Promise<void>((resolve) => this.server?.listen(port, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.url;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    this.server = undefined;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');

    // Control endpoints for a server run in its own process (the benchmark): call counts and reset.
    if (req.method === 'GET' && req.url === '/__calls') {
      const counts: Record<string, number> = {};
      for (const c of this.calls) counts[c.error ?? c.operation] = (counts[c.error ?? c.operation] ?? 0) + 1;
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(counts));
      return;
    }
    if (req.method === 'POST' && req.url === '/__reset') {
      this.resetCalls();
      res.writeHead(204).end();
      return;
    }
    if (this.latencyMs > 0) await new Promise((r) => setTimeout(r, this.latencyMs));
    const target = String(req.headers['x-amz-target'] ?? '');
    const operation = target.startsWith('PinpointSMSVoiceV2.') ? target.slice('PinpointSMSVoiceV2.'.length) : target;
    const scope = /Credential=[^/]+\/\d{8}\/([a-z0-9-]+)\/([a-z0-9-]+)\/aws4_request/.exec(
      String(req.headers.authorization ?? ''),
    );
    const region = scope?.[1] ?? '';
    let body: Record<string, unknown> = {};
    try {
      if (req.method !== 'POST' || req.url !== '/') throw new ApiError('UnknownOperationException', 'POST / only', 404);
      if (!String(req.headers['content-type'] ?? '').startsWith('application/x-amz-json-1.0')) {
        throw new ApiError('SerializationException', 'expected Content-Type application/x-amz-json-1.0');
      }
      if (!scope) throw new ApiError('MissingAuthenticationTokenException', 'request is not signed with SigV4', 403);
      if (scope[2] !== 'sms-voice') {
        throw new ApiError(
          'InvalidSignatureException',
          `credential scope names service ${scope[2]}, expected sms-voice`,
          403,
        );
      }
      body = raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
      this.requestCount++;
      const injected = this.failures.find((f) => f.remaining > 0 && (!f.operation || f.operation === operation));
      if (injected) {
        injected.remaining--;
        throw new ApiError(injected.type, `injected ${injected.type}`, injected.status);
      }
      if (this.ratePerSecond > 0) {
        const key = `${region}#${operation}`;
        const now = Date.now();
        const recent = (this.accepted.get(key) ?? []).filter((t) => now - t < 1000);
        if (recent.length >= this.ratePerSecond) throw new ApiError('ThrottlingException', 'Rate exceeded');
        recent.push(now);
        this.accepted.set(key, recent);
      }
      let result: unknown;
      if (operation === 'DescribeRegistrations') result = this.describeRegistrations(region, body);
      else if (operation === 'DescribeRegistrationVersions') result = this.describeRegistrationVersions(region, body);
      else
        throw new ApiError('UnknownOperationException', `${operation} is not served here (${OPERATIONS.join(', ')})`);
      this.calls.push({ operation, region, body });
      const payload = JSON.stringify(result);
      res.writeHead(200, {
        'Content-Type': 'application/x-amz-json-1.0',
        'x-amzn-RequestId': `req-${this.requestCount}`,
        'Content-Length': Buffer.byteLength(payload),
      });
      res.end(payload);
    } catch (e) {
      const error = e instanceof ApiError ? e : new ApiError('InternalServerException', String(e), 500);
      this.calls.push({ operation, region, body, error: error.type });
      const payload = JSON.stringify({
        __type: `com.amazonaws.pinpointsmsvoicev2#${error.type}`,
        Message: error.message,
      });
      res.writeHead(error.status, {
        'Content-Type': 'application/x-amz-json-1.0',
        'x-amzn-RequestId': `req-${this.requestCount}`,
        'x-amzn-ErrorType': error.type,
        'Content-Length': Buffer.byteLength(payload),
      });
      res.end(payload);
    }
  }

  private describeRegistrations(region: string, body: Record<string, unknown>): unknown {
    const ids = optionalStringArray(body, 'RegistrationIds');
    if (ids && ids.length > MAX_IDS) throw new ApiError('ValidationException', `at most ${MAX_IDS} RegistrationIds`);
    for (const id of ids ?? []) {
      if (!ID_PATTERN.test(id))
        throw new ApiError('ValidationException', `RegistrationIds: ${id} does not match the pattern`);
    }
    const filters = filterList(body, ['registration-status', 'registration-type']);
    let items = this.registrations(region);
    if (ids) items = items.filter((r) => ids.includes(r.RegistrationId));
    for (const f of filters) {
      const field = f.Name === 'registration-status' ? 'RegistrationStatus' : 'RegistrationType';
      items = items.filter((r) => f.Values.includes(r[field]));
    }
    const { page, next } = paginate(items, body, this.defaultPageSize, fingerprint({ ids, filters }));
    return {
      Registrations: page.map(({ versions: _versions, ...registration }) => registration),
      ...(next ? { NextToken: next } : {}),
    };
  }

  private describeRegistrationVersions(region: string, body: Record<string, unknown>): unknown {
    const id = body.RegistrationId;
    if (typeof id !== 'string' || !ID_PATTERN.test(id)) {
      throw new ApiError('ValidationException', 'RegistrationId is required and must match [A-Za-z0-9_:/-]+');
    }
    const registration = this.registrations(region).find((r) => r.RegistrationId === id);
    if (!registration) throw new ApiError('ResourceNotFoundException', `registration ${id} not found`);
    const numbers = body.VersionNumbers;
    if (numbers !== undefined && (!Array.isArray(numbers) || numbers.some((n) => !Number.isInteger(n)))) {
      throw new ApiError('ValidationException', 'VersionNumbers must be a list of integers');
    }
    const filters = filterList(body, ['registration-version-status']);
    // Oldest first: the API documents no order, so callers must not take the first as the latest.
    let versions = [...registration.versions].sort((a, b) => a.VersionNumber - b.VersionNumber);
    if (numbers) versions = versions.filter((v) => (numbers as number[]).includes(v.VersionNumber));
    for (const f of filters) versions = versions.filter((v) => f.Values.includes(v.RegistrationVersionStatus));
    const { page, next } = paginate(versions, body, this.defaultPageSize, fingerprint({ id, numbers, filters }));
    return {
      RegistrationArn: registration.RegistrationArn,
      RegistrationId: registration.RegistrationId,
      RegistrationVersions: page,
      ...(next ? { NextToken: next } : {}),
    };
  }
}

function optionalStringArray(body: Record<string, unknown>, name: string): string[] | undefined {
  const value = body[name];
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) {
    throw new ApiError('ValidationException', `${name} must be a list of strings`);
  }
  return value as string[];
}

function filterList(body: Record<string, unknown>, names: readonly string[]): { Name: string; Values: string[] }[] {
  const value = body.Filters;
  if (value === undefined) return [];
  if (!Array.isArray(value) || value.length > 20) throw new ApiError('ValidationException', 'Filters: at most 20');
  return value.map((f: { Name?: unknown; Values?: unknown }) => {
    if (typeof f.Name !== 'string' || !names.includes(f.Name)) {
      throw new ApiError('ValidationException', `Filters: Name must be one of ${names.join(', ')}`);
    }
    if (!Array.isArray(f.Values) || f.Values.length === 0)
      throw new ApiError('ValidationException', 'Filters: Values required');
    return { Name: f.Name, Values: f.Values as string[] };
  });
}

function fingerprint(request: unknown): string {
  return Buffer.from(JSON.stringify(request)).toString('base64url').slice(0, 64);
}

function paginate<T>(
  items: readonly T[],
  body: Record<string, unknown>,
  defaultPageSize: number,
  print: string,
): { page: T[]; next?: string } {
  const max = body.MaxResults;
  if (max !== undefined && (!Number.isInteger(max) || (max as number) < 1 || (max as number) > MAX_RESULTS)) {
    throw new ApiError('ValidationException', `MaxResults must be 1 to ${MAX_RESULTS}`);
  }
  const size = (max as number | undefined) ?? defaultPageSize;
  let offset = 0;
  if (body.NextToken !== undefined) {
    try {
      const token = JSON.parse(Buffer.from(String(body.NextToken), 'base64url').toString('utf8')) as {
        o: number;
        f: string;
      };
      if (token.f !== print || !Number.isInteger(token.o) || token.o < 0) throw new Error('mismatch');
      offset = token.o;
    } catch {
      throw new ApiError('ValidationException', 'NextToken is invalid for this request');
    }
  }
  const page = items.slice(offset, offset + size);
  const nextOffset = offset + size;
  const next =
    nextOffset < items.length
      ? Buffer.from(JSON.stringify({ o: nextOffset, f: print })).toString('base64url')
      : undefined;
  return { page, next };
}
