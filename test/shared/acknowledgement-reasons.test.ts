import { describe, expect, it } from 'vitest';
import { exampleResources, exampleTemplates } from '../helpers/example-templates';

// Reasons of cdk-nag acknowledgements and checkov skips that rest on a template property; these
// hold the example templates to them, so a change of the property shows up here.
type Props = Record<string, unknown>;
const named = (type: string, prefix: string) =>
  exampleResources(type).filter((r) => r.logicalId.startsWith(prefix) || r.logicalId === prefix);

describe('template properties that acknowledgement reasons rely on', () => {
  it('CKV_AWS_119 (SMS state, alert history): encrypted with the AWS managed key', () => {
    const tables = [
      ...named('AWS::DynamoDB::Table', 'SmsMonitorStateTable'),
      ...named('AWS::DynamoDB::Table', 'NotifierHistory'),
    ];
    expect(tables).toHaveLength(2);
    // SSEEnabled without a key ID: KMS with the AWS managed key (AWS::DynamoDB::Table SSESpecification).
    for (const t of tables) expect(t.properties.SSESpecification).toEqual({ SSEEnabled: true });
  });

  it('CKV_AWS_149 (webhook secrets): AWS managed key, no resource policy, read only by the notifier role', () => {
    const secrets = exampleResources('AWS::SecretsManager::Secret');
    expect(secrets.length).toBeGreaterThan(0);
    for (const s of secrets) expect(s.properties.KmsKeyId).toBeUndefined();
    expect(exampleResources('AWS::SecretsManager::ResourcePolicy')).toEqual([]);
    const readers = exampleResources('AWS::IAM::Policy').filter((p) =>
      secrets.some((s) => JSON.stringify(p.properties).includes(`{"Ref":"${s.logicalId}"}`)),
    );
    expect(readers.map((p) => p.logicalId)).toEqual([expect.stringMatching(/^NotifierFunctionRoleDefaultPolicy/)]);
  });

  it('CKV_AWS_123 (endpoint services without acceptance): only the consumer accounts are allowed', () => {
    const services = exampleResources('AWS::EC2::VPCEndpointService');
    expect(services.length).toBeGreaterThan(0);
    for (const t of exampleTemplates()) {
      const resources = Object.entries(t.template.Resources ?? {});
      for (const [id, r] of resources.filter(([, r]) => r.Type === 'AWS::EC2::VPCEndpointService')) {
        if (r.Properties?.AcceptanceRequired !== false) continue;
        const permissions = resources
          .map(([, p]) => p.Properties ?? {})
          .filter((p: Props) => JSON.stringify(p.ServiceId) === JSON.stringify({ Ref: id }));
        expect(permissions).toHaveLength(1);
        const principals = JSON.stringify(permissions[0]!.AllowedPrincipals);
        expect(principals).toMatch(/:iam::\d{12}:root/);
        expect(principals).not.toContain('"*"');
      }
    }
  });

  it('AwsSolutions-ELB2 / CKV_AWS_91: the load balancer listeners are TCP and its VPC logs all traffic', () => {
    const listeners = exampleResources('AWS::ElasticLoadBalancingV2::Listener');
    expect(listeners.length).toBeGreaterThan(0);
    for (const l of listeners) expect(l.properties.Protocol).toBe('TCP');
    for (const t of exampleTemplates()) {
      const resources = Object.values(t.template.Resources ?? {});
      if (!resources.some((r) => r.Type === 'AWS::ElasticLoadBalancingV2::LoadBalancer')) continue;
      const flowLogs = resources.filter((r) => r.Type === 'AWS::EC2::FlowLog').map((r) => r.Properties ?? {});
      expect(flowLogs).toEqual([expect.objectContaining({ ResourceType: 'VPC', TrafficType: 'ALL' })]);
    }
  });

  it('AwsSolutions-SF2 (provider waiter): logged at level ALL without execution data', () => {
    const machines = exampleResources('AWS::StepFunctions::StateMachine');
    expect(machines.length).toBeGreaterThan(0);
    for (const m of machines) {
      expect(m.properties.LoggingConfiguration).toMatchObject({ Level: 'ALL', IncludeExecutionData: false });
    }
  });

  it('AwsSolutions-S1 (data-event trail bucket): its policy allows CloudTrail of this account only', () => {
    const policies = named('AWS::S3::BucketPolicy', 'DataEventsLogsPolicy');
    expect(policies).toHaveLength(1);
    const allows = (
      (policies[0]!.properties.PolicyDocument as { Statement: Props[] }).Statement as {
        Effect: string;
        Principal: unknown;
        Condition?: unknown;
      }[]
    ).filter((s) => s.Effect === 'Allow');
    expect(allows.length).toBeGreaterThan(0);
    for (const s of allows) {
      expect(s.Principal).toEqual({ Service: 'cloudtrail.amazonaws.com' });
      expect(s.Condition).toEqual({ StringEquals: { 'aws:SourceAccount': expect.stringMatching(/^\d{12}$/) } });
    }
  });
});
