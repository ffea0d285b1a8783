import { describe, expect, it } from 'vitest';
import { exampleTemplates } from '../helpers/example-templates';
import { type TemplateResource, unorderedPairs } from './support/cfn-order';

/**
 * Resource types that AWS documents as failing on concurrent changes to one shared parent: every
 * resource of these types on one parent must be created one after another.
 */
const SERIAL_ON_PARENT: readonly {
  readonly types: readonly string[];
  readonly parent: (r: TemplateResource) => unknown;
  readonly why: string;
}[] = [
  {
    // CreateRoutingControl and CreateSafetyRule answer 409 ConflictException on a conflicting
    // concurrent change; new resources stay PENDING until they reach the cluster.
    // https://docs.aws.amazon.com/recovery-cluster/latest/api/routingcontrol.html
    // https://docs.aws.amazon.com/recovery-cluster/latest/api/safetyrule.html
    types: ['AWS::Route53RecoveryControl::RoutingControl', 'AWS::Route53RecoveryControl::SafetyRule'],
    parent: (r) => r.Properties?.ControlPanelArn,
    why: 'ARC control panel',
  },
  {
    // CreateVPCAssociationAuthorization answers ConcurrentModification when another request
    // changes the zone's authorizations at the same time.
    // https://docs.aws.amazon.com/Route53/latest/APIReference/API_CreateVPCAssociationAuthorization.html
    types: ['Custom::VpcAssociationAuthorization'],
    parent: (r) => r.Properties?.HostedZoneId,
    why: 'hosted zone authorizations',
  },
];

function findUnordered(resources: Record<string, TemplateResource>) {
  return SERIAL_ON_PARENT.flatMap((rule) =>
    unorderedPairs(resources, rule.types, rule.parent).map((p) => `${rule.why} ${p.parent}: ${p.pair.join(' || ')}`),
  );
}

describe('serial creation on a shared parent', () => {
  it('finds resources on one parent that CloudFormation may create in parallel', () => {
    const panel = { 'Fn::GetAtt': ['Panel', 'ControlPanelArn'] };
    const control = (extra: Partial<TemplateResource> = {}): TemplateResource => ({
      Type: 'AWS::Route53RecoveryControl::RoutingControl',
      Properties: { ControlPanelArn: panel },
      ...extra,
    });
    const rule = (extra: Partial<TemplateResource> = {}): TemplateResource => ({
      Type: 'AWS::Route53RecoveryControl::SafetyRule',
      Properties: {
        ControlPanelArn: panel,
        AssertionRule: { AssertedControls: [{ 'Fn::GetAtt': ['A', 'RoutingControlArn'] }] },
      },
      ...extra,
    });
    const base = { Panel: { Type: 'AWS::Route53RecoveryControl::ControlPanel' } };
    expect(findUnordered({ ...base, A: control(), B: control() })).toHaveLength(1);
    // A rule referencing only A is ordered after A, not after B.
    expect(findUnordered({ ...base, A: control(), B: control({ DependsOn: 'A' }), R: rule() })).toHaveLength(1);
    expect(
      findUnordered({ ...base, A: control(), B: control({ DependsOn: ['A'] }), R: rule({ DependsOn: 'B' }) }),
    ).toEqual([]);
    // Another panel is another parent.
    expect(
      findUnordered({ ...base, A: control(), B: control({ Properties: { ControlPanelArn: 'arn:other' } }) }),
    ).toEqual([]);
  });

  it('holds for every stack of the example app', () => {
    const found = exampleTemplates().flatMap((t) =>
      findUnordered((t.template.Resources ?? {}) as Record<string, TemplateResource>).map(
        (f) => `${t.stackName}: ${f}`,
      ),
    );
    expect(found).toEqual([]);
  });
});
