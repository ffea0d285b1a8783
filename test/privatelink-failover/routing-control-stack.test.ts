import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { type ControlState, evaluateAssertionRule } from '../../testing/privatelink-failover/arc-local';
import { exampleSection, section } from './support/config';
import { build, only } from './support/stacks';

describe('routing control stack', () => {
  const built = build(exampleSection());
  const t = built.templates.routing;

  it('lands in the provider account, in the ARC control plane Region', () => {
    expect(built.stacks.routing.stackName).toBe('privatelink-routing-111111111111-us-west-2');
  });

  it('creates a cluster, a control panel and one routing control per provider Region (logical IDs pinned)', () => {
    expect(Object.keys(t.findResources('AWS::Route53RecoveryControl::Cluster'))).toEqual([
      'RoutingControlsCluster417A18BC',
    ]);
    t.hasResourceProperties('AWS::Route53RecoveryControl::Cluster', { Name: 'payments-failover' });
    t.hasResource('AWS::Route53RecoveryControl::Cluster', { DeletionPolicy: 'Retain' });
    expect(Object.keys(t.findResources('AWS::Route53RecoveryControl::ControlPanel'))).toEqual([
      'RoutingControlsControlPanel37DC1211',
    ]);
    // Replacing a routing control resets it to Off: its logical ID must not drift.
    const controls = t.findResources('AWS::Route53RecoveryControl::RoutingControl');
    expect(Object.keys(controls).sort()).toEqual([
      'RoutingControlsPrimaryControl213173C2',
      'RoutingControlsSecondaryControl46CE3838',
    ]);
    expect(
      Object.values(controls)
        .map((c) => c.Properties.Name)
        .sort(),
    ).toEqual(['payments-primary-us-east-1', 'payments-secondary-us-west-2']);
    for (const c of Object.values(controls)) {
      expect(c.Properties.ClusterArn).toEqual({ 'Fn::GetAtt': ['RoutingControlsCluster417A18BC', 'ClusterArn'] });
      expect(c.Properties.ControlPanelArn).toEqual({
        'Fn::GetAtt': ['RoutingControlsControlPanel37DC1211', 'ControlPanelArn'],
      });
    }
  });

  it('has the two safety rules: at least one On and at most one On, over both controls', () => {
    const found = t.findResources('AWS::Route53RecoveryControl::SafetyRule');
    expect(Object.keys(found).sort()).toEqual([
      'RoutingControlsAtLeastOneOnRule907323ED',
      'RoutingControlsAtMostOneOnRule4B42944A',
    ]);
    const rules = Object.values(found).map((r) => r.Properties);
    const arns = ['RoutingControlsPrimaryControl213173C2', 'RoutingControlsSecondaryControl46CE3838'];
    for (const r of rules) {
      expect(r.AssertionRule.AssertedControls).toEqual(arns.map((id) => ({ 'Fn::GetAtt': [id, 'RoutingControlArn'] })));
      expect(r.AssertionRule.WaitPeriodMs).toBe(5000);
      expect(r.GatingRule).toBeUndefined();
    }
    // Evaluate the rules as ARC does, for every combination of states.
    const verdict = (p: ControlState, s: ControlState) =>
      rules.every((r) =>
        evaluateAssertionRule(
          {
            type: r.RuleConfig.Type,
            threshold: r.RuleConfig.Threshold,
            inverted: r.RuleConfig.Inverted,
            assertedControls: ['p', 's'],
          },
          new Map([
            ['p', p],
            ['s', s],
          ]),
        ),
      );
    expect(verdict('On', 'Off')).toBe(true);
    expect(verdict('Off', 'On')).toBe(true);
    expect(verdict('Off', 'Off')).toBe(false); // would fail closed
    expect(verdict('On', 'On')).toBe(false); // would serve from both
  });

  it('ties a RECOVERY_CONTROL health check to each routing control', () => {
    const checks = t.findResources('AWS::Route53::HealthCheck');
    expect(Object.keys(checks).sort()).toEqual([
      'RoutingControlsPrimaryHealthCheck06812CD2',
      'RoutingControlsSecondaryHealthCheckE44356C7',
    ]);
    t.hasResourceProperties('AWS::Route53::HealthCheck', {
      HealthCheckConfig: {
        Type: 'RECOVERY_CONTROL',
        RoutingControlArn: { 'Fn::GetAtt': ['RoutingControlsPrimaryControl213173C2', 'RoutingControlArn'] },
      },
    });
    t.hasResourceProperties('AWS::Route53::HealthCheck', {
      HealthCheckConfig: {
        Type: 'RECOVERY_CONTROL',
        RoutingControlArn: { 'Fn::GetAtt': ['RoutingControlsSecondaryControl46CE3838', 'RoutingControlArn'] },
      },
    });
  });

  it('publishes the manifest with the cluster endpoints in the ARC Region and both provider Regions', () => {
    const manifest = only(t, 'Custom::FailoverManifest').resource.Properties;
    expect(manifest).toMatchObject({
      Name: 'payments',
      ControlPlaneRegion: 'us-west-2',
      ClusterArn: { 'Fn::GetAtt': ['RoutingControlsCluster417A18BC', 'ClusterArn'] },
      PrimaryRegion: 'us-east-1',
      SecondaryRegion: 'us-west-2',
      PrimaryHealthCheckId: { Ref: 'RoutingControlsPrimaryHealthCheck06812CD2' },
      FailoverNames: ['consumer-a.payments.provider.internal', 'consumer-b.payments.provider.internal'],
      ParameterRegions: ['us-west-2', 'us-east-1'],
      WaitPeriodMs: 5000,
      ServiceTimeout: '780',
    });
    // Least privilege: DescribeCluster on this cluster, the two parameters in the listed Regions.
    const statements = Object.values(t.findResources('AWS::IAM::Policy')).flatMap(
      (p) => p.Properties.PolicyDocument.Statement,
    );
    const describe = statements.find((s) => s.Action === 'route53-recovery-control-config:DescribeCluster');
    expect(describe.Resource).toEqual({ 'Fn::GetAtt': ['RoutingControlsCluster417A18BC', 'ClusterArn'] });
    const ssm = statements.find(
      (s) => JSON.stringify(s.Action) === JSON.stringify(['ssm:DeleteParameter', 'ssm:PutParameter']),
    );
    const resources = JSON.stringify(ssm.Resource);
    for (const region of ['us-west-2', 'us-east-1']) {
      expect(resources).toContain(`:ssm:${region}:111111111111:parameter/privatelink-failover/payments/manifest`);
      expect(resources).toContain(
        `:ssm:${region}:111111111111:parameter/privatelink-failover/payments/cluster-endpoints`,
      );
    }
    expect(resources).not.toContain('*');
    t.hasOutput('ClusterEndpoints', {
      Value: { 'Fn::GetAtt': [Match.stringLikeRegexp('^ManifestPublisherManifest'), 'ClusterEndpoints'] },
    });
    t.hasOutput('ManifestParameter', { Value: '/privatelink-failover/payments/manifest' });
  });

  it('runs the publisher with a failure queue and alarms, answering CloudFormation before its timeout', () => {
    t.hasResourceProperties('AWS::Lambda::Function', { Runtime: 'nodejs24.x', Timeout: 720 });
    t.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      MaximumRetryAttempts: 0,
      DestinationConfig: { OnFailure: { Destination: Match.anyValue() } },
    });
  });

  it('shares an existing cluster instead of creating one', () => {
    const arn = 'arn:aws:route53-recovery-control::111111111111:cluster/6f1c7c52-55a4-4e0c-9a51-2d2f2a1b9c01';
    const b = build(section((r) => (r.routingControl = { existingClusterArn: arn })));
    const rt = b.templates.routing;
    rt.resourceCountIs('AWS::Route53RecoveryControl::Cluster', 0);
    rt.hasResourceProperties('AWS::Route53RecoveryControl::ControlPanel', { ClusterArn: arn });
    rt.hasResourceProperties('Custom::FailoverManifest', { ClusterArn: arn });
  });
});
