import { describe, expect, it } from 'vitest';
import { ConfigError, validateConfig } from '../../config/load';
import { exampleSection, rawSection } from './support/config';
import type { Json } from './support/stacks';

/** The problems a config with this privateLinkFailover section yields (fails if it is accepted). */
function problemsOf(change: (raw: Record<string, Json>) => void): readonly string[] {
  const raw = rawSection();
  change(raw);
  try {
    validateConfig({ shared: {}, privateLinkFailover: raw });
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as ConfigError).problems;
  }
  throw new Error('config was accepted');
}

describe('privateLinkFailover config', () => {
  it('accepts the example: one provider in two Regions, two consumers in two accounts, one cross-Region', () => {
    const s = exampleSection();
    expect(s.provider.account).toBe('111111111111');
    expect([s.provider.primary.region, s.provider.secondary.region]).toEqual(['us-east-1', 'us-west-2']);
    expect(s.consumers.map((c) => [c.account, c.region])).toEqual([
      ['444444444444', 'us-east-1'],
      ['555555555555', 'eu-west-1'],
    ]);
    expect(s.routingControl).toMatchObject({ region: 'us-west-2', waitPeriod: 'PT5S' });
  });

  it('fills defaults', () => {
    const s = validateConfig({ shared: {}, privateLinkFailover: rawSection() }).privateLinkFailover!;
    expect(s.recordTtl).toBe('PT30S');
    expect(s.provider.service).toEqual({ port: 8080, instanceType: 't4g.micro', minInstances: 2, maxInstances: 4 });
    expect(s.provider.acceptanceRequired).toBe(false);
    expect(s.provider.sessionManagerEndpoints).toBe(true);
    expect(s.routingControl).toEqual({ region: 'us-west-2', waitPeriod: 'PT5S' });
  });

  it('names a missing required field', () => {
    expect(problemsOf((r) => delete r.domain)).toEqual([
      'privateLinkFailover.domain: expected string, got nothing (the field is required)',
    ]);
  });

  it('names badly formatted values', () => {
    expect(problemsOf((r) => (r.provider.primary.vpcCidr = '10.10.0.0/8'))).toEqual([
      'privateLinkFailover.provider.primary.vpcCidr: expected a VPC CIDR block between /16 and /24, got "10.10.0.0/8"',
    ]);
    expect(problemsOf((r) => (r.consumers[1].vpc.id = 'vpc-XYZ'))).toEqual([
      'privateLinkFailover.consumers[1].vpc.id: expected a VPC ID such as vpc-0123456789abcdef0, got "vpc-XYZ"',
    ]);
    expect(problemsOf((r) => (r.consumers[0].name = 'Consumer_A'))[0]).toMatch(
      /^privateLinkFailover\.consumers\[0\]\.name: expected a DNS label/,
    );
    expect(
      problemsOf(
        (r) => (r.routingControl = { existingClusterArn: 'arn:aws:route53-recovery-control::1:cluster/x' }),
      )[0],
    ).toMatch(/^privateLinkFailover\.routingControl\.existingClusterArn: expected an ARC cluster ARN/);
  });

  it('needs exactly two subnets and two Availability Zones', () => {
    expect(problemsOf((r) => r.consumers[0].vpc.subnets.pop())).toEqual([
      'privateLinkFailover.consumers[0].vpc.subnets: expected at least 2 entries, got an array of 1',
    ]);
    expect(problemsOf((r) => (r.provider.secondary.availabilityZones = ['us-west-2a', 'us-west-2a']))).toEqual([
      'privateLinkFailover.provider.secondary.availabilityZones: expected two different Availability Zones, got an array of 2',
    ]);
  });

  it('rejects a secondary Region equal to the primary', () => {
    const problems = problemsOf((r) => {
      r.provider.secondary = { ...r.provider.primary, vpcCidr: '10.20.0.0/16' };
    });
    expect(problems).toContain(
      'privateLinkFailover.provider.secondary.region: expected a Region other than the primary\'s (us-east-1), got "us-east-1"',
    );
  });

  it('keeps the routing control stack in the ARC control plane Region', () => {
    expect(problemsOf((r) => (r.routingControl = { region: 'us-east-1' }))).toEqual([
      'privateLinkFailover.routingControl.region: expected us-west-2 (the only Region of the ARC control plane and its CloudFormation resources), got "us-east-1"',
    ]);
  });

  it('checks Availability Zones against their Region', () => {
    expect(problemsOf((r) => (r.provider.primary.availabilityZones = ['us-east-1a', 'us-west-2b']))).toEqual([
      'privateLinkFailover.provider.primary.availabilityZones[1]: expected an Availability Zone of us-east-1, got "us-west-2b"',
    ]);
    expect(problemsOf((r) => (r.consumers[1].vpc.subnets[0].availabilityZone = 'us-east-1a'))).toEqual([
      'privateLinkFailover.consumers[1].vpc.subnets[0].availabilityZone: expected an Availability Zone of the consumer\'s Region eu-west-1, got "us-east-1a"',
    ]);
  });

  it('rejects duplicate consumer names', () => {
    expect(problemsOf((r) => (r.consumers[1].name = 'consumer-a'))).toEqual([
      'privateLinkFailover.consumers[1].name: expected a unique consumer name (consumers[0] has it too), got "consumer-a"',
    ]);
  });

  it('checks service names against the provider Regions', () => {
    expect(
      problemsOf(
        (r) => (r.consumers[0].secondaryServiceName = 'com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0'),
      ),
    ).toEqual([
      'privateLinkFailover.consumers[0].secondaryServiceName: expected a service name of the provider\'s secondary Region us-west-2, got "com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0"',
    ]);
  });

  it('checks the instance counts', () => {
    expect(problemsOf((r) => (r.provider.service = { minInstances: 3, maxInstances: 2 }))).toEqual([
      'privateLinkFailover.provider.service.maxInstances: expected at least minInstances (3), got 2',
    ]);
  });

  it('rejects unknown fields', () => {
    expect(problemsOf((r) => (r.provider.acceptance = true))).toEqual([
      'privateLinkFailover.provider.acceptance: unknown field (not part of the config schema: check its spelling or remove it)',
    ]);
  });
});
