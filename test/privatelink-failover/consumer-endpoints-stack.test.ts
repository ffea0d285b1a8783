import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { exampleSection } from './support/config';
import { build, type Json } from './support/stacks';

describe('consumer endpoints stack', () => {
  const built = build(exampleSection());
  const [a, b] = built.templates.consumers as [Json, Json];

  it('lands in each consumer account and Region', () => {
    expect(built.stacks.consumers.map((s) => s.stackName)).toEqual([
      'privatelink-consumer-consumer-a-444444444444-us-east-1',
      'privatelink-consumer-consumer-b-555555555555-eu-west-1',
    ]);
  });

  it('creates interface endpoints in two AZs to both services, cross-Region where the Regions differ', () => {
    // consumer-a (us-east-1): same Region as the primary, cross-Region to the secondary.
    const endpointsA = Object.values(a.findResources('AWS::EC2::VPCEndpoint')).map((e: Json) => e.Properties);
    expect(endpointsA).toHaveLength(2);
    expect(endpointsA.map((e: Json) => [e.ServiceName, e.ServiceRegion])).toEqual([
      ['com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0', undefined],
      ['com.amazonaws.vpce.us-west-2.vpce-svc-0fedcba9876543210', 'us-west-2'],
    ]);
    for (const e of endpointsA) {
      expect(e).toMatchObject({
        VpcEndpointType: 'Interface',
        VpcId: 'vpc-0a1b2c3d4e5f60718',
        PrivateDnsEnabled: false,
        SubnetIds: ['subnet-0a1b2c3d4e5f60001', 'subnet-0a1b2c3d4e5f60002'],
      });
    }
    // consumer-b (eu-west-1): both cross-Region; service names read from its own SSM parameters.
    const endpointsB = Object.values(b.findResources('AWS::EC2::VPCEndpoint')).map((e: Json) => e.Properties);
    expect(endpointsB.map((e: Json) => e.ServiceRegion)).toEqual(['us-east-1', 'us-west-2']);
    expect(endpointsB.map((e: Json) => e.ServiceName.Ref)).toEqual([
      expect.stringMatching(/^SsmParameterValueprivatelinkfailoverpaymentsprimaryservicename/),
      expect.stringMatching(/^SsmParameterValueprivatelinkfailoverpaymentssecondaryservicename/),
    ]);
    const parameters = b.toJSON().Parameters;
    expect(parameters[endpointsB[0].ServiceName.Ref].Default).toBe(
      '/privatelink-failover/payments/primary-service-name',
    );
    expect(parameters[endpointsB[1].ServiceName.Ref].Default).toBe(
      '/privatelink-failover/payments/secondary-service-name',
    );
  });

  it('lets only the VPC reach the endpoints on the service port', () => {
    b.hasResourceProperties('AWS::EC2::SecurityGroup', {
      SecurityGroupIngress: [
        { CidrIp: '10.40.0.0/16', FromPort: 8080, ToPort: 8080, IpProtocol: 'tcp', Description: Match.anyValue() },
      ],
    });
  });

  it('names the endpoints primary. and secondary. in the consumer zone (logical IDs pinned)', () => {
    expect(Object.keys(b.findResources('AWS::Route53::HostedZone'))).toEqual(['ZoneA5DE4B68']);
    b.hasResourceProperties('AWS::Route53::HostedZone', {
      Name: 'consumer-b.payments.internal.',
      VPCs: [{ VPCId: 'vpc-0b1c2d3e4f5a60718', VPCRegion: 'eu-west-1' }],
    });
    for (const [side, endpoint] of [
      ['primary', 'PrimaryEndpoint'],
      ['secondary', 'SecondaryEndpoint'],
    ]) {
      b.hasResourceProperties('AWS::Route53::RecordSet', {
        Name: `${side}.consumer-b.payments.internal.`,
        Type: 'A',
        AliasTarget: {
          DNSName: {
            'Fn::Select': [
              1,
              {
                'Fn::Split': [
                  ':',
                  { 'Fn::Select': [0, { 'Fn::GetAtt': [Match.stringLikeRegexp(`^${endpoint}`), 'DnsEntries'] }] },
                ],
              },
            ],
          },
          HostedZoneId: Match.anyValue(),
        },
      });
    }
  });

  it('associates the VPC with the provider failover zone (from config, or from SSM)', () => {
    a.hasResourceProperties('Custom::VpcAssociation', {
      Kind: 'association',
      HostedZoneId: 'Z0123456789ABCDEFGHIJ',
      VpcId: 'vpc-0a1b2c3d4e5f60718',
      VpcRegion: 'us-east-1',
    });
    const association = Object.values(b.findResources('Custom::VpcAssociation'))[0] as Json;
    expect(association.Properties.HostedZoneId.Ref).toMatch(
      /^SsmParameterValueprivatelinkfailoverpaymentsproviderzoneid/,
    );
    const statements = Object.values(a.findResources('AWS::IAM::Policy')).flatMap(
      (p: Json) => p.Properties.PolicyDocument.Statement,
    );
    const associate = statements.find((s: Json) => JSON.stringify(s.Action).includes('AssociateVPCWithHostedZone'));
    expect(associate.Action).toEqual(['route53:AssociateVPCWithHostedZone', 'route53:DisassociateVPCFromHostedZone']);
    expect(JSON.stringify(associate.Resource)).toContain(':route53:::hostedzone/Z0123456789ABCDEFGHIJ');
    // The actions take only the hosted zone resource type (Service Authorization Reference).
    expect(JSON.stringify(associate.Resource)).not.toContain(':vpc/');
  });
});
