import { CfnGuardValidator } from '@cdklabs/cdk-validator-cfnguard';
import {
  Aspects,
  CfnResource,
  type IAspect,
  type IPolicyValidationContextBeta1,
  type PolicyValidationPluginReportBeta1,
  type PolicyViolationBeta1,
  Stack,
  Validations,
} from 'aws-cdk-lib';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import type { Construct, IConstruct } from 'constructs';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { BlockingWorker, WAIT_LIMIT_MS } from './blocking-worker';
import { readCached, violationsOf, withTemplatePath, writeCached } from './validation-cache';

/** The namespace of the cfn-guard validation plugin's rule IDs in `Validations.acknowledge`. */
const PLUGIN = 'cdk-validator-cfnguard';

/**
 * One reviewed acknowledgement of an AWS Control Tower proactive control: it applies to a resource
 * of `type` only when `holds` finds in that resource's properties what `reason` says, so a resource
 * the reason does not describe keeps the finding and fails synth.
 */
export interface ControlAcknowledgement {
  /** Control ID, as Control Tower names it. */
  readonly control: string;
  /** The rule's name in the cfn-guard rules (the acknowledgement ID after `cdk-validator-cfnguard::`). */
  readonly rule: string;
  /** CloudFormation resource type the control evaluates. */
  readonly type: string;
  /**
   * Whether the resource is one the reason is true for: its properties as CloudFormation names them,
   * and the resource itself for what lies next to it.
   */
  readonly holds: (prop: (name: string) => unknown, resource: CfnResource) => boolean;
  /** Why the control's finding does not apply to such a resource. */
  readonly reason: string;
}

const listOf = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

/** The reviewed acknowledgements: each control that does not apply, and to which resources. */
export const CONTROL_ACKNOWLEDGEMENTS: readonly ControlAcknowledgement[] = [
  {
    control: 'CT.LAMBDA.PR.3',
    rule: 'lambda_inside_vpc_check',
    type: 'AWS::Lambda::Function',
    holds: (prop) => prop('VpcConfig') === undefined,
    reason:
      'The function has no VpcConfig: it calls AWS service endpoints only; the functions that reach the Kafka cluster run in its VPC.',
  },
  {
    control: 'CT.CLOUDWATCH.PR.2',
    rule: 'cloudwatch_log_group_retention_period_check',
    type: 'AWS::Logs::LogGroup',
    holds: (prop) => typeof prop('RetentionInDays') === 'number',
    reason: 'RetentionInDays is set from the config (shared.logRetentionDays or the construct), an operator choice.',
  },
  {
    control: 'CT.CLOUDWATCH.PR.3',
    rule: 'cloudwatch_log_group_encrypted_check',
    type: 'AWS::Logs::LogGroup',
    holds: (prop) => prop('KmsKeyId') === undefined,
    reason:
      'No KmsKeyId: CloudWatch Logs encrypts the log data at rest with its own keys; no key policy for the Logs service principal.',
  },
  {
    control: 'CT.AUTOSCALING.PR.1',
    rule: 'autoscaling_multiple_az_check',
    type: 'AWS::AutoScaling::AutoScalingGroup',
    holds: (prop) => listOf(prop('VPCZoneIdentifier')).length >= 2,
    reason:
      'VPCZoneIdentifier names two or more subnets, one per configured zone; AvailabilityZones is not set when subnets are.',
  },
  {
    control: 'CT.AUTOSCALING.PR.6',
    rule: 'autoscaling_mixed_instances_policy_multiple_instance_types_check',
    type: 'AWS::AutoScaling::AutoScalingGroup',
    holds: (prop) => prop('MixedInstancesPolicy') === undefined && prop('LaunchTemplate') !== undefined,
    reason: 'One launch template with the configured instance type and no MixedInstancesPolicy, an operator choice.',
  },
  {
    control: 'CT.ELASTICLOADBALANCING.PR.6',
    rule: 'elbv2_logging_enabled_check',
    type: 'AWS::ElasticLoadBalancingV2::LoadBalancer',
    holds: (prop, resource) => prop('Type') === 'network' && listenersAreTcp(resource),
    // https://docs.aws.amazon.com/elasticloadbalancing/latest/network/load-balancer-access-logs.html
    reason:
      'Network load balancer whose listeners are all TCP: its access logs would record TLS requests only, so they stay empty.',
  },
  {
    control: 'CT.STEPFUNCTIONS.PR.2',
    rule: 'step_functions_state_machine_tracing_enabled_check',
    type: 'AWS::StepFunctions::StateMachine',
    holds: (prop) => JSON.stringify(prop('DefinitionString') ?? '').includes('frameworkisComplete'),
    reason: "CDK's custom resource Provider waiter (aws-cdk-lib), which only polls isComplete during a deployment.",
  },
  {
    control: 'CT.CLOUDTRAIL.PR.3',
    rule: 'cloud_trail_cloud_watch_logs_enabled_check',
    type: 'AWS::CloudTrail::Trail',
    holds: (prop) => prop('AdvancedEventSelectors') !== undefined && prop('IncludeGlobalServiceEvents') === false,
    reason:
      'A data-event trail for named resources (AdvancedEventSelectors), delivered to S3 only; no metric filter reads it.',
  },
  {
    control: 'CT.S3.PR.2',
    rule: 's3_bucket_logging_enabled_check',
    type: 'AWS::S3::Bucket',
    holds: (prop) => isVersionedKmsBucket(prop) && prop('PublicAccessBlockConfiguration') !== undefined,
    reason:
      'Versioned, KMS-encrypted bucket with public access blocked; logging its access would need a further bucket (accepted).',
  },
  {
    control: 'CT.S3.PR.4',
    rule: 's3_event_notifications_enabled_check',
    type: 'AWS::S3::Bucket',
    holds: (prop) => isVersionedKmsBucket(prop) && prop('NotificationConfiguration') === undefined,
    reason: 'No NotificationConfiguration: nothing in the stack consumes new objects, so there is no target to notify.',
  },
  {
    control: 'CT.S3.PR.9',
    rule: 's3_bucket_object_lock_enabled_check',
    type: 'AWS::S3::Bucket',
    holds: (prop) => isVersionedKmsBucket(prop),
    reason:
      'Versioned bucket: an overwritten or deleted object stays as a noncurrent version for the lifecycle period (accepted instead of Object Lock).',
  },
];

/** The load balancer's listeners (beside it in its L2 construct) are all TCP. */
function listenersAreTcp(resource: CfnResource): boolean {
  const listeners = (resource.node.scope?.node.findAll() ?? []).filter(
    (c): c is elbv2.CfnListener => c instanceof elbv2.CfnListener,
  );
  return listeners.length > 0 && listeners.every((l) => l.protocol === 'TCP');
}

function isVersionedKmsBucket(prop: (name: string) => unknown): boolean {
  const versioning = prop('VersioningConfiguration') as { status?: string; Status?: string } | undefined;
  return (
    (versioning?.status ?? versioning?.Status) === 'Enabled' &&
    JSON.stringify(prop('BucketEncryption') ?? '').includes('aws:kms')
  );
}

/**
 * Adds the key policy statement of CT.KMS.PR.3 to every KMS key: kms:CreateGrant is denied unless
 * the grant is for an AWS resource or the caller is an AWS service, so only AWS services acting
 * for their resources (DynamoDB, MSK) create grants on the keys
 * (https://docs.aws.amazon.com/controltower/latest/controlreference/kms-rules.html#ct-kms-pr-3-description).
 */
class LimitKeyGrantsToAwsServices implements IAspect {
  visit(node: IConstruct): void {
    if (!(node instanceof kms.Key)) return;
    node.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'GrantsOnlyForAwsResources',
        effect: iam.Effect.DENY,
        principals: [new iam.AnyPrincipal()],
        actions: ['kms:CreateGrant'],
        resources: ['*'],
        conditions: { BoolIfExists: { 'kms:GrantIsForAWSResource': 'false', 'aws:PrincipalIsAWSService': 'false' } },
      }),
    );
  }
}

/** Acknowledges, on each resource a reviewed reason holds for, the control that reason is about. */
class AcknowledgeControls implements IAspect {
  constructor(private readonly acknowledgements: readonly ControlAcknowledgement[]) {}

  visit(node: IConstruct): void {
    if (!CfnResource.isCfnResource(node)) return;
    const acknowledgements = this.acknowledgements.filter((a) => a.type === node.cfnResourceType);
    if (acknowledgements.length === 0) return;
    const props = cfnProperties(node);
    const byName = new Map(Object.entries(props).map(([k, v]) => [k.toLowerCase(), v]));
    const prop = (name: string) => byName.get(name.toLowerCase());
    for (const ack of acknowledgements) {
      if (ack.holds(prop, node)) {
        Validations.of(node).acknowledge({ id: `${PLUGIN}::${ack.rule}`, reason: `${ack.control}: ${ack.reason}` });
      }
    }
  }
}

/** A resource's properties, resolved (L1 classes name them in camelCase, hence the lookup ignoring case). */
function cfnProperties(node: CfnResource): Record<string, unknown> {
  const raw = (node as unknown as { cfnProperties: Record<string, unknown> }).cfnProperties;
  return Stack.of(node).resolve(raw) as Record<string, unknown>;
}

/** Where, inside the cloud assembly directory, the controls' findings per template are kept. */
const CONTROLS_CACHE_DIR = '.control-tower-controls';

/**
 * The cfn-guard validation plugin with AWS Control Tower's proactive controls, its findings marked
 * as errors: the plugin leaves their severity unset, and once any of a report's findings is
 * acknowledged, CDK recomputes the report's success from the severities of those left, so an
 * unacknowledged finding would no longer fail synth.
 *
 * cfn-guard copies the whole template for every rule file it evaluates, and parses every rule file
 * again in each run, so its time grows with template size times rules, plus rules times runs. Rules
 * are therefore run once per group of rule files naming the same resource types (a group joining
 * one that names all its types), over every template at once, each template reduced to what those
 * rules read: its resources of those types whole, every other resource as its logical ID and type
 * (which is all a rule's reference check looks at). Every Control Tower rule applies only when the
 * template has resources of the types it selects (`Resources.*[ Type == ... ]`; the other types it
 * names are those it follows references to), so a template with none of a group's selected types
 * is left out of that group's run without a finding. The runs go to worker threads, one per core,
 * which take the next run from a shared queue, and can start before CDK asks for the findings
 * ({@link start}), so they overlap CloudFormation's own template validation. A template whose text
 * and plugin version are unchanged since the previous synth into the same cloud assembly directory
 * gets its earlier findings back.
 */
export class ControlTowerValidator extends CfnGuardValidator {
  private started?: {
    readonly key: string;
    /** Each template's file of stored findings (named by a hash of its text). */
    readonly cacheFiles: Map<string, string>;
    readonly checks?: GuardChecks;
  };

  /** Starts checking the templates that have no stored findings, and returns at once. */
  public start(templatePaths: readonly string[]): void {
    const key = JSON.stringify(templatePaths);
    if (this.started?.key === key) return;
    const cacheFiles = new Map(templatePaths.map((p) => [p, this.cacheFile(p)]));
    const unchecked = templatePaths.filter((p) => !readCached(cacheFiles.get(p)!));
    this.started = { key, cacheFiles, checks: unchecked.length > 0 ? this.startChecks(unchecked) : undefined };
  }

  override validate(context: IPolicyValidationContextBeta1): PolicyValidationPluginReportBeta1 {
    this.start(context.templatePaths);
    const { cacheFiles, checks } = this.started!;
    this.started = undefined;
    const found = checks?.wait() ?? new Map<string, PolicyViolationBeta1[]>();
    const violations: PolicyViolationBeta1[] = [];
    for (const templatePath of context.templatePaths) {
      const file = cacheFiles.get(templatePath)!;
      const own = found.get(templatePath);
      if (own) writeCached(file, violationsOf(own, templatePath));
      violations.push(...(own ?? withTemplatePath(readCached<PolicyViolationBeta1>(file) ?? [], templatePath)));
    }
    return { success: violations.length === 0, violations };
  }

  private startChecks(templatePaths: readonly string[]): GuardChecks {
    return new GuardChecks(templatePaths, controlTowerRules());
  }

  private cacheFile(templatePath: string): string {
    const key = createHash('sha256')
      .update(JSON.stringify([this.name, this.version]))
      .update(readFileSync(templatePath))
      .digest('hex');
    return join(dirname(templatePath), CONTROLS_CACHE_DIR, `${key}.json`);
  }
}

/** One cfn-guard run: rule files and the (reduced) templates they read. */
interface GuardBatch {
  readonly rulePaths: string[];
  readonly templatePaths: string[];
}

type Template = { Resources?: Record<string, { Type?: unknown }> } & Record<string, unknown>;

/** The plugin's cfn-guard runs over a set of templates, on worker threads, collected by `wait`. */
class GuardChecks {
  private readonly workDir: string;
  /** Reduced template file -> the template it was made from. */
  private readonly sources = new Map<string, string>();
  private readonly templatePaths: readonly string[];
  private readonly workers: GuardWorkers | undefined;

  constructor(templatePaths: readonly string[], rules: Map<string, RuleTypes>) {
    this.templatePaths = templatePaths;
    this.workDir = mkdtempSync(join(tmpdir(), 'control-tower-'));
    const templates = templatePaths.map((path) => {
      const template = JSON.parse(readFileSync(path, 'utf8')) as Template;
      const types = new Set(Object.values(template.Resources ?? {}).map((r) => r.Type as string));
      return { path, template, types };
    });
    const present = new Set(templates.flatMap((t) => [...t.types]));
    const applying = groupByTypes(rules).filter(
      (g) => g.named.size === 0 || [...g.selected].some((t) => present.has(t)),
    );
    const batches: GuardBatch[] = [];
    for (const { selected, named, rulePaths } of mergeIntoSupersets(applying)) {
      const data: string[] = [];
      for (const { path, template, types } of templates) {
        if (named.size === 0) {
          // A rule naming no type reads the whole template.
          data.push(path);
          continue;
        }
        if (![...selected].some((t) => types.has(t))) continue;
        const resources = Object.entries(template.Resources ?? {});
        const reduced = join(this.workDir, `${this.sources.size}.json`);
        const kept = resources.map(([id, r]) => [id, named.has(r.Type as string) ? r : { Type: r.Type }]);
        writeFileSync(reduced, JSON.stringify({ ...template, Resources: Object.fromEntries(kept) }));
        this.sources.set(reduced, path);
        data.push(reduced);
      }
      if (data.length > 0) batches.push({ rulePaths, templatePaths: data });
    }
    this.workers = batches.length > 0 ? new GuardWorkers(batches) : undefined;
  }

  /** Waits for the runs: each template's findings (under its own path), marked as errors, sorted by rule. */
  wait(): Map<string, PolicyViolationBeta1[]> {
    const found = new Map<string, PolicyViolationBeta1[]>(this.templatePaths.map((p) => [p, []]));
    try {
      // A run names one template per violation: the reduced file it read.
      for (const v of this.workers?.wait() ?? []) {
        const read = v.violatingResources[0]?.templatePath ?? '';
        const source = this.sources.get(read) ?? (this.templatePaths.includes(read) ? read : undefined);
        if (!source) throw new Error(`cfn-guard reported on a template it was not given: ${JSON.stringify(v)}`);
        const violatingResources = v.violatingResources.map((r) => ({ ...r, templatePath: source }));
        found.get(source)?.push({ ...v, severity: v.severity ?? 'error', violatingResources });
      }
    } finally {
      rmSync(this.workDir, { recursive: true, force: true });
    }
    // Workers finish in any order; a template's findings do not depend on it.
    const order = (v: PolicyViolationBeta1) => JSON.stringify([v.ruleName, v.violatingResources, v.description]);
    for (const own of found.values()) own.sort((a, b) => order(a).localeCompare(order(b)));
    return found;
  }
}

/** The resource types of a rule file: those it selects resources by, and every type it names. */
interface RuleTypes {
  /** Types in its `Resources.*[ Type == ... ]` selections: the rule applies only where these are. */
  readonly selected: ReadonlySet<string>;
  /** Every type it names, the selected ones and those it follows references to. */
  readonly named: ReadonlySet<string>;
}

/** Rule files run together, and the resource types they select and name. */
interface RuleGroup {
  readonly selected: Set<string>;
  readonly named: Set<string>;
  readonly rulePaths: string[];
}

/** Rule files grouped by the resource types they select and name, groups in rule file order. */
function groupByTypes(rules: Map<string, RuleTypes>): RuleGroup[] {
  const byKey = new Map<string, RuleGroup>();
  for (const [rulePath, { selected, named }] of rules) {
    const key = JSON.stringify([[...selected].sort(), [...named].sort()]);
    const group = byKey.get(key) ?? { selected: new Set(selected), named: new Set(named), rulePaths: [] };
    group.rulePaths.push(rulePath);
    byKey.set(key, group);
  }
  return [...byKey.values()];
}

/**
 * Groups merged into a group naming every type they name (a rule may read more of a template than
 * it needs, never less), so that fewer cfn-guard runs start: each run costs about 25 ms of CPU to
 * start and evaluate its first rule. A merged group's templates are those with any of its groups'
 * selected types; a rule finds nothing in those without its own. Groups naming no type read whole
 * templates and stay apart.
 */
function mergeIntoSupersets(groups: readonly RuleGroup[]): RuleGroup[] {
  const merged: RuleGroup[] = [];
  for (const group of [...groups].sort((a, b) => b.named.size - a.named.size)) {
    // A group naming no type is a subset of any: it must not join (nor be joined).
    const into = group.named.size > 0 && merged.find((m) => [...group.named].every((t) => m.named.has(t)));
    if (!into) {
      merged.push({ selected: new Set(group.selected), named: group.named, rulePaths: [...group.rulePaths] });
      continue;
    }
    for (const t of group.selected) into.selected.add(t);
    into.rulePaths.push(...group.rulePaths);
  }
  return merged;
}

/**
 * cfn-guard runs spread over worker threads, one per core, each running the plugin's own
 * `execGuard` (the cfn-guard process and its report parsing). The runs wait in one queue, largest
 * first (by rule files times bytes), and a worker takes the next one when it is free: a run's time
 * is hard to guess from its size, so a fixed share per worker would leave one waiting for the other.
 * The main thread stays free until `wait`: CDK asks validation plugins for their reports
 * synchronously.
 */
class GuardWorkers {
  private readonly workers: BlockingWorker[];

  constructor(batches: readonly GuardBatch[]) {
    const cost = (b: GuardBatch) => b.rulePaths.length * b.templatePaths.reduce((sum, p) => sum + statSync(p).size, 0);
    const queue = [...batches].sort((a, b) => cost(b) - cost(a));
    // The index of the next run to take, shared by the workers.
    const next = new SharedArrayBuffer(4);
    const count = Math.min(queue.length, Math.max(1, availableParallelism()));
    this.workers = Array.from(
      { length: count },
      () => new BlockingWorker(GUARD_WORKER, { plugin: GUARD_PLUGIN, batches: queue, next }, { background: true }),
    );
  }

  wait(): PolicyViolationBeta1[] {
    const deadline = Date.now() + WAIT_LIMIT_MS;
    const violations: PolicyViolationBeta1[] = [];
    const errors: string[] = [];
    for (const worker of this.workers) {
      const replies = worker.replies(deadline - Date.now());
      if (!replies) {
        throw new Error(`cfn-guard (AWS Control Tower controls) did not finish within ${WAIT_LIMIT_MS / 1000} s`);
      }
      for (const reply of replies as { violations?: PolicyViolationBeta1[]; error?: string }[]) {
        if (reply.error) errors.push(reply.error);
        violations.push(...(reply.violations ?? []));
      }
    }
    if (errors.length > 0) throw new Error(errors.join('\n'));
    return violations;
  }
}

const GUARD_PLUGIN = require.resolve('@cdklabs/cdk-validator-cfnguard');

/** A worker: takes runs from the shared queue, runs each with the plugin's execGuard and posts its violations. */
const GUARD_WORKER = `
try {
  const { CfnGuardValidator } = require(input.plugin);
  const guard = new CfnGuardValidator();
  const next = new Int32Array(input.next);
  for (let i = Atomics.add(next, 0, 1); i < input.batches.length; i = Atomics.add(next, 0, 1)) {
    try {
      port.postMessage({ violations: guard.execGuard(input.batches[i]).violations });
    } catch (e) {
      port.postMessage({ error: errorMessage(e) });
    }
  }
} catch (e) {
  port.postMessage({ error: errorMessage(e) });
} finally {
  signal();
}
`;

/** The Control Tower cfn-guard rules shipped with the plugin. */
const CONTROL_TOWER_RULES = join(
  dirname(require.resolve('@cdklabs/cdk-validator-cfnguard/package.json')),
  'rules/control-tower/cfn-guard',
);

const RESOURCE_TYPE = /AWS::[A-Za-z0-9]+::[A-Za-z0-9]+/g;
/** A selection of the template's resources: `Resources.*[ Type == %SOME_TYPE ]` or with the type written out. */
const SELECTION = /Resources\.\*\[([^\]]*)\]/g;
/** A variable holding a type: `let SOME_TYPE = "AWS::Service::Resource"`. */
const TYPE_VARIABLE = /let\s+(\w+)\s*=\s*"(AWS::[A-Za-z0-9]+::[A-Za-z0-9]+)"/g;

let rules: Map<string, RuleTypes> | undefined;

/** Each Control Tower rule file with the resource types it selects and names. */
export function controlTowerRules(): Map<string, RuleTypes> {
  if (!rules) {
    rules = new Map();
    for (const file of readdirSync(CONTROL_TOWER_RULES, { recursive: true, encoding: 'utf8' }).sort()) {
      if (!file.endsWith('.guard')) continue;
      const path = join(CONTROL_TOWER_RULES, file);
      rules.set(path, ruleTypes(readFileSync(path, 'utf8')));
    }
  }
  return rules;
}

/** The types a rule file selects and names; one whose selections name no type selects all it names. */
export function ruleTypes(text: string): RuleTypes {
  const code = text.replace(/#.*$/gm, '');
  const named = new Set(code.match(RESOURCE_TYPE));
  const variables = new Map([...code.matchAll(TYPE_VARIABLE)].map((m) => [m[1], m[2]]));
  const selected = new Set<string>();
  for (const [, filter] of code.matchAll(SELECTION)) {
    for (const type of filter.match(RESOURCE_TYPE) ?? []) selected.add(type);
    for (const [, variable] of filter.matchAll(/%(\w+)/g)) {
      const type = variables.get(variable);
      // A selection by something other than a type variable: take every named type as selected.
      if (!type) return { selected: named, named };
      selected.add(type);
    }
  }
  return { selected: selected.size > 0 ? selected : named, named };
}

/**
 * Turns on the fixes and reviewed acknowledgements for AWS Control Tower's proactive controls,
 * which the cfn-guard validation plugin checks at synth.
 */
export function applyControlTowerControls(scope: Construct): void {
  Aspects.of(scope).add(new LimitKeyGrantsToAwsServices());
  Aspects.of(scope).add(new AcknowledgeControls(CONTROL_ACKNOWLEDGEMENTS));
}
