// The manifest publisher publishes only cluster endpoints the failover tool would call: the same
// rule (lambda/privatelink-failover/core/endpoint-policy.ts) where the list is written and where it is read.
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import type { ClusterEndpoint } from '../../lambda/privatelink-failover/core/manifest';
import { publishManifest, type PublishPorts } from '../../lambda/privatelink-failover/core/publish-manifest';
import { checkClusterEndpoints } from '../../tools/privatelink-failover/endpoint-policy';

const ARC = 'https://abc123.route53-recovery-cluster';
const GOOD: ClusterEndpoint[] = [
  { endpoint: `${ARC}.us-west-2.amazonaws.com/v1`, region: 'us-west-2' },
  { endpoint: `${ARC}.eu-west-1.amazonaws.com/v1`, region: 'eu-west-1' },
];

function create(): CloudFormationCustomResourceEvent {
  const arn = 'arn:aws:route53-recovery-control::111111111111';
  return {
    RequestType: 'Create',
    ServiceToken: 'token',
    ResponseURL: 'https://example.invalid/response',
    StackId: 'stack',
    RequestId: 'request',
    LogicalResourceId: 'Manifest',
    ResourceType: 'Custom::FailoverManifest',
    ResourceProperties: {
      ServiceToken: 'token',
      Name: 'payments',
      ControlPlaneRegion: 'us-west-2',
      ClusterArn: `${arn}:cluster/c`,
      ControlPanelArn: `${arn}:controlpanel/p`,
      PrimaryRoutingControlArn: `${arn}:controlpanel/p/routingcontrol/a`,
      PrimaryRegion: 'us-east-1',
      PrimaryHealthCheckId: 'hc-primary',
      SecondaryRoutingControlArn: `${arn}:controlpanel/p/routingcontrol/b`,
      SecondaryRegion: 'us-west-2',
      SecondaryHealthCheckId: 'hc-secondary',
      AtLeastOneOnRuleArn: `${arn}:controlpanel/p/safetyrule/l`,
      AtMostOneOnRuleArn: `${arn}:controlpanel/p/safetyrule/m`,
      FailoverNames: ['payments.example.com'],
      ParameterRegions: ['us-west-2', 'us-east-1'],
    },
  };
}

function ports(endpoints: ClusterEndpoint[]) {
  const written: string[] = [];
  const p: PublishPorts = {
    cluster: { describeCluster: async () => ({ status: 'DEPLOYED', endpoints }) },
    parameters: {
      put: async (region, name) => void written.push(`${region} ${name}`),
      delete: async () => undefined,
    },
  };
  return { p, written };
}

const refused: [string, ClusterEndpoint, RegExp][] = [
  [
    'plain http',
    { endpoint: `http://abc123.route53-recovery-cluster.us-west-2.amazonaws.com/v1`, region: 'us-west-2' },
    /expected https/,
  ],
  [
    'another host',
    { endpoint: 'https://abc123.route53-recovery-cluster.us-west-2.evil.example/v1', region: 'us-west-2' },
    /expected a host/,
  ],
  [
    'a host in another Region',
    { endpoint: `${ARC}.us-east-1.amazonaws.com/v1`, region: 'us-west-2' },
    /expected a host/,
  ],
  [
    'a port',
    { endpoint: `${ARC}.us-west-2.amazonaws.com:8443/v1`, region: 'us-west-2' },
    /expected a plain https:\/\/host\/path URL/,
  ],
  [
    'an unpublished Region',
    { endpoint: `${ARC}.zz-mars-1.amazonaws.com/v1`, region: 'zz-mars-1' },
    /region: expected an AWS Region/,
  ],
  ['loopback', { endpoint: 'http://127.0.0.1:4566/v1', region: 'us-west-2' }, /expected https/],
  [
    'not a URL',
    { endpoint: 'abc123.route53-recovery-cluster.us-west-2.amazonaws.com', region: 'us-west-2' },
    /expected an https URL/,
  ],
];

describe('manifest publisher: cluster endpoints', () => {
  it('publishes ARC cluster endpoints', async () => {
    const { p, written } = ports(GOOD);
    const result = await publishManifest(create(), p);
    expect(JSON.parse(result.data!.ClusterEndpoints)).toEqual(GOOD);
    expect(written).toHaveLength(4);
  });

  it.each(refused)('refuses %s, as the failover tool does, and publishes nothing', async (_name, bad, message) => {
    const { p, written } = ports([GOOD[0], bad]);
    await expect(publishManifest(create(), p)).rejects.toThrow(
      new RegExp(`^DescribeCluster ClusterEndpoints\\[1\\]\\.endpoint: ${message.source}.*; nothing published$`),
    );
    expect(written).toEqual([]);
    expect(() => checkClusterEndpoints([GOOD[0], bad], 'list', false)).toThrow(message);
  });

  it('publishes loopback endpoints only when told to (a local ARC peer)', async () => {
    const local = [{ endpoint: 'http://127.0.0.1:4566/v1', region: 'us-west-2' }];
    const { p, written } = ports(local);
    await publishManifest(create(), p, { allowLocalEndpoints: true });
    expect(written).toHaveLength(4);
  });
});
