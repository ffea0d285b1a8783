import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { exampleSection, section } from './support/config';
import { build } from './support/stacks';

describe('provider failover DNS stack', () => {
  const built = build(exampleSection());
  const t = built.templates.dns;

  it('lands in the provider account and primary Region', () => {
    expect(built.stacks.dns.stackName).toBe('privatelink-dns-111111111111-us-east-1');
    expect(built.stacks.dns.dependencies.map((d) => d.stackName).sort()).toEqual([
      'privatelink-routing-111111111111-us-west-2',
      'privatelink-service-111111111111-us-east-1',
    ]);
  });

  it('creates the private failover zone with the provider VPC (logical ID pinned)', () => {
    expect(Object.keys(t.findResources('AWS::Route53::HostedZone'))).toEqual(['FailoverZone8FA03D41']);
    t.hasResourceProperties('AWS::Route53::HostedZone', {
      Name: 'payments.provider.internal.',
      VPCs: [{ VPCId: Match.anyValue(), VPCRegion: 'us-east-1' }],
    });
    t.hasResource('AWS::Route53::HostedZone', { DeletionPolicy: 'Retain' });
  });

  it('gives each consumer a PRIMARY and a SECONDARY failover CNAME tied to the routing control health checks', () => {
    const records = Object.values(t.findResources('AWS::Route53::RecordSet')).map((r) => r.Properties);
    expect(records).toHaveLength(4);
    const healthCheck = (side: string) => ({
      'Fn::GetStackOutput': {
        StackName: 'privatelink-routing-111111111111-us-west-2',
        Region: 'us-west-2',
        OutputName: Match.stringLikeRegexp(`RoutingControls${side}HealthCheck`),
      },
    });
    for (const consumer of ['consumer-a', 'consumer-b']) {
      for (const [side, Failover] of [
        ['primary', 'PRIMARY'],
        ['secondary', 'SECONDARY'],
      ]) {
        t.hasResourceProperties('AWS::Route53::RecordSet', {
          Name: `${consumer}.payments.provider.internal.`,
          Type: 'CNAME',
          TTL: '30',
          Failover,
          SetIdentifier: `${consumer}-${side}`,
          ResourceRecords: [`${side}.${consumer}.payments.internal`],
          HealthCheckId: healthCheck(side === 'primary' ? 'Primary' : 'Secondary'),
          HostedZoneId: { Ref: 'FailoverZone8FA03D41' },
        });
      }
    }
  });

  it('authorizes each consumer VPC, reversibly, with a least-privilege handler', () => {
    const auths = Object.values(t.findResources('Custom::VpcAssociationAuthorization')).map((r) => r.Properties);
    expect(auths.map((a) => [a.Kind, a.VpcId, a.VpcRegion])).toEqual([
      ['authorization', 'vpc-0a1b2c3d4e5f60718', 'us-east-1'],
      ['authorization', 'vpc-0b1c2d3e4f5a60718', 'eu-west-1'],
    ]);
    for (const a of auths) expect(a.HostedZoneId).toEqual({ Ref: 'FailoverZone8FA03D41' });
    const statements = Object.values(t.findResources('AWS::IAM::Policy')).flatMap(
      (p) => p.Properties.PolicyDocument.Statement,
    );
    const route53 = statements.filter((s) => JSON.stringify(s.Action).includes('route53:'));
    expect(route53).toEqual([
      {
        Effect: 'Allow',
        Action: [
          'route53:CreateVPCAssociationAuthorization',
          'route53:DeleteVPCAssociationAuthorization',
          'route53:ListVPCAssociationAuthorizations',
        ],
        Resource: {
          'Fn::Join': [
            '',
            ['arn:', { Ref: 'AWS::Partition' }, ':route53:::hostedzone/', { Ref: 'FailoverZone8FA03D41' }],
          ],
        },
      },
    ]);
    t.hasResourceProperties('AWS::Lambda::EventInvokeConfig', { MaximumRetryAttempts: 0 });
  });

  it('publishes the zone ID for the consumers', () => {
    t.hasResourceProperties('AWS::SSM::Parameter', {
      Name: '/privatelink-failover/payments/provider-zone-id',
      Value: { Ref: 'FailoverZone8FA03D41' },
    });
    t.hasOutput('ZoneId', { Value: { Ref: 'FailoverZone8FA03D41' } });
  });

  it('keeps an authorization on its VPC when the consumers are reordered', () => {
    const ids = (b: ReturnType<typeof build>) =>
      Object.entries(b.templates.dns.findResources('Custom::VpcAssociationAuthorization'))
        .map(([id, r]) => `${id}=${r.Properties.VpcId}`)
        .sort();
    const reordered = build(section((r) => r.consumers.reverse()));
    expect(ids(reordered)).toEqual(ids(build(section())));
  });
});
