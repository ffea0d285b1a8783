import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { Construct } from 'constructs';
import type { StandardFunctionProps } from '../../lib/shared/standard-function';
import { Stack } from 'aws-cdk-lib';
import type { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import * as esbuild from 'esbuild';
import { describe, expect, it, vi } from 'vitest';
import { REPO_ROOT } from '../helpers/app';
import { exampleTemplates, type ExampleTemplate } from '../helpers/example-templates';
import {
  ENDPOINT_SERVICE_BY_DESTINATION_TYPE,
  ENDPOINT_SERVICE_BY_SDK_CLIENT,
  endpointServiceName,
} from './privatelink-services';

// Every AWS service a VPC-attached Lambda function or event source poller calls must be reachable
// from its subnets: an endpoint of that service in the VPC (interface endpoints with private DNS,
// so the SDK's default host name resolves to it, and security groups that let HTTPS through) or a
// route out. What is called is derived from the code: the SDK clients in each handler's esbuild
// import graph, the destinations in the template, and what AWS documents the MSK poller needs.

// StandardFunction (every handler of this project) takes the entry but does not keep it: record it.
const entries = vi.hoisted(() => new Map<object, string>());
vi.mock('../../lib/shared/standard-function', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../lib/shared/standard-function')>();
  class RecordingStandardFunction extends real.StandardFunction {
    constructor(scope: Construct, id: string, props: StandardFunctionProps) {
      super(scope, id, props);
      entries.set(this, props.entry);
    }
  }
  return { ...real, StandardFunction: RecordingStandardFunction };
});

type Resource = { Type: string; Properties?: Record<string, unknown> };
type Resources = Record<string, Resource>;
type Json = unknown;

const key = (v: Json): string => JSON.stringify(v);
const refId = (v: Json): string | undefined => {
  const o = v as { Ref?: string; 'Fn::GetAtt'?: [string, string] };
  return o?.Ref ?? o?.['Fn::GetAtt']?.[0];
};

/** `@aws-sdk/client-*` packages anywhere in the bundle of `entry` (esbuild's own import graph). */
function sdkClients(entry: string): Map<string, Set<string>> {
  const result = esbuild.buildSync({
    entryPoints: [entry],
    absWorkingDir: REPO_ROOT,
    bundle: true,
    platform: 'node',
    target: 'node24',
    write: false,
    metafile: true,
    outfile: 'out.js',
    logLevel: 'silent',
  });
  const clients = new Map<string, Set<string>>();
  for (const [file, input] of Object.entries(result.metafile.inputs)) {
    for (const imported of input.imports) {
      const match = /@aws-sdk\/(client-[a-z0-9-]+)/.exec(imported.original ?? imported.path);
      if (!match) continue;
      const importers = clients.get(match[1]) ?? new Set<string>();
      importers.add(file.replace(/^.*node_modules\//, ''));
      clients.set(match[1], importers);
    }
  }
  return clients;
}

interface Network {
  readonly subnets: readonly Json[];
  readonly securityGroups: readonly Json[];
}

interface Caller {
  readonly stack: ExampleTemplate;
  readonly name: string;
  readonly network: Network;
  /** Endpoint service short names with why each is needed. */
  readonly needs: Map<string, string>;
}

function need(needs: Map<string, string>, service: string, why: string): void {
  needs.set(service, needs.has(service) ? `${needs.get(service)}; ${why}` : why);
}

function destinationService(resources: Resources, destination: Json, owner: string): string {
  const target = resources[refId(destination) ?? ''];
  const service = target && ENDPOINT_SERVICE_BY_DESTINATION_TYPE[target.Type];
  if (!service) throw new Error(`${owner}: cannot tell the service of destination ${key(destination)}`);
  return service;
}

function functionEntries(): Map<string, string> {
  const byResource = new Map<string, string>();
  for (const [fn, entry] of entries) {
    const f = fn as NodejsFunction;
    const stack = Stack.of(f);
    const logicalId = stack.resolve((f.node.defaultChild as CfnFunction).logicalId) as string;
    byResource.set(`${stack.stackName}/${logicalId}`, entry);
  }
  return byResource;
}

/** Every VPC-attached function and every event source mapping whose poller works in a VPC. */
function callers(): Caller[] {
  const stacks = exampleTemplates(); // synthesizes, which records the entries
  const entryOf = functionEntries();
  const result: Caller[] = [];
  for (const stack of stacks) {
    const resources = (stack.template.Resources ?? {}) as Resources;
    for (const [id, r] of Object.entries(resources)) {
      const p = r.Properties ?? {};
      if (r.Type === 'AWS::Lambda::Function' && p.VpcConfig) {
        const vpc = p.VpcConfig as { SubnetIds: Json[]; SecurityGroupIds: Json[] };
        const entry = entryOf.get(`${stack.stackName}/${id}`);
        if (!entry) throw new Error(`${stack.stackName}/${id}: VPC function without a known handler entry`);
        const needs = new Map<string, string>();
        for (const [client, importers] of sdkClients(entry)) {
          const service = ENDPOINT_SERVICE_BY_SDK_CLIENT[client];
          if (!service)
            throw new Error(`${id}: no endpoint service known for @aws-sdk/${client} (privatelink-services.ts)`);
          need(needs, service, `@aws-sdk/${client} imported by ${[...importers].join(', ')}`);
        }
        for (const [, c] of Object.entries(resources)) {
          const q = c.Properties ?? {};
          if (c.Type !== 'AWS::Lambda::EventInvokeConfig' || refId(q.FunctionName) !== id) continue;
          // Conservative: no AWS page says where a VPC function's asynchronous destinations are sent from.
          for (const kind of ['OnFailure', 'OnSuccess'] as const) {
            const d = (q.DestinationConfig as Record<string, { Destination: Json }> | undefined)?.[kind];
            if (d) need(needs, destinationService(resources, d.Destination, id), `asynchronous ${kind} destination`);
          }
        }
        result.push({
          stack,
          name: `function ${id}`,
          network: { subnets: vpc.SubnetIds, securityGroups: vpc.SecurityGroupIds },
          needs,
        });
      }
      if (r.Type === 'AWS::Lambda::EventSourceMapping') {
        const source = resources[refId(p.EventSourceArn) ?? ''];
        if (
          p.SelfManagedEventSource ||
          (typeof p.EventSourceArn === 'string' && /:(kafka|mq|docdb|rds):/.test(p.EventSourceArn))
        ) {
          throw new Error(`${id}: a VPC event source this check does not model yet; add its documented needs`);
        }
        if (source?.Type !== 'AWS::MSK::Cluster') continue; // SQS, DynamoDB and Kinesis pollers are not in a VPC
        const broker = (source.Properties ?? {}).BrokerNodeGroupInfo as {
          ClientSubnets: Json[];
          SecurityGroups: Json[];
        };
        const needs = new Map<string, string>();
        // https://docs.aws.amazon.com/lambda/latest/dg/with-msk-cluster-network.html: in on-demand
        // mode (no ProvisionedPollerConfig) the poller calls Lambda and STS from the cluster's VPC;
        // with a secret-based authentication it also reads the secret (Secrets Manager).
        if (!p.ProvisionedPollerConfig) {
          need(needs, 'lambda', 'MSK event source poller (on-demand mode) invokes the function');
          need(needs, 'sts', 'MSK event source poller (on-demand mode) assumes the execution role');
        }
        const access = (p.SourceAccessConfigurations as { Type: string }[] | undefined) ?? [];
        if (access.some((a) => /SASL_SCRAM|CLIENT_CERTIFICATE/.test(a.Type))) {
          need(needs, 'secretsmanager', 'MSK event source poller reads the authentication secret');
        }
        // https://docs.aws.amazon.com/lambda/latest/dg/with-msk-on-failure.html: the destination
        // service needs an endpoint in the cluster's VPC.
        const onFailure = (p.DestinationConfig as { OnFailure?: { Destination: Json } } | undefined)?.OnFailure;
        if (onFailure)
          need(needs, destinationService(resources, onFailure.Destination, id), 'MSK on-failure destination');
        result.push({
          stack,
          name: `MSK event source mapping ${id}`,
          network: { subnets: broker.ClientSubnets, securityGroups: broker.SecurityGroups },
          needs,
        });
      }
    }
  }
  return result;
}

interface Rule {
  readonly protocol: string;
  readonly from?: number;
  readonly to?: number;
  readonly peer: Json;
  readonly cidr?: Json;
}

function rules(resources: Resources, group: Json, direction: 'ingress' | 'egress'): Rule[] {
  const id = refId(group);
  const inline =
    id && resources[id]?.Type === 'AWS::EC2::SecurityGroup'
      ? ((resources[id].Properties?.[direction === 'ingress' ? 'SecurityGroupIngress' : 'SecurityGroupEgress'] ??
          []) as Record<string, unknown>[])
      : [];
  const separate = Object.values(resources)
    .filter(
      (r) => r.Type === (direction === 'ingress' ? 'AWS::EC2::SecurityGroupIngress' : 'AWS::EC2::SecurityGroupEgress'),
    )
    .map((r) => r.Properties ?? {})
    .filter((q) => key(q.GroupId) === key(group));
  return [...inline, ...separate].map((q) => ({
    protocol: String(q.IpProtocol),
    from: q.FromPort as number | undefined,
    to: q.ToPort as number | undefined,
    peer: direction === 'ingress' ? q.SourceSecurityGroupId : q.DestinationSecurityGroupId,
    cidr: q.CidrIp as Json,
  }));
}

const allowsHttps = (r: Rule): boolean =>
  r.protocol === '-1' || (r.protocol === 'tcp' && (r.from ?? 0) <= 443 && 443 <= (r.to ?? 65535));

/** Whether `rule`'s peer is one of `peers` or a CIDR covering the whole VPC (`vpcCidrs`). */
function matches(rule: Rule, peers: readonly Json[], vpcCidrs: readonly string[]): boolean {
  if (rule.cidr !== undefined) return vpcCidrs.includes(key(rule.cidr));
  return peers.some((p) => key(p) === key(rule.peer));
}

/** The problems that keep `caller` from reaching `service`; empty when it can. */
function reachability(caller: Caller, service: string): string[] {
  const resources = (caller.stack.template.Resources ?? {}) as Resources;
  const subnets = caller.network.subnets.map((s) => resources[refId(s) ?? '']);
  if (subnets.some((s) => s?.Type !== 'AWS::EC2::Subnet')) {
    return [`subnets ${key(caller.network.subnets)} are not in this template: cannot check`];
  }
  const vpcs = new Set(subnets.map((s) => key(s.Properties?.VpcId)));
  if (vpcs.size !== 1) return [`subnets span ${vpcs.size} VPCs`];
  const vpcRef = subnets[0].Properties?.VpcId;
  const vpcCidrs = [
    '0.0.0.0/0',
    resources[refId(vpcRef) ?? '']?.Properties?.CidrBlock,
    { 'Fn::GetAtt': [refId(vpcRef), 'CidrBlock'] },
  ].map(key);
  const routeTables = Object.values(resources)
    .filter((r) => r.Type === 'AWS::EC2::SubnetRouteTableAssociation')
    .filter((r) => caller.network.subnets.some((s) => key(s) === key(r.Properties?.SubnetId)))
    .map((r) => key(r.Properties?.RouteTableId));

  // A default route through a NAT or internet gateway from every subnet reaches any public endpoint.
  const routesOut =
    routeTables.length === subnets.length &&
    routeTables.every((t) =>
      Object.values(resources).some(
        (r) =>
          r.Type === 'AWS::EC2::Route' &&
          key(r.Properties?.RouteTableId) === t &&
          r.Properties?.DestinationCidrBlock === '0.0.0.0/0' &&
          (r.Properties?.NatGatewayId !== undefined || r.Properties?.GatewayId !== undefined),
      ),
    );
  const egress = caller.network.securityGroups.flatMap((g) => rules(resources, g, 'egress')).filter(allowsHttps);
  if (routesOut && egress.some((r) => key(r.cidr) === key('0.0.0.0/0'))) return [];

  const wanted = endpointServiceName(service, caller.stack.region);
  const endpoints = Object.values(resources)
    .filter((r) => r.Type === 'AWS::EC2::VPCEndpoint')
    .map((r) => r.Properties ?? {})
    .filter((q) => key(q.VpcId) === key(vpcRef) && q.ServiceName === wanted);
  if (endpoints.length === 0) return [`no ${wanted} endpoint in the VPC and no route out`];
  const problems: string[] = [];
  for (const e of endpoints) {
    if (e.VpcEndpointType === 'Gateway') {
      // Gateway endpoints work through the route tables of the caller's subnets.
      const tables = ((e.RouteTableIds as Json[]) ?? []).map(key);
      if (routeTables.every((t) => tables.includes(t))) return [];
      problems.push(`${wanted} gateway endpoint is not in every route table of the subnets`);
      continue;
    }
    if (e.PrivateDnsEnabled !== true) {
      problems.push(`${wanted} interface endpoint has no private DNS: the SDK's default host name would not reach it`);
      continue;
    }
    // Private DNS needs both DNS attributes of the VPC on
    // (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateVpcEndpoint.html, PrivateDnsEnabled).
    const vpc = resources[refId(vpcRef) ?? '']?.Properties;
    if (vpc && (vpc.EnableDnsHostnames !== true || vpc.EnableDnsSupport !== true)) {
      problems.push(`${wanted} private DNS needs EnableDnsHostnames and EnableDnsSupport on the VPC`);
      continue;
    }
    const groups = (e.SecurityGroupIds as Json[]) ?? [];
    const out = egress.some((r) => matches(r, groups, vpcCidrs));
    const ingress = groups.flatMap((g) => rules(resources, g, 'ingress')).filter(allowsHttps);
    const into = ingress.some((r) => matches(r, caller.network.securityGroups, vpcCidrs));
    if (out && into) return [];
    if (!out)
      problems.push(
        `security groups ${key(caller.network.securityGroups)} allow no HTTPS out to the ${wanted} endpoint`,
      );
    if (!into)
      problems.push(
        `the ${wanted} endpoint's security groups allow no HTTPS in from ${key(caller.network.securityGroups)}`,
      );
  }
  return problems;
}

describe('VPC reachability of every AWS service a VPC-attached function or event source poller calls', () => {
  const all = callers();

  it('finds the VPC-attached callers of the example config', () => {
    // Guards against the derivation silently finding nothing.
    expect(all.map((c) => `${c.stack.stackName}: ${c.name}`)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^flink-alerting-.*: function KafkaAdminHandlerFunction/),
        expect.stringMatching(/^flink-alerting-.*: MSK event source mapping NotifierAlertsSource/),
      ]),
    );
  });

  it.each(all.map((c) => [`${c.stack.stackName}: ${c.name}`, c] as const))('%s reaches what it calls', (_, caller) => {
    const problems = [...caller.needs].flatMap(([service, why]) =>
      reachability(caller, service).map((p) => `${service} (${why}): ${p}`),
    );
    expect(problems).toEqual([]);
  });
});
