// The reconciliation's scopes from the workbench StackSet, against moto: an organization with an
// OU (and a child OU) and accounts, a service-managed StackSet targeting the OU, and the adapter
// listing its stack instances with the real CloudFormation client through an assumed role.
import {
  CloudFormationClient,
  CreateStackInstancesCommand,
  CreateStackSetCommand,
} from '@aws-sdk/client-cloudformation';
import { STSClient } from '@aws-sdk/client-sts';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { stackSetScopes } from '../../lambda/license-orchestration/adapters/stack-set-scopes';

// moto's default account: the organization's management account, which owns the StackSet.
const MANAGEMENT = '123456789012';
const LISTER = `arn:aws:iam::${MANAGEMENT}:role/license-workbench-instance-lister`;

/** One AWS Organizations call in its JSON protocol (the SDK's Organizations client is not a dependency). */
async function organizations<T>(action: string, body: object): Promise<T> {
  const response = await fetch(inject('motoEndpoint'), {
    method: 'POST',
    headers: {
      'Content-Type': 'application/x-amz-json-1.1',
      'X-Amz-Target': `AWSOrganizationsV20161128.${action}`,
      Authorization: `AWS4-HMAC-SHA256 Credential=testing/20260101/us-east-1/organizations/aws4_request, SignedHeaders=host, Signature=0`,
    },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${action}: HTTP ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

async function accountIn(parentId: string, name: string): Promise<string> {
  const { CreateAccountStatus } = await organizations<{ CreateAccountStatus: { AccountId: string } }>('CreateAccount', {
    AccountName: name,
    Email: `${name}@example.com`,
  });
  const { Roots } = await organizations<{ Roots: { Id: string }[] }>('ListRoots', {});
  await organizations('MoveAccount', {
    AccountId: CreateAccountStatus.AccountId,
    SourceParentId: Roots[0].Id,
    DestinationParentId: parentId,
  });
  return CreateAccountStatus.AccountId;
}

describe('workbench scopes from the StackSet (moto)', () => {
  let inOu: string;
  let inChildOu: string;
  beforeAll(async () => {
    await organizations('CreateOrganization', { FeatureSet: 'ALL' });
    const { Roots } = await organizations<{ Roots: { Id: string }[] }>('ListRoots', {});
    const ou = await organizations<{ OrganizationalUnit: { Id: string } }>('CreateOrganizationalUnit', {
      ParentId: Roots[0].Id,
      Name: 'workbenches',
    });
    const child = await organizations<{ OrganizationalUnit: { Id: string } }>('CreateOrganizationalUnit', {
      ParentId: ou.OrganizationalUnit.Id,
      Name: 'engineering',
    });
    inOu = await accountIn(ou.OrganizationalUnit.Id, 'workbench-a');
    inChildOu = await accountIn(child.OrganizationalUnit.Id, 'workbench-b');
    await accountIn(Roots[0].Id, 'elsewhere');

    const cloudformation = new CloudFormationClient({ region: 'eu-west-1' });
    await cloudformation.send(
      new CreateStackSetCommand({
        StackSetName: 'license-workbench',
        PermissionModel: 'SERVICE_MANAGED',
        AutoDeployment: { Enabled: true, RetainStacksOnAccountRemoval: false },
        TemplateBody: JSON.stringify({ Resources: { Topic: { Type: 'AWS::SNS::Topic' } } }),
      }),
    );
    await cloudformation.send(
      new CreateStackInstancesCommand({
        StackSetName: 'license-workbench',
        DeploymentTargets: { OrganizationalUnitIds: [ou.OrganizationalUnit.Id] },
        Regions: ['eu-west-1', 'us-east-1'],
      }),
    );
  });

  it('lists every account and Region with a stack instance, including child OUs, each once', async () => {
    const scopes = await stackSetScopes(new STSClient({}), {
      name: 'license-workbench',
      region: 'eu-west-1',
      callAs: 'SELF',
      listerRoleArn: LISTER,
    });
    const expected = [inOu, inChildOu]
      .flatMap((account) => ['eu-west-1', 'us-east-1'].map((region) => ({ account, region })))
      .sort((a, b) => `${a.account}/${a.region}`.localeCompare(`${b.account}/${b.region}`));
    expect(scopes).toEqual(expected);
  });

  it('fails with the service error when the StackSet does not exist', async () => {
    await expect(
      stackSetScopes(new STSClient({}), {
        name: 'no-such-stack-set',
        region: 'eu-west-1',
        callAs: 'SELF',
        listerRoleArn: LISTER,
      }),
    ).rejects.toThrow(/StackSet/i);
  });
});
