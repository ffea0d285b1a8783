// Checks, with read-only calls, that a wave's inputs exist: SSM GetParameter and CloudFormation
// DescribeStacks, in each input's own account and Region.
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { type Environment, type EnvironmentAccess, envKey, type Plan, type PlannedInput } from './plan';

interface AwsCredentialIdentity {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

export interface CheckOptions {
  /** Endpoint for every AWS call (a local emulator); default: the SDK's own resolution. */
  readonly endpoint?: string;
}

export interface InputCheck {
  readonly input: PlannedInput;
  /** The units of the wave that need it. */
  readonly neededBy: readonly string[];
  readonly status: 'present' | 'missing' | 'unchecked';
  /** Why it is missing or could not be checked. */
  readonly reason?: string;
}

/**
 * Stack statuses in which a stack's outputs are those of a completed deployment (an update rolled
 * back leaves the previous one). Every other status is in progress, failed or deleted.
 */
export const DEPLOYED_STACK_STATUSES: readonly string[] = [
  'CREATE_COMPLETE',
  'UPDATE_COMPLETE',
  'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS',
  'UPDATE_ROLLBACK_COMPLETE',
  'UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS',
  'IMPORT_COMPLETE',
  'IMPORT_ROLLBACK_COMPLETE',
];

/** Checks every input of the wave's units; one entry per distinct input. */
export async function checkWave(plan: Plan, wave: number, options: CheckOptions = {}): Promise<InputCheck[]> {
  const needed = new Map<string, { input: PlannedInput; neededBy: string[] }>();
  for (const unit of plan.units.filter((u) => u.wave === wave)) {
    for (const input of unit.inputs) {
      const key = [input.kind, input.account, input.region, input.stackName ?? '', input.name].join('|');
      const entry = needed.get(key) ?? { input, neededBy: [] };
      entry.neededBy.push(unit.name);
      needed.set(key, entry);
    }
  }
  const access = new Access(plan.environments, options);
  return Promise.all([...needed.values()].map(({ input, neededBy }) => checkInput(input, neededBy, access)));
}

async function checkInput(input: PlannedInput, neededBy: string[], access: Access): Promise<InputCheck> {
  const result = (status: InputCheck['status'], reason?: string): InputCheck => ({ input, neededBy, status, reason });
  let credentials: AwsCredentialIdentity | undefined;
  try {
    credentials = await access.credentials(input);
  } catch (e) {
    return result('unchecked', (e as Error).message);
  }
  const client = { region: input.region, endpoint: access.endpoint, credentials };
  try {
    if (input.kind === 'ssm-parameter') {
      await new SSMClient(client).send(new GetParameterCommand({ Name: input.name }));
      return result('present');
    }
    const stackName = input.stackName ?? input.name;
    const { Stacks } = await new CloudFormationClient(client).send(new DescribeStacksCommand({ StackName: stackName }));
    const stack = Stacks?.[0];
    if (!stack || !DEPLOYED_STACK_STATUSES.includes(String(stack.StackStatus))) {
      return result('missing', `stack ${stackName} is ${stack?.StackStatus ?? 'not returned'}`);
    }
    if (input.kind === 'stack-output' && !stack.Outputs?.some((o) => o.OutputKey === input.name)) {
      return result('missing', `stack ${stackName} has no output ${input.name}`);
    }
    return result('present');
  } catch (e) {
    const error = e as Error;
    if (error.name === 'ParameterNotFound') return result('missing', 'no such parameter');
    // DescribeStacks answers a stack that does not exist with a ValidationError.
    if (error.name === 'ValidationError' && /does not exist/.test(error.message)) {
      return result('missing', `stack ${input.stackName ?? input.name} does not exist`);
    }
    return result('unchecked', `${error.name}: ${error.message}`);
  }
}

/**
 * Credentials per account: the caller's own (SDK default chain) in its account; in any other
 * account, CDK's bootstrap lookup role there (read-only), which `cdk bootstrap --trust` grants.
 */
class Access {
  private caller?: Promise<string>;
  private readonly assumed = new Map<string, Promise<AwsCredentialIdentity>>();
  private readonly environments: Map<string, EnvironmentAccess>;

  constructor(
    environments: readonly EnvironmentAccess[],
    private readonly options: CheckOptions,
  ) {
    this.environments = new Map(environments.map((e) => [envKey(e), e]));
  }

  get endpoint(): string | undefined {
    return this.options.endpoint;
  }

  async credentials(env: Environment): Promise<AwsCredentialIdentity | undefined> {
    this.caller ??= new STSClient({ region: env.region, endpoint: this.endpoint })
      .send(new GetCallerIdentityCommand({}))
      .then((r) => String(r.Account));
    const caller = await this.caller.catch((e: Error) => {
      throw new Error(`no usable AWS credentials (sts GetCallerIdentity: ${e.message})`);
    });
    if (caller === env.account) return undefined;
    const roleArn = this.environments.get(envKey(env))?.lookupRoleArn;
    if (!roleArn) throw new Error(`account ${env.account} is not the caller's (${caller}) and has no lookup role`);
    let assumed = this.assumed.get(roleArn);
    if (!assumed) {
      assumed = new STSClient({ region: env.region, endpoint: this.endpoint })
        .send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: 'deploy-wave-check' }))
        .then(({ Credentials: c }) => ({
          accessKeyId: String(c?.AccessKeyId),
          secretAccessKey: String(c?.SecretAccessKey),
          sessionToken: c?.SessionToken,
        }));
      this.assumed.set(roleArn, assumed);
    }
    return assumed.catch((e: Error) => {
      throw new Error(
        `cannot assume ${roleArn} (${e.message}): bootstrap ${envKey(env)} trusting account ${caller}, or check from account ${env.account}`,
      );
    });
  }
}
