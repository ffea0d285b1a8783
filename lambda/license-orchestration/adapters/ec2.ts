// EC2 reads: the tags of one instance (publisher) and every instance of an account and Region
// (reconciliation).
import { DescribeInstancesCommand, EC2Client, paginateDescribeInstances } from '@aws-sdk/client-ec2';
import { AssumeRoleCommand, type STSClient } from '@aws-sdk/client-sts';
import { isEc2State } from '../core/contract';
import type { ObservedInstance, ScopeObservation } from '../core/reconcile';

/** The instance's tags, or undefined when EC2 does not know the instance (yet, or any more). */
export async function instanceTags(client: EC2Client, instanceId: string): Promise<Record<string, string> | undefined> {
  try {
    const { Reservations } = await client.send(new DescribeInstancesCommand({ InstanceIds: [instanceId] }));
    const instance = Reservations?.flatMap((r) => r.Instances ?? []).find((i) => i.InstanceId === instanceId);
    if (!instance) return undefined;
    return Object.fromEntries(
      (instance.Tags ?? []).filter((t) => t.Key !== undefined).map((t) => [t.Key as string, t.Value ?? '']),
    );
  } catch (e) {
    if ((e as { name?: string }).name === 'InvalidInstanceID.NotFound') return undefined;
    throw e;
  }
}

/** Every instance of one EC2 client's account and Region, with state and tags. */
export async function listInstances(client: EC2Client): Promise<ObservedInstance[]> {
  const instances: ObservedInstance[] = [];
  for await (const page of paginateDescribeInstances({ client }, { MaxResults: 1000 })) {
    for (const reservation of page.Reservations ?? []) {
      for (const i of reservation.Instances ?? []) {
        const state = i.State?.Name;
        if (!i.InstanceId || !isEc2State(state)) continue;
        instances.push({
          instanceId: i.InstanceId,
          state,
          tags: Object.fromEntries(
            (i.Tags ?? []).filter((t) => t.Key !== undefined).map((t) => [t.Key as string, t.Value ?? '']),
          ),
        });
      }
    }
  }
  return instances;
}

export interface WorkbenchScope {
  readonly account: string;
  readonly region: string;
}

/** Lists workbench accounts through their read-only role. */
export class WorkbenchLister {
  constructor(
    private readonly sts: STSClient,
    private readonly options: { readonly roleName: string; readonly partition: string; readonly sessionName?: string },
  ) {}

  async observe(scopes: readonly WorkbenchScope[]): Promise<ScopeObservation[]> {
    const credentials = new Map<string, ReturnType<WorkbenchLister['assume']>>();
    return Promise.all(
      scopes.map(async (scope) => {
        try {
          if (!credentials.has(scope.account)) credentials.set(scope.account, this.assume(scope.account));
          const creds = await credentials.get(scope.account)!;
          const ec2 = new EC2Client({ region: scope.region, credentials: creds });
          try {
            return { ...scope, instances: await listInstances(ec2) };
          } finally {
            ec2.destroy();
          }
        } catch (e) {
          return { ...scope, error: `${(e as Error).name}: ${(e as Error).message}` };
        }
      }),
    );
  }

  private async assume(account: string) {
    const roleArn = `arn:${this.options.partition}:iam::${account}:role/${this.options.roleName}`;
    const { Credentials } = await this.sts.send(
      new AssumeRoleCommand({
        RoleArn: roleArn,
        RoleSessionName: this.options.sessionName ?? 'license-orchestration-reconciliation',
        DurationSeconds: 900,
      }),
    );
    if (!Credentials?.AccessKeyId || !Credentials.SecretAccessKey)
      throw new Error(`AssumeRole ${roleArn} returned no credentials`);
    return {
      accessKeyId: Credentials.AccessKeyId,
      secretAccessKey: Credentials.SecretAccessKey,
      sessionToken: Credentials.SessionToken,
      expiration: Credentials.Expiration,
    };
  }
}
