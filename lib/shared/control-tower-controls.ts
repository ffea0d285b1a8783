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
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
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
 * cfn-guard's time grows with templates times rules, so each template is checked against only the
 * rules that name a resource type it has: every Control Tower rule selects resources by type, and
 * one whose types are absent is skipped without a finding. A template whose
 * text and plugin version are unchanged since the previous synth into the same cloud assembly
 * directory gets its earlier findings back instead.
 */
export class ControlTowerValidator extends CfnGuardValidator {
  override validate(context: IPolicyValidationContextBeta1): PolicyValidationPluginReportBeta1 {
    const violations: PolicyViolationBeta1[] = [];
    const misses: { templatePath: string; file: string }[] = [];
    for (const templatePath of context.templatePaths) {
      const file = this.cacheFile(templatePath);
      const cached = readCached<PolicyViolationBeta1>(file);
      if (cached) violations.push(...withTemplatePath(cached, templatePath));
      else misses.push({ templatePath, file });
    }
    for (const { templatePath, file } of misses) {
      // One run per template with the rules for its own resource types: cfn-guard evaluates every
      // rule against every template, so this does less than one run with the union of the rules.
      const rulePaths = controlTowerRulesFor(resourceTypesIn(templatePath));
      const found =
        rulePaths.length === 0
          ? []
          : this.runGuard([templatePath], rulePaths).violations.map((v) => ({ ...v, severity: v.severity ?? 'error' }));
      violations.push(...found);
      writeCached(file, violationsOf(found, templatePath));
    }
    return { success: violations.length === 0, violations };
  }

  /** cfn-guard over these templates and rule files, as the plugin runs it. */
  private runGuard(templatePaths: string[], rulePaths: string[]): PolicyValidationPluginReportBeta1 {
    const plugin = this as unknown as {
      execGuard(config: { templatePaths: string[]; rulePaths: string[] }): PolicyValidationPluginReportBeta1;
    };
    return plugin.execGuard({ templatePaths, rulePaths });
  }

  private cacheFile(templatePath: string): string {
    const key = createHash('sha256')
      .update(JSON.stringify([this.name, this.version]))
      .update(readFileSync(templatePath))
      .digest('hex');
    return join(dirname(templatePath), CONTROLS_CACHE_DIR, `${key}.json`);
  }
}

/** The Control Tower cfn-guard rules shipped with the plugin. */
const CONTROL_TOWER_RULES = join(
  dirname(require.resolve('@cdklabs/cdk-validator-cfnguard/package.json')),
  'rules/control-tower/cfn-guard',
);

const RESOURCE_TYPE = /AWS::[A-Za-z0-9]+::[A-Za-z0-9]+/g;

let ruleTypes: Map<string, Set<string>> | undefined;

/** Each Control Tower rule file with the resource types it names. */
function controlTowerRuleTypes(): Map<string, Set<string>> {
  if (!ruleTypes) {
    ruleTypes = new Map();
    for (const file of readdirSync(CONTROL_TOWER_RULES, { recursive: true, encoding: 'utf8' }).sort()) {
      if (!file.endsWith('.guard')) continue;
      const path = join(CONTROL_TOWER_RULES, file);
      ruleTypes.set(path, new Set(readFileSync(path, 'utf8').match(RESOURCE_TYPE)));
    }
  }
  return ruleTypes;
}

/** The Control Tower rule files that can report on any of `types` (and any naming no type). */
export function controlTowerRulesFor(types: Set<string>): string[] {
  return [...controlTowerRuleTypes()]
    .filter(([, named]) => named.size === 0 || [...named].some((t) => types.has(t)))
    .map(([path]) => path);
}

/** The resource types a template declares. */
function resourceTypesIn(templatePath: string): Set<string> {
  const template = JSON.parse(readFileSync(templatePath, 'utf8')) as { Resources?: Record<string, { Type?: unknown }> };
  return new Set(Object.values(template.Resources ?? {}).flatMap((r) => (typeof r.Type === 'string' ? [r.Type] : [])));
}

/**
 * Turns on the fixes and reviewed acknowledgements for AWS Control Tower's proactive controls,
 * which the cfn-guard validation plugin checks at synth.
 */
export function applyControlTowerControls(scope: Construct): void {
  Aspects.of(scope).add(new LimitKeyGrantsToAwsServices());
  Aspects.of(scope).add(new AcknowledgeControls(CONTROL_ACKNOWLEDGEMENTS));
}
