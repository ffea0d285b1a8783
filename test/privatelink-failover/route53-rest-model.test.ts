import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Route53Rest } from '../../lambda/privatelink-failover/adapters/route53-rest';
import { endpointsData, serviceModel } from '../shared/aws-service-models';

// The hand-made Route 53 client (route53-rest.ts) checked against AWS's own published model of
// Route 53 and its endpoints, as botocore ships them (in the project's Python environment):
// method, path, query parameters, XML root element, namespace and element order of every call it
// makes, the global endpoint, and the signing Region and name.

interface Member {
  shape: string;
  location?: string;
  locationName?: string;
}
interface Shape {
  type: string;
  members?: Record<string, Member>;
  member?: Member;
}
interface Operation {
  http: { method: string; requestUri: string };
  errors?: { shape: string }[];
  input: { shape: string; locationName?: string; xmlNamespace?: { uri: string } };
}
const model = serviceModel<{
  metadata: { globalEndpoint: string; endpointPrefix: string; signingName?: string };
  operations: Record<string, Operation>;
  shapes: Record<string, Shape & { error?: { httpStatusCode?: number } }>;
}>('route53', '2013-04-01');
const endpoints = endpointsData<{
  partitions: {
    partition: string;
    services: Record<
      string,
      { endpoints: Record<string, { hostname?: string; credentialScope?: { region?: string } }> }
    >;
  }[];
}>();

interface Recorded {
  method: string;
  path: string;
  query: URLSearchParams;
  body: string;
  authorization: string;
}

/** Direct children of `xml`'s root element, in order, as [name, inner XML]. */
function children(xml: string): [string, string][] {
  const out: [string, string][] = [];
  const re = /<([A-Za-z]+)(?:\s[^>]*)?>([\s\S]*?)<\/\1>/g;
  for (const m of xml.matchAll(re)) out.push([m[1]!, m[2]!]);
  return out;
}

/** Checks an XML element's children against a structure shape: known members, in the model's order. */
function expectStructure(shapeName: string, inner: string, where: string) {
  const shape = model.shapes[shapeName]!;
  const members = Object.entries(shape.members ?? {}).map(([name, m]) => ({ xml: m.locationName ?? name, m }));
  const order = members.map((x) => x.xml);
  const seen = children(inner);
  const positions = seen.map(([name]) => order.indexOf(name));
  expect(
    positions.every((p) => p >= 0),
    `${where}: ${seen.map(([n]) => n).join(',')} not all in ${order.join(',')}`,
  ).toBe(true);
  expect(
    [...positions].sort((a, b) => a - b),
    `${where}: element order`,
  ).toEqual(positions);
  for (const [name, child] of seen) {
    const member = members.find((x) => x.xml === name)!.m;
    if (model.shapes[member.shape]!.type === 'structure') expectStructure(member.shape, child, `${where}.${name}`);
  }
}

describe("Route 53 REST client against AWS's published Route 53 model", () => {
  let server: Server;
  let url = '';
  const requests: Recorded[] = [];

  beforeAll(async () => {
    server = createServer(async (req, res) => {
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      const u = new URL(req.url ?? '/', 'http://local');
      requests.push({
        method: req.method ?? '',
        path: u.pathname,
        query: u.searchParams,
        body: Buffer.concat(chunks).toString('utf8'),
        authorization: String(req.headers.authorization ?? ''),
      });
      res
        .writeHead(200, { 'content-type': 'text/xml' })
        .end('<R><HostedZone><Id>/hostedzone/Z1</Id></HostedZone><ChangeInfo><Id>/change/C1</Id></ChangeInfo></R>');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise<void>((r) => server.close(() => r()));
  });

  it('sends every call as the model declares it', async () => {
    const client = new Route53Rest({ endpoint: url, credentials: { accessKeyId: 'AKID', secretAccessKey: 'secret' } });
    const vpc = { region: 'eu-west-1', id: 'vpc-0123456789abcdef0' };
    const calls: [string, Record<string, string>, () => Promise<unknown>][] = [
      ['CreateVPCAssociationAuthorization', { Id: 'Z1' }, () => client.createVpcAssociationAuthorization('Z1', vpc)],
      [
        'DeleteVPCAssociationAuthorization',
        { Id: 'Z1' },
        () => client.deleteVpcAssociationAuthorization('/hostedzone/Z1', vpc),
      ],
      ['ListVPCAssociationAuthorizations', { Id: 'Z1' }, () => client.listVpcAssociationAuthorizations('Z1')],
      ['AssociateVPCWithHostedZone', { Id: 'Z1' }, () => client.associateVpcWithHostedZone('Z1', vpc, 'a & b')],
      ['DisassociateVPCFromHostedZone', { Id: 'Z1' }, () => client.disassociateVpcFromHostedZone('Z1', vpc)],
      ['ListHostedZonesByVPC', {}, () => client.listHostedZonesByVpc(vpc)],
      ['GetHostedZone', { Id: 'Z1' }, () => client.getHostedZone('Z1')],
      ['CreateHostedZone', {}, () => client.createPrivateHostedZone('example.internal', vpc, 'ref-1')],
      ['GetHealthCheckStatus', { HealthCheckId: 'hc-1' }, () => client.getHealthCheckStatus('hc-1')],
    ];
    for (const [name, labels, call] of calls) {
      requests.length = 0;
      await call();
      expect(requests, name).toHaveLength(1);
      const r = requests[0]!;
      const op = model.operations[name]!;
      expect(r.method, name).toBe(op.http.method);
      expect(r.path, name).toBe(
        op.http.requestUri.replace(/\{(\w+)\}/g, (_, k: string) => encodeURIComponent(labels[k]!)),
      );
      const input = model.shapes[op.input.shape]!;
      const queryNames = Object.values(input.members ?? {})
        .filter((m) => m.location === 'querystring')
        .map((m) => m.locationName);
      for (const key of r.query.keys()) expect(queryNames, `${name} query ${key}`).toContain(key);
      if (op.input.locationName) {
        const root = new RegExp(
          `^<\\?xml[^>]*\\?><${op.input.locationName} xmlns="([^"]+)">([\\s\\S]*)</${op.input.locationName}>$`,
        ).exec(r.body);
        expect(root, `${name} body root`).not.toBeNull();
        expect(root![1], `${name} namespace`).toBe(op.input.xmlNamespace?.uri);
        expectStructure(op.input.shape, root![2]!, name);
      } else {
        expect(r.body, name).toBe('');
      }
    }
    expect(requests.length).toBeGreaterThan(0);
  });

  it('relies only on error codes the model declares for the operation', () => {
    // core/zone-association.ts treats these as "already done" or explains them; route53-rest.ts retries the rest.
    const relied: Record<string, string[]> = {
      CreateVPCAssociationAuthorization: ['ConcurrentModification'],
      DeleteVPCAssociationAuthorization: [
        'ConcurrentModification',
        'VPCAssociationAuthorizationNotFound',
        'NoSuchHostedZone',
      ],
      AssociateVPCWithHostedZone: ['NotAuthorizedException', 'PriorRequestNotComplete'],
      DisassociateVPCFromHostedZone: ['VPCAssociationNotFound', 'NoSuchHostedZone'],
    };
    for (const [operation, codes] of Object.entries(relied)) {
      const declared = (model.operations[operation]!.errors ?? []).map((e) => e.shape);
      for (const code of codes) expect(declared, `${operation} ${code}`).toContain(code);
    }
    expect(model.shapes.ThrottlingException?.error).toBeDefined();
  });

  it('signs for the credential scope and service name of the global endpoint', async () => {
    const global = endpoints.partitions.find((p) => p.partition === 'aws')!.services.route53!.endpoints['aws-global']!;
    expect(global.hostname).toBe(model.metadata.globalEndpoint);
    const client = new Route53Rest({ endpoint: url, credentials: { accessKeyId: 'AKID', secretAccessKey: 'secret' } });
    requests.length = 0;
    await client.getHealthCheckStatus('hc-1');
    const scope = /Credential=AKID\/\d{8}\/([^/]+)\/([^/]+)\/aws4_request/.exec(requests[0]!.authorization);
    expect(scope?.slice(1)).toEqual([
      global.credentialScope?.region,
      model.metadata.signingName ?? model.metadata.endpointPrefix,
    ]);
  });

  it('defaults to the global endpoint when no endpoint is configured', () => {
    const saved = { ...process.env };
    delete process.env.AWS_ENDPOINT_URL;
    delete process.env.AWS_ENDPOINT_URL_ROUTE_53;
    try {
      const client = new Route53Rest({ credentials: { accessKeyId: 'AKID', secretAccessKey: 'secret' } });
      expect(String((client as unknown as { endpoint: URL }).endpoint)).toBe(
        `https://${model.metadata.globalEndpoint}/`,
      );
    } finally {
      process.env = saved;
    }
  });
});
