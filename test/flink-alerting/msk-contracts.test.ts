import { beforeAll, describe, expect, it } from 'vitest';
import { MSK_IAM_PORT } from '../../lib/flink-alerting/kafka-cluster';
import { exampleTemplates } from '../helpers/example-templates';

// MSK and Lambda rules AWS publishes that CloudFormation's schema cannot express (it bounds single
// values only), checked on the example config's alerting stack.

type Resources = Record<string, { Type: string; Properties?: Record<string, unknown> }>;

function alerting(): Resources {
  const stack = exampleTemplates().find((t) => t.stackName.startsWith('flink-alerting-'));
  if (!stack) throw new Error('no flink-alerting stack in the example config');
  return (stack.template.Resources ?? {}) as Resources;
}

function only(resources: Resources, type: string): Record<string, unknown> {
  const found = Object.values(resources).filter((r) => r.Type === type);
  expect(found).toHaveLength(1);
  return found[0].Properties ?? {};
}

describe('MSK cluster and its clients', () => {
  beforeAll(() => void alerting());

  it('spreads brokers evenly over two or three client subnets in distinct Availability Zones', () => {
    // https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-msk-cluster-brokernodegroupinfo.html
    const resources = alerting();
    const cluster = only(resources, 'AWS::MSK::Cluster');
    const subnets = (cluster.BrokerNodeGroupInfo as { ClientSubnets: { Ref: string }[] }).ClientSubnets;
    expect(subnets.length).toBeGreaterThanOrEqual(2);
    expect(subnets.length).toBeLessThanOrEqual(3);
    const zones = subnets.map((s) => resources[s.Ref].Properties?.AvailabilityZone);
    expect(new Set(zones).size).toBe(subnets.length);
    expect((cluster.NumberOfBrokerNodes as number) % subnets.length).toBe(0);
  });

  it('lets clients in on the port MSK documents for IAM over TLS only', () => {
    // https://docs.aws.amazon.com/msk/latest/developerguide/port-info.html: 9098 is IAM access
    // control from inside the VPC (TLS); no other client port is opened.
    expect(MSK_IAM_PORT).toBe(9098);
    const resources = alerting();
    const cluster = only(resources, 'AWS::MSK::Cluster');
    expect(cluster.ClientAuthentication).toEqual({
      Sasl: { Iam: { Enabled: true } },
      Unauthenticated: { Enabled: false },
    });
    expect((cluster.EncryptionInfo as { EncryptionInTransit: unknown }).EncryptionInTransit).toEqual({
      ClientBroker: 'TLS',
      InCluster: true,
    });
    const group = (cluster.BrokerNodeGroupInfo as { SecurityGroups: unknown[] }).SecurityGroups[0];
    const ingress = Object.values(resources)
      .filter((r) => r.Type === 'AWS::EC2::SecurityGroupIngress')
      .map((r) => r.Properties ?? {})
      .filter((p) => JSON.stringify(p.GroupId) === JSON.stringify(group));
    expect(ingress.length).toBeGreaterThan(0);
    for (const rule of ingress) expect([rule.IpProtocol, rule.FromPort, rule.ToPort]).toEqual(['tcp', 9098, 9098]);
  });

  it("lets the event source poller, which uses the cluster's security group, reach the brokers", () => {
    // https://docs.aws.amazon.com/lambda/latest/dg/msk-esm-create.html: the poller's ENIs take the
    // cluster's subnets and security groups, so that group must let itself in and out on 9098.
    const resources = alerting();
    const cluster = only(resources, 'AWS::MSK::Cluster');
    const group = JSON.stringify((cluster.BrokerNodeGroupInfo as { SecurityGroups: unknown[] }).SecurityGroups[0]);
    const self = (type: string, peer: string) =>
      Object.values(resources)
        .filter((r) => r.Type === type)
        .map((r) => r.Properties ?? {})
        .some(
          (p) =>
            JSON.stringify(p.GroupId) === group &&
            JSON.stringify(p[peer]) === group &&
            p.IpProtocol === 'tcp' &&
            p.FromPort === 9098 &&
            p.ToPort === 9098,
        );
    expect(self('AWS::EC2::SecurityGroupIngress', 'SourceSecurityGroupId')).toBe(true);
    expect(self('AWS::EC2::SecurityGroupEgress', 'DestinationSecurityGroupId')).toBe(true);
  });

  it('starts a new consumer group at the oldest record, not LATEST', () => {
    // https://docs.aws.amazon.com/lambda/latest/dg/msk-starting-positions.html: polling starts
    // eventually after a create or update, so LATEST can skip the records written meanwhile.
    const esm = only(alerting(), 'AWS::Lambda::EventSourceMapping');
    expect(['TRIM_HORIZON', 'AT_TIMESTAMP']).toContain(esm.StartingPosition);
  });

  it('sends discarded batches to a queue without a customer managed key (no KMS grant needed)', () => {
    // https://docs.aws.amazon.com/lambda/latest/dg/with-msk-on-failure.html: KMS permissions are
    // needed only when the destination uses the customer's own key.
    const resources = alerting();
    const esm = only(resources, 'AWS::Lambda::EventSourceMapping');
    const queueId = (esm.DestinationConfig as { OnFailure: { Destination: { 'Fn::GetAtt': [string] } } }).OnFailure
      .Destination['Fn::GetAtt'][0];
    expect(resources[queueId].Type).toBe('AWS::SQS::Queue');
    expect(resources[queueId].Properties?.KmsMasterKeyId).toBeUndefined();
  });

  it('keeps the notifier out of the VPC, so its webhooks and SES calls use Lambda’s internet access', () => {
    // https://docs.aws.amazon.com/lambda/latest/dg/configuration-vpc-internet.html: a function
    // not attached to a VPC reaches the internet; the isolated VPC has no route out.
    const resources = alerting();
    const notifier = Object.entries(resources).find(
      ([id, r]) => id.startsWith('NotifierFunction') && r.Type === 'AWS::Lambda::Function',
    );
    expect(notifier?.[1].Properties?.VpcConfig).toBeUndefined();
  });
});
