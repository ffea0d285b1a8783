import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { build, only } from './support/stacks';
import { exampleSection, section } from './support/config';

describe('provider service stack', () => {
  const built = build(exampleSection());
  const primary = built.templates.primaryService;
  const secondary = built.templates.secondaryService;

  it('lands in the provider account, one stack per provider Region', () => {
    expect(built.stacks.primaryService.stackName).toBe('privatelink-service-111111111111-us-east-1');
    expect(built.stacks.secondaryService.stackName).toBe('privatelink-service-111111111111-us-west-2');
    expect(built.stacks.primaryService.account).toBe('111111111111');
  });

  it('has no public path: isolated subnets only, no internet or NAT gateway, no default route', () => {
    for (const t of [primary, secondary]) {
      t.resourceCountIs('AWS::EC2::InternetGateway', 0);
      t.resourceCountIs('AWS::EC2::NatGateway', 0);
      t.resourceCountIs('AWS::EC2::EIP', 0);
      t.resourceCountIs('AWS::EC2::Route', 0);
      const subnets = Object.values(t.findResources('AWS::EC2::Subnet'));
      expect(subnets).toHaveLength(2);
      for (const s of subnets) expect(s.Properties.MapPublicIpOnLaunch).toBe(false);
      for (const sg of Object.values(t.findResources('AWS::EC2::SecurityGroup'))) {
        for (const rule of sg.Properties.SecurityGroupIngress ?? []) expect(rule.CidrIp).not.toBe('0.0.0.0/0');
      }
      t.resourceCountIs('AWS::EC2::FlowLog', 1);
    }
    primary.hasResourceProperties('AWS::EC2::VPC', { CidrBlock: '10.10.0.0/16' });
    const azs = Object.values(primary.findResources('AWS::EC2::Subnet')).map((s) => s.Properties.AvailabilityZone);
    expect(azs.sort()).toEqual(['us-east-1a', 'us-east-1b']);
  });

  it('puts an internal, cross-zone NLB with a security group enforced for PrivateLink in front', () => {
    const lb = only(primary, 'AWS::ElasticLoadBalancingV2::LoadBalancer').resource.Properties;
    expect(lb).toMatchObject({
      Type: 'network',
      Scheme: 'internal',
      EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic: 'on',
    });
    expect(lb.SecurityGroups).toHaveLength(1);
    expect(lb.LoadBalancerAttributes).toEqual(
      expect.arrayContaining([
        { Key: 'load_balancing.cross_zone.enabled', Value: 'true' },
        // Protected from deletion because the example retains stateful resources.
        { Key: 'deletion_protection.enabled', Value: 'true' },
      ]),
    );
    primary.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', { Port: 8080, Protocol: 'TCP' });
    primary.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', {
      Port: 8080,
      Protocol: 'TCP',
      TargetType: 'instance',
      HealthCheckProtocol: 'HTTP',
      HealthCheckPath: '/health',
    });
    // Only the consumers' VPCs reach the listener.
    primary.hasResourceProperties('AWS::EC2::SecurityGroup', {
      GroupDescription: Match.stringLikeRegexp('^Load balancer'),
      SecurityGroupIngress: [
        Match.objectLike({ CidrIp: '10.30.0.0/16', FromPort: 8080, ToPort: 8080, IpProtocol: 'tcp' }),
        Match.objectLike({ CidrIp: '10.40.0.0/16', FromPort: 8080, ToPort: 8080, IpProtocol: 'tcp' }),
      ],
    });
  });

  it('runs the service on instances with IMDSv2 only, no public IP, no SSH, encrypted disks', () => {
    const data = only(primary, 'AWS::EC2::LaunchTemplate').resource.Properties.LaunchTemplateData;
    expect(data.MetadataOptions).toMatchObject({ HttpTokens: 'required', HttpPutResponseHopLimit: 1 });
    expect(data.NetworkInterfaces[0].AssociatePublicIpAddress).toBe(false);
    expect(data.KeyName).toBeUndefined();
    expect(data.InstanceType).toBe('t4g.micro');
    expect(data.ImageId.Ref).toMatch(/al2023amikernel.*arm64/i);
    expect(data.BlockDeviceMappings[0].Ebs).toMatchObject({ Encrypted: true, VolumeType: 'gp3' });
    const userData = Buffer.from(data.UserData['Fn::Base64'], 'utf8').toString();
    expect(userData).toContain('Environment=PORT=8080 SERVICE_REGION=us-east-1 SERVICE_NAME=payments');
    expect(userData).toContain('systemctl enable --now privatelink-service.service');
    for (const sg of Object.values(primary.findResources('AWS::EC2::SecurityGroup'))) {
      for (const rule of sg.Properties.SecurityGroupIngress ?? []) expect(rule.FromPort).not.toBe(22);
    }
    primary.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: Match.objectLike({
        Statement: [Match.objectLike({ Principal: { Service: 'ec2.amazonaws.com' } })],
      }),
      ManagedPolicyArns: [
        { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::aws:policy/AmazonSSMManagedInstanceCore']] },
      ],
    });
    // Session Manager reaches the isolated instances through interface endpoints.
    const endpoints = Object.values(primary.findResources('AWS::EC2::VPCEndpoint')).map((e) =>
      JSON.stringify(e.Properties.ServiceName),
    );
    expect(endpoints.join(' ')).toMatch(/\.ssm"/);
    expect(endpoints.join(' ')).toMatch(/ssmmessages/);
    expect(endpoints.join(' ')).toMatch(/ec2messages/);
  });

  it('replaces instances that fail the load balancer health check', () => {
    primary.hasResourceProperties('AWS::AutoScaling::AutoScalingGroup', {
      MinSize: '2',
      MaxSize: '4',
      HealthCheckType: 'ELB',
      HealthCheckGracePeriod: 180,
    });
    primary.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'HealthyHostCount',
      ComparisonOperator: 'LessThanThreshold',
      Threshold: 1,
    });
  });

  it('exposes an endpoint service to the consumer accounts, with the cross-Region consumers Regions', () => {
    // Without manual acceptance, the allow-list is the gate; the checkov finding says so in the template.
    expect(only(primary, 'AWS::EC2::VPCEndpointService').resource.Metadata.checkov.skip[0].id).toBe('CKV_AWS_123');
    const service = primary.findResources('AWS::EC2::VPCEndpointService');
    // Pinned: replacing the endpoint service changes its name, and every consumer endpoint with it.
    expect(Object.keys(service)).toEqual(['EndpointServiceED36BE1F']);
    primary.hasResourceProperties('AWS::EC2::VPCEndpointService', {
      AcceptanceRequired: false,
      SupportedRegions: ['eu-west-1'],
      NetworkLoadBalancerArns: [{ Ref: Match.stringLikeRegexp('^ServiceLoadBalancer') }],
    });
    secondary.hasResourceProperties('AWS::EC2::VPCEndpointService', { SupportedRegions: ['eu-west-1', 'us-east-1'] });
    const principals = only(primary, 'AWS::EC2::VPCEndpointServicePermissions').resource.Properties.AllowedPrincipals;
    expect(JSON.stringify(principals)).toContain(':iam::444444444444:root');
    expect(JSON.stringify(principals)).toContain(':iam::555555555555:root');
    expect(principals).toHaveLength(2);
  });

  it('publishes the service name as an output and an SSM parameter', () => {
    primary.hasResourceProperties('AWS::SSM::Parameter', {
      Name: '/privatelink-failover/payments/service-name',
      Type: 'String',
      Value: { 'Fn::Join': ['.', ['com.amazonaws.vpce', { Ref: 'AWS::Region' }, { Ref: 'EndpointServiceED36BE1F' }]] },
    });
    primary.hasOutput('ServiceName', { Value: Match.anyValue() });
  });

  it('follows the config: acceptance, sources, Session Manager endpoints, x86 instances', () => {
    const b = build(
      section((r) => {
        r.provider.acceptanceRequired = true;
        r.provider.allowedSourceCidrs = ['10.99.0.0/16'];
        r.provider.sessionManagerEndpoints = false;
        r.provider.service = { instanceType: 'm7i.large', port: 443 };
      }),
    );
    const t = b.templates.primaryService;
    const service = only(t, 'AWS::EC2::VPCEndpointService').resource;
    expect(service.Properties.AcceptanceRequired).toBe(true);
    expect(service.Metadata?.checkov).toBeUndefined();
    t.resourceCountIs('AWS::EC2::VPCEndpoint', 0);
    t.hasResourceProperties('AWS::EC2::SecurityGroup', {
      GroupDescription: Match.stringLikeRegexp('^Load balancer'),
      SecurityGroupIngress: [Match.objectLike({ CidrIp: '10.99.0.0/16', FromPort: 443 })],
    });
    const data = only(t, 'AWS::EC2::LaunchTemplate').resource.Properties.LaunchTemplateData;
    expect(data.ImageId.Ref).toMatch(/x8664/i);
  });
});
