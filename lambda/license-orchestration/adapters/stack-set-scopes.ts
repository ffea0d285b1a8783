// The accounts and Regions where the workbench StackSet has a stack instance: the reconciliation's
// scopes when the workbench stack is deployed to organizational units, so an account that joins
// an OU is listed from its first stack instance on.
import { CloudFormationClient, paginateListStackInstances } from '@aws-sdk/client-cloudformation';
import { AssumeRoleCommand, type STSClient } from '@aws-sdk/client-sts';
import type { StackSetCallAs } from '../../../config/schema/stack-set-fields';
import type { WorkbenchScope } from './ec2';

export interface StackSetSource {
  readonly name: string;
  /** The Region the StackSet is administered in. */
  readonly region: string;
  /** SELF in the management account, DELEGATED_ADMIN in a registered delegated administrator. */
  readonly callAs: StackSetCallAs;
  /** The role in the administrator account allowed to list the StackSet's instances. */
  readonly listerRoleArn: string;
}

/** Every account and Region with a stack instance of the StackSet, each once, sorted. */
export async function stackSetScopes(sts: STSClient, source: StackSetSource): Promise<WorkbenchScope[]> {
  const { Credentials } = await sts.send(
    new AssumeRoleCommand({
      RoleArn: source.listerRoleArn,
      RoleSessionName: 'license-orchestration-reconciliation',
      DurationSeconds: 900,
    }),
  );
  if (!Credentials?.AccessKeyId || !Credentials.SecretAccessKey) {
    throw new Error(`AssumeRole ${source.listerRoleArn} returned no credentials`);
  }
  const cloudformation = new CloudFormationClient({
    region: source.region,
    credentials: {
      accessKeyId: Credentials.AccessKeyId,
      secretAccessKey: Credentials.SecretAccessKey,
      sessionToken: Credentials.SessionToken,
    },
  });
  try {
    const scopes = new Map<string, WorkbenchScope>();
    const pages = paginateListStackInstances(
      { client: cloudformation },
      { StackSetName: source.name, CallAs: source.callAs },
    );
    for await (const page of pages) {
      for (const { Account, Region } of page.Summaries ?? []) {
        if (Account && Region) scopes.set(`${Account}/${Region}`, { account: Account, region: Region });
      }
    }
    return [...scopes.keys()].sort().map((key) => scopes.get(key) as WorkbenchScope);
  } finally {
    cloudformation.destroy();
  }
}
