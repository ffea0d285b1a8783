// The deployment waves of a config, derived from the synthesized app: stack dependencies, CDK's
// cross-stack references in the templates, SSM parameters the templates read, and the inputs
// stacks declare with requireDeployInput (lib/shared/deploy-inputs.ts).
import { App } from 'aws-cdk-lib';
import { type CloudAssembly, CloudFormationStackArtifact } from 'aws-cdk-lib/cx-api';
import { RegionInfo } from 'aws-cdk-lib/region-info';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DeploymentConfig } from '../../config/schema';
import { addPlatformStacks } from '../../lib/platform';
import { DEPLOY_INPUT_METADATA, type DeployInput } from '../../lib/shared/deploy-inputs';

const REPO_ROOT = join(__dirname, '..', '..');

/** An account and Region. */
export interface Environment {
  readonly account: string;
  readonly region: string;
}

/** Something a unit needs before it deploys; `producer` is absent for what `cdk bootstrap` creates. */
export type PlannedInput = Omit<DeployInput, 'producer'> & {
  readonly producer?: string;
  /** The wave of the producer; 0 for `cdk bootstrap`. */
  readonly producerWave: number;
};

/**
 * One deployable unit: a stack, deployed with `cdk deploy <deployedBy>`. A StackSet's instances
 * would be units too, deployed by the stack that holds the StackSet, so in that stack's wave.
 */
export interface PlannedUnit extends Environment {
  readonly name: string;
  readonly deployedBy: string;
  readonly wave: number;
  /** What it needs from earlier waves (CDK's bootstrap of its environment included). */
  readonly inputs: readonly PlannedInput[];
}

export interface EnvironmentAccess extends Environment {
  /** CDK's bootstrap lookup role there (read-only), used to check inputs from another account. */
  readonly lookupRoleArn?: string;
}

export interface Plan {
  /** Every unit, by wave then name. */
  readonly units: readonly PlannedUnit[];
  /** Every environment the app deploys to (each must be bootstrapped). */
  readonly environments: readonly EnvironmentAccess[];
}

/** A config whose app cannot be put in waves (a cycle, an input nobody produces). */
export class PlanError extends Error {}

export function envKey(env: Environment): string {
  return `aws://${env.account}/${env.region}`;
}

/** The waves in order, each with its units. */
export function waves(plan: Plan): PlannedUnit[][] {
  const out: PlannedUnit[][] = [];
  for (const unit of plan.units) (out[unit.wave - 1] ??= []).push(unit);
  return out;
}

/**
 * Synthesizes the config's stacks in-process, as `cdk synth` would (the project's feature flags),
 * but without Lambda bundling and the compliance checks: templates and dependencies are all the
 * plan reads.
 */
export function synthesizeForPlan(config: DeploymentConfig): CloudAssembly {
  const outdir = mkdtempSync(join(tmpdir(), 'deploy-plan-'));
  const app = new App({
    outdir,
    builtinCloudFormationValidation: false,
    context: {
      ...JSON.parse(readFileSync(join(REPO_ROOT, 'cdk.json'), 'utf8')).context,
      'aws:cdk:bundling-stacks': [],
    },
  });
  addPlatformStacks(app, config);
  return app.synth();
}

/** The plan of a config: synthesizes it, reads the assembly, removes the assembly. */
export function planConfig(config: DeploymentConfig): Plan {
  const assembly = synthesizeForPlan(config);
  try {
    return planFromAssembly(assembly);
  } finally {
    rmSync(assembly.directory, { recursive: true, force: true });
  }
}

interface StackInputs {
  readonly artifact: CloudFormationStackArtifact;
  readonly inputs: (Omit<DeployInput, 'producer'> & { producer?: string })[];
  /** Stacks (by name) that deploy first. */
  readonly after: Set<string>;
}

/** Public parameters AWS publishes in every account (AMI IDs and the like). */
const AWS_PUBLIC_PARAMETER = /^\/aws\/service\//;

export function planFromAssembly(assembly: CloudAssembly): Plan {
  const artifacts = assembly.stacksRecursively;
  const byName = new Map(artifacts.map((a) => [a.stackName, a]));
  const stacks = new Map<string, StackInputs>();
  for (const artifact of artifacts) stacks.set(artifact.stackName, stackInputs(artifact, byName));

  const waveOf = new Map<string, number>();
  const visiting: string[] = [];
  const wave = (name: string): number => {
    const known = waveOf.get(name);
    if (known !== undefined) return known;
    if (visiting.includes(name)) {
      throw new PlanError(`stacks depend on each other in a cycle: ${[...visiting, name].join(' -> ')}`);
    }
    visiting.push(name);
    const stack = stacks.get(name) as StackInputs;
    const result = 1 + Math.max(0, ...[...stack.after].map(wave));
    visiting.pop();
    waveOf.set(name, result);
    return result;
  };

  const units: PlannedUnit[] = [...stacks.values()].map(({ artifact, inputs }) => ({
    name: artifact.stackName,
    deployedBy: artifact.hierarchicalId,
    account: artifact.environment.account,
    region: artifact.environment.region,
    wave: wave(artifact.stackName),
    inputs: inputs.map((i) => ({ ...i, producerWave: i.producer ? wave(i.producer) : 0 })),
  }));
  units.sort((a, b) => a.wave - b.wave || a.name.localeCompare(b.name));

  const environments = new Map<string, EnvironmentAccess>();
  for (const a of artifacts) {
    const env = { account: a.environment.account, region: a.environment.region };
    const partition = RegionInfo.get(env.region).partition ?? 'aws';
    environments.set(envKey(env), { ...env, lookupRoleArn: a.lookupRole?.arn.replace('${AWS::Partition}', partition) });
  }
  return { units, environments: [...environments.values()].sort((a, b) => envKey(a).localeCompare(envKey(b))) };
}

function stackInputs(
  artifact: CloudFormationStackArtifact,
  byName: Map<string, CloudFormationStackArtifact>,
): StackInputs {
  const name = artifact.stackName;
  const env = { account: artifact.environment.account, region: artifact.environment.region };
  const after = new Set(
    artifact.dependencies.filter((d) => d instanceof CloudFormationStackArtifact).map((d) => d.stackName),
  );
  const inputs: StackInputs['inputs'] = [];
  const bootstrapParameter = artifact.bootstrapStackVersionSsmParameter;
  if (bootstrapParameter) {
    inputs.push({
      kind: 'ssm-parameter',
      name: bootstrapParameter,
      ...env,
      description: `CDK's bootstrap: npx cdk bootstrap ${envKey(env)}`,
    });
  }

  for (const entry of artifact.findMetadataByType(DEPLOY_INPUT_METADATA)) {
    const declared = entry.data as unknown as DeployInput;
    if (!byName.has(declared.producer)) {
      throw new PlanError(`${name} needs ${declared.description} from ${declared.producer}, which is not in the app`);
    }
    inputs.push(declared);
    after.add(declared.producer);
  }

  const template = artifact.template as {
    Parameters?: Record<string, { Type?: string; Default?: unknown }>;
  };
  for (const [logicalId, parameter] of Object.entries(template.Parameters ?? {})) {
    const parameterName = String(parameter.Default);
    if (!parameter.Type?.startsWith('AWS::SSM::Parameter::Value<')) continue;
    if (parameterName === bootstrapParameter || AWS_PUBLIC_PARAMETER.test(parameterName)) continue;
    if (inputs.some((i) => i.kind === 'ssm-parameter' && i.name === parameterName)) continue;
    throw new PlanError(
      `${name} reads SSM parameter ${parameterName} (template parameter ${logicalId}) but no stack declares ` +
        'producing it: declare it with requireDeployInput (lib/shared/deploy-inputs.ts)',
    );
  }

  for (const ref of stackOutputReferences(artifact.template)) {
    const region = ref.Region ?? env.region;
    const producer = [...byName.values()].find((a) => a.stackName === ref.StackName && a.environment.region === region);
    if (!producer) {
      throw new PlanError(
        `${name} reads output ${ref.OutputName} of ${ref.StackName} (${region}), which is not in the app`,
      );
    }
    if (inputs.some((i) => i.kind === 'stack-output' && i.stackName === ref.StackName && i.name === ref.OutputName)) {
      continue;
    }
    inputs.push({
      kind: 'stack-output',
      name: ref.OutputName,
      stackName: ref.StackName,
      account: producer.environment.account,
      region,
      producer: producer.stackName,
      description: 'a cross-stack reference (Fn::GetStackOutput)',
    });
    after.add(producer.stackName);
  }
  after.delete(name);
  return { artifact, inputs, after };
}

interface StackOutputReference {
  readonly StackName: string;
  readonly OutputName: string;
  readonly Region?: string;
}

/** Every `Fn::GetStackOutput` in a template (CDK's weak cross-stack references). */
export function stackOutputReferences(node: unknown): StackOutputReference[] {
  if (Array.isArray(node)) return node.flatMap(stackOutputReferences);
  if (node === null || typeof node !== 'object') return [];
  const ref = (node as Record<string, unknown>)['Fn::GetStackOutput'] as StackOutputReference | undefined;
  if (ref && typeof ref.StackName === 'string' && typeof ref.OutputName === 'string') return [ref];
  return Object.values(node).flatMap(stackOutputReferences);
}
