// A small Route 53 client for the few calls this system makes (VPC association authorization and
// association, hosted zones by VPC, health check status).
//
// Why not @aws-sdk/client-route53: it cannot be installed from the registry here, so an adapter
// built on it could be neither type-checked nor run against a real peer; the Lambda runtime would
// be the first place it ever ran. Route 53 speaks plain REST-XML, so these calls are built here
// and signed with the SDK's own SigV4 signer (@smithy/signature-v4) and credential chain
// (@aws-sdk/credential-provider-node). This exact code is what the handlers and the failover tool
// run and what the tests drive against moto. It honours AWS_ENDPOINT_URL_ROUTE_53 and
// AWS_ENDPOINT_URL like the SDK does. @aws-sdk/* stays external in the bundles (the runtime has it).
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { SignatureV4 } from '@smithy/signature-v4';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider, Checksum, SourceData } from '@smithy/types';
import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { configuredEndpoint } from './standard-endpoint';

const API = '/2013-04-01';
const NS = 'https://route53.amazonaws.com/doc/2013-04-01/';
const RETRYABLE = new Set(['Throttling', 'ThrottlingException', 'PriorRequestNotComplete', 'ConcurrentModification']);

export interface Route53Vpc {
  readonly region: string;
  readonly id: string;
}

/** An error answered by Route 53; `name` is its error code (for example `NoSuchHostedZone`). */
export class Route53Error extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly statusCode: number,
  ) {
    super(message);
    this.name = code;
  }
}

export interface Route53RestOptions {
  /** @default - AWS_ENDPOINT_URL_ROUTE_53, AWS_ENDPOINT_URL, or https://route53.amazonaws.com */
  readonly endpoint?: string;
  /** Region requests are signed for. @default "us-east-1" (Route 53 is global, signed in us-east-1) */
  readonly signingRegion?: string;
  /** @default - the SDK's default credential chain */
  readonly credentials?: AwsCredentialIdentity | AwsCredentialIdentityProvider;
  /** Per-attempt timeout. @default 10000 */
  readonly timeoutMs?: number;
  /** Attempts for throttling, 5xx and network errors. @default 5 */
  readonly maxAttempts?: number;
}

class NodeSha256 implements Checksum {
  private hash!: Hash | Hmac;
  constructor(private readonly secret?: SourceData) {
    this.reset();
  }
  update(data: Uint8Array): void {
    this.hash.update(toBuffer(data));
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.hash.digest());
  }
  reset(): void {
    this.hash = this.secret === undefined ? createHash('sha256') : createHmac('sha256', toBuffer(this.secret));
  }
}

function toBuffer(data: SourceData): Buffer {
  if (typeof data === 'string') return Buffer.from(data, 'utf8');
  if (ArrayBuffer.isView(data)) return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  return Buffer.from(data);
}

/** Escapes text for an XML element. */
export function xmlEscape(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

function xmlUnescape(text: string): string {
  return text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&#(\d+);/g, (_, d) => String.fromCodePoint(Number(d)))
    .replace(/&amp;/g, '&');
}

/** Text of every `<tag>` element without children in `xml`. Route 53 responses are flat enough for this. */
export function xmlValues(xml: string, tag: string): string[] {
  return [...xml.matchAll(new RegExp(`<${tag}>([^<]*)</${tag}>`, 'g'))].map((m) => xmlUnescape(m[1] ?? ''));
}

/** Inner XML of every `<tag>...</tag>` element (not nested in itself). */
export function xmlBlocks(xml: string, tag: string): string[] {
  return [...xml.matchAll(new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`, 'g'))].map((m) => m[1] ?? '');
}

const bareZoneId = (id: string) => id.replace(/^\/?hostedzone\//, '');
const vpcXml = (vpc: Route53Vpc) =>
  `<VPC><VPCRegion>${xmlEscape(vpc.region)}</VPCRegion><VPCId>${xmlEscape(vpc.id)}</VPCId></VPC>`;
const requestXml = (root: string, inner: string) =>
  `<?xml version="1.0" encoding="UTF-8"?><${root} xmlns="${NS}">${inner}</${root}>`;

export class Route53Rest {
  private readonly endpoint: URL;
  private readonly signer: SignatureV4;
  private readonly timeoutMs: number;
  private readonly maxAttempts: number;

  constructor(options: Route53RestOptions = {}) {
    this.endpoint = new URL(options.endpoint ?? configuredEndpoint('ROUTE_53') ?? 'https://route53.amazonaws.com');
    this.signer = new SignatureV4({
      service: 'route53',
      region: options.signingRegion ?? 'us-east-1',
      credentials: options.credentials ?? defaultProvider(),
      sha256: NodeSha256,
    });
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.maxAttempts = options.maxAttempts ?? 5;
  }

  /** Sends one signed request and returns the response body; retries throttling, 5xx and network errors. */
  async send(
    method: 'GET' | 'POST' | 'DELETE',
    path: string,
    query: Record<string, string> = {},
    body?: string,
  ): Promise<string> {
    let lastError: Error | undefined;
    for (let attempt = 1; attempt <= this.maxAttempts; attempt++) {
      try {
        return await this.sendOnce(method, path, query, body);
      } catch (e) {
        lastError = e as Error;
        const retryable = e instanceof Route53Error ? RETRYABLE.has(e.code) || e.statusCode >= 500 : true;
        if (!retryable || attempt === this.maxAttempts) throw e;
        // Full jitter, capped: Route 53's control plane throttles at five requests a second.
        await new Promise((r) => setTimeout(r, Math.random() * Math.min(4000, 200 * 2 ** attempt)));
      }
    }
    throw lastError ?? new Error('unreachable');
  }

  private async sendOnce(method: string, path: string, query: Record<string, string>, body?: string): Promise<string> {
    const base = this.endpoint.pathname.replace(/\/$/, '');
    const fullPath = `${base}${path}`;
    const headers: Record<string, string> = { host: this.endpoint.host };
    if (body !== undefined) headers['content-type'] = 'application/xml';
    const signed = await this.signer.sign({
      method,
      protocol: this.endpoint.protocol,
      hostname: this.endpoint.hostname,
      port: this.endpoint.port ? Number(this.endpoint.port) : undefined,
      path: fullPath,
      query,
      headers,
      body,
    });
    const search = new URLSearchParams(query).toString();
    const url = new URL(`${fullPath}${search ? `?${search}` : ''}`, this.endpoint);
    const send = url.protocol === 'http:' ? httpRequest : httpsRequest;
    const { status, text } = await new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = send(url, { method, headers: signed.headers, timeout: this.timeoutMs }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      });
      req.on('timeout', () => req.destroy(new Error(`Route 53 did not answer within ${this.timeoutMs} ms`)));
      req.on('error', reject);
      req.end(body);
    });
    if (status >= 200 && status < 300) return text;
    const code = xmlValues(text, 'Code')[0] ?? `HTTP${status}`;
    const message = xmlValues(text, 'Message')[0] ?? (text.slice(0, 200) || `HTTP ${status}`);
    throw new Route53Error(code, message, status);
  }

  async createVpcAssociationAuthorization(zoneId: string, vpc: Route53Vpc): Promise<void> {
    await this.send(
      'POST',
      `${API}/hostedzone/${bareZoneId(zoneId)}/authorizevpcassociation`,
      {},
      requestXml('CreateVPCAssociationAuthorizationRequest', vpcXml(vpc)),
    );
  }

  async deleteVpcAssociationAuthorization(zoneId: string, vpc: Route53Vpc): Promise<void> {
    await this.send(
      'POST',
      `${API}/hostedzone/${bareZoneId(zoneId)}/deauthorizevpcassociation`,
      {},
      requestXml('DeleteVPCAssociationAuthorizationRequest', vpcXml(vpc)),
    );
  }

  /** VPCs authorized to associate with a zone (all pages). */
  async listVpcAssociationAuthorizations(zoneId: string): Promise<Route53Vpc[]> {
    const vpcs: Route53Vpc[] = [];
    let nextToken: string | undefined;
    do {
      const xml = await this.send(
        'GET',
        `${API}/hostedzone/${bareZoneId(zoneId)}/authorizevpcassociation`,
        nextToken ? { nexttoken: nextToken } : {},
      );
      for (const block of xmlBlocks(xml, 'VPC')) {
        vpcs.push({ region: xmlValues(block, 'VPCRegion')[0] ?? '', id: xmlValues(block, 'VPCId')[0] ?? '' });
      }
      nextToken = xmlValues(xml, 'NextToken')[0];
    } while (nextToken);
    return vpcs;
  }

  /** Returns the change ID. */
  async associateVpcWithHostedZone(zoneId: string, vpc: Route53Vpc, comment?: string): Promise<string> {
    const xml = await this.send(
      'POST',
      `${API}/hostedzone/${bareZoneId(zoneId)}/associatevpc`,
      {},
      requestXml(
        'AssociateVPCWithHostedZoneRequest',
        `${vpcXml(vpc)}${comment ? `<Comment>${xmlEscape(comment)}</Comment>` : ''}`,
      ),
    );
    return xmlValues(xml, 'Id')[0] ?? '';
  }

  /** Returns the change ID. */
  async disassociateVpcFromHostedZone(zoneId: string, vpc: Route53Vpc): Promise<string> {
    const xml = await this.send(
      'POST',
      `${API}/hostedzone/${bareZoneId(zoneId)}/disassociatevpc`,
      {},
      requestXml('DisassociateVPCFromHostedZoneRequest', vpcXml(vpc)),
    );
    return xmlValues(xml, 'Id')[0] ?? '';
  }

  /** Private zones associated with a VPC, including zones owned by other accounts (all pages). */
  async listHostedZonesByVpc(vpc: Route53Vpc): Promise<{ id: string; name: string }[]> {
    const zones: { id: string; name: string }[] = [];
    let nextToken: string | undefined;
    do {
      const query: Record<string, string> = { vpcid: vpc.id, vpcregion: vpc.region };
      if (nextToken) query.nexttoken = nextToken;
      const xml = await this.send('GET', `${API}/hostedzonesbyvpc`, query);
      for (const block of xmlBlocks(xml, 'HostedZoneSummary')) {
        zones.push({
          id: bareZoneId(xmlValues(block, 'HostedZoneId')[0] ?? ''),
          name: xmlValues(block, 'Name')[0] ?? '',
        });
      }
      nextToken = xmlValues(xml, 'NextToken')[0];
    } while (nextToken);
    return zones;
  }

  /** The zone's name and associated VPCs (only the owning account may ask). */
  async getHostedZone(zoneId: string): Promise<{ name: string; vpcs: Route53Vpc[] }> {
    const xml = await this.send('GET', `${API}/hostedzone/${bareZoneId(zoneId)}`);
    return {
      name: xmlValues(xml, 'Name')[0] ?? '',
      vpcs: xmlBlocks(xml, 'VPC').map((b) => ({
        region: xmlValues(b, 'VPCRegion')[0] ?? '',
        id: xmlValues(b, 'VPCId')[0] ?? '',
      })),
    };
  }

  /** Creates a private hosted zone associated with one VPC and returns its ID. */
  async createPrivateHostedZone(name: string, vpc: Route53Vpc, callerReference: string): Promise<string> {
    const xml = await this.send(
      'POST',
      `${API}/hostedzone`,
      {},
      requestXml(
        'CreateHostedZoneRequest',
        `<Name>${xmlEscape(name)}</Name>${vpcXml(vpc)}<CallerReference>${xmlEscape(callerReference)}</CallerReference><HostedZoneConfig><PrivateZone>true</PrivateZone></HostedZoneConfig>`,
      ),
    );
    return bareZoneId(xmlBlocks(xml, 'HostedZone').flatMap((b) => xmlValues(b, 'Id'))[0] ?? '');
  }

  /** What the Route 53 health checkers last reported for a health check. */
  async getHealthCheckStatus(healthCheckId: string): Promise<{ region: string; status: string }[]> {
    const xml = await this.send('GET', `${API}/healthcheck/${encodeURIComponent(healthCheckId)}/status`);
    return xmlBlocks(xml, 'HealthCheckObservation').map((b) => ({
      region: xmlValues(b, 'Region')[0] ?? '',
      status: xmlValues(b, 'Status')[0] ?? '',
    }));
  }
}
