import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadConfig } from '../../config/load';
import { DEPLOYED_STACK_STATUSES } from '../../tools/deploy/check';
import { planConfig } from '../../tools/deploy/plan';
import { REPO_ROOT } from '../helpers/app';
import { serviceModel } from '../shared/aws-service-models';

// What the wave check relies on, against AWS's API models (botocore) and the bootstrap template
// the CDK CLI deploys.

interface Model {
  readonly operations: Record<string, { readonly documentation?: string; readonly errors?: { shape: string }[] }>;
  readonly shapes: Record<string, { readonly enum?: string[] }>;
}

describe('AWS behaviour the wave check relies on', () => {
  it('reads a missing parameter as ParameterNotFound and a missing stack as ValidationError', () => {
    const ssm = serviceModel<Model>('ssm');
    expect(ssm.operations.GetParameter.errors?.map((e) => e.shape)).toContain('ParameterNotFound');
    const cloudformation = serviceModel<Model>('cloudformation');
    expect(cloudformation.operations.DescribeStacks.documentation).toContain(
      "If the stack doesn't exist, a <code>ValidationError</code> is returned.",
    );
  });

  it('counts as deployed only completed stack statuses of the CloudFormation model', () => {
    const statuses = serviceModel<Model>('cloudformation').shapes.StackStatus.enum ?? [];
    for (const status of DEPLOYED_STACK_STATUSES) expect(statuses).toContain(status);
    expect(DEPLOYED_STACK_STATUSES.filter((s) => /FAILED|DELETE|^ROLLBACK|REVIEW/.test(s))).toEqual([]);
  });

  it("assumes the read-only lookup role of CDK's bootstrap template in other accounts", () => {
    const template = parse(
      readFileSync(
        join(REPO_ROOT, 'node_modules', 'aws-cdk', 'lib', 'api', 'bootstrap', 'bootstrap-template.yaml'),
        'utf8',
      ),
    );
    const role = template.Resources.LookupRole.Properties;
    expect(role.RoleName).toEqual({ 'Fn::Sub': 'cdk-${Qualifier}-lookup-role-${AWS::AccountId}-${AWS::Region}' });
    expect(role.ManagedPolicyArns).toEqual([{ 'Fn::Sub': 'arn:${AWS::Partition}:iam::aws:policy/ReadOnlyAccess' }]);
    // `cdk bootstrap --trust <account>` lets that account assume it.
    expect(JSON.stringify(role.AssumeRolePolicyDocument)).toContain('{"Ref":"TrustedAccounts"}');
    expect(template.Parameters.Qualifier.Default).toBe('hnb659fds');

    const plan = planConfig(loadConfig(join(REPO_ROOT, 'config', 'example.yaml')));
    for (const env of plan.environments) {
      expect(env.lookupRoleArn).toBe(
        `arn:aws:iam::${env.account}:role/cdk-hnb659fds-lookup-role-${env.account}-${env.region}`,
      );
    }
  });
});
