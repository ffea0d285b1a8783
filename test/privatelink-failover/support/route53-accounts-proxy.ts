// A thin proxy in front of moto's Route 53 that adds what moto 5.2 lacks for the cross-account
// zone sharing: accounts (from the SigV4 access key of each request), zone ownership, and the VPC
// association authorization API (Create/Delete/ListVPCAssociationAuthorizations), enforced on
// AssociateVPCWithHostedZone from another account as Route 53 does. Everything else — zones, VPC
// associations, listing zones by VPC — is moto's, reached with the request as the client sent it.
import { createServer, type IncomingMessage, request, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

const NS = 'https://route53.amazonaws.com/doc/2013-04-01/';

export class Route53AccountsProxy {
  private server?: Server;
  /** Zone ID -> owning account. */
  readonly owners = new Map<string, string>();
  /** Zone ID -> authorized `region:vpcId`. */
  readonly authorizations = new Map<string, Set<string>>();
  /** `account METHOD path` of every request. */
  readonly calls: string[] = [];
  url = '';

  constructor(
    private readonly motoUrl: string,
    /** Access key ID -> account ID. */
    private readonly accounts: Readonly<Record<string, string>>,
  ) {}

  async listen(): Promise<void> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', () => r()));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }

  private account(req: IncomingMessage): string {
    const key = /Credential=([^/]+)\//.exec(String(req.headers.authorization ?? ''))?.[1] ?? '';
    return this.accounts[key] ?? `unknown-key-${key}`;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    const account = this.account(req);
    const path = (req.url ?? '').split('?')[0] ?? '';
    this.calls.push(`${account} ${req.method} ${path}`);
    const zoneAction =
      /^\/2013-04-01\/hostedzone\/([^/]+)\/(authorizevpcassociation|deauthorizevpcassociation|associatevpc)$/.exec(
        path,
      );
    if (req.method === 'POST' && path === '/2013-04-01/hostedzone') {
      const answer = await this.forward(req, body);
      const id = /<Id>\/hostedzone\/([^<]+)<\/Id>/.exec(answer.body)?.[1];
      if (answer.status < 300 && id) this.owners.set(id, account);
      return this.reply(res, answer.status, answer.body, answer.headers);
    }
    if (!zoneAction) {
      const answer = await this.forward(req, body);
      return this.reply(res, answer.status, answer.body, answer.headers);
    }
    const [, zoneId = '', action] = zoneAction;
    const owner = this.owners.get(zoneId);
    if (!owner) return this.error(res, 404, 'NoSuchHostedZone', `No hosted zone found with ID: ${zoneId}`);
    const region = /<VPCRegion>([^<]+)<\/VPCRegion>/.exec(body)?.[1];
    const vpcId = /<VPCId>([^<]+)<\/VPCId>/.exec(body)?.[1];
    const key = `${region}:${vpcId}`;
    const authorized = this.authorizations.get(zoneId) ?? new Set<string>();
    this.authorizations.set(zoneId, authorized);
    if (action === 'associatevpc') {
      if (account !== owner && !authorized.has(key)) {
        return this.error(
          res,
          401,
          'NotAuthorizedException',
          `The VPC ${vpcId} is not authorized to associate with hosted zone ${zoneId}`,
        );
      }
      const answer = await this.forward(req, body);
      return this.reply(res, answer.status, answer.body, answer.headers);
    }
    if (req.method === 'GET' && action === 'authorizevpcassociation') {
      if (account !== owner)
        return this.error(res, 401, 'NotAuthorizedException', 'Only the zone owner can list authorizations');
      const vpcs = [...authorized].map((k) => {
        const [r, v] = k.split(':');
        return `<VPC><VPCRegion>${r}</VPCRegion><VPCId>${v}</VPCId></VPC>`;
      });
      return this.reply(
        res,
        200,
        `<?xml version="1.0"?><ListVPCAssociationAuthorizationsResponse xmlns="${NS}"><HostedZoneId>${zoneId}</HostedZoneId><VPCs>${vpcs.join('')}</VPCs></ListVPCAssociationAuthorizationsResponse>`,
      );
    }
    if (account !== owner)
      return this.error(
        res,
        401,
        'NotAuthorizedException',
        `Only the owner of ${zoneId} can change its authorizations`,
      );
    if (!region || !vpcId) return this.error(res, 400, 'InvalidInput', 'VPC is required');
    if (action === 'authorizevpcassociation') {
      authorized.add(key);
      return this.reply(
        res,
        200,
        `<?xml version="1.0"?><CreateVPCAssociationAuthorizationResponse xmlns="${NS}"><HostedZoneId>${zoneId}</HostedZoneId><VPC><VPCRegion>${region}</VPCRegion><VPCId>${vpcId}</VPCId></VPC></CreateVPCAssociationAuthorizationResponse>`,
      );
    }
    if (!authorized.delete(key)) {
      return this.error(res, 404, 'VPCAssociationAuthorizationNotFound', `No authorization for ${vpcId} in ${zoneId}`);
    }
    return this.reply(res, 200, `<?xml version="1.0"?><DeleteVPCAssociationAuthorizationResponse xmlns="${NS}"/>`);
  }

  private forward(
    req: IncomingMessage,
    body: string,
  ): Promise<{ status: number; body: string; headers: Record<string, string> }> {
    const target = new URL(req.url ?? '/', this.motoUrl);
    return new Promise((resolve, reject) => {
      const out = request(target, { method: req.method, headers: { ...req.headers, host: target.host } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 500,
            body: Buffer.concat(chunks).toString('utf8'),
            headers: { 'content-type': String(res.headers['content-type'] ?? 'text/xml') },
          }),
        );
      });
      out.on('error', reject);
      out.end(body);
    });
  }

  private reply(
    res: ServerResponse,
    status: number,
    body: string,
    headers: Record<string, string> = { 'content-type': 'text/xml' },
  ) {
    res.writeHead(status, { ...headers, 'content-length': Buffer.byteLength(body) });
    res.end(body);
  }

  private error(res: ServerResponse, status: number, code: string, message: string) {
    this.reply(
      res,
      status,
      `<?xml version="1.0"?><ErrorResponse xmlns="${NS}"><Error><Type>Sender</Type><Code>${code}</Code><Message>${message}</Message></Error><RequestId>proxy</RequestId></ErrorResponse>`,
    );
  }
}
