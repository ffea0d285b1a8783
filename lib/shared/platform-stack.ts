import { Aspects, type RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct, IConstruct } from 'constructs';
import { AlarmTopic } from './alarm-topic';
import { RetainCdkFunctionLogs } from './cdk-function-logs';
import type { LogLevel } from './standard-function';
import { type StackEnvironment, stackName } from './stack-naming';
import { applyTags } from './tagging';
import { AcceptRoleDependency } from './template-lint';

/** Operational settings every stack shares, taken from the config's `shared` section. */
export interface OperationsSettings {
  /** Tags for every resource. */
  readonly tags: Readonly<Record<string, string>>;
  /** Emails subscribed to each stack's alarm topic. */
  readonly alarmEmails: readonly string[];
  /** Existing alarm topics; a stack uses the one in its own account and Region. */
  readonly existingAlarmTopicArns: readonly string[];
  /** Removal policy of stateful resources. */
  readonly removalPolicy: RemovalPolicy;
  /** Retention of every log group. */
  readonly logRetention: logs.RetentionDays;
  /** Log level of every function. */
  readonly logLevel: LogLevel;
  /** Readable account names for stack names. */
  readonly accountAliases: Readonly<Record<string, string>>;
}

export interface PlatformStackProps extends Omit<StackProps, 'env' | 'stackName'> {
  /** Where the stack lands; always explicit, so lookups and cross-Region references are deterministic. */
  readonly env: StackEnvironment;
  /** The system this stack belongs to, for example `license`. First part of the stack name and a tag. */
  readonly system: string;
  /** The stack's role within the system, for example `server`. Second part of the stack name. */
  readonly role: string;
  /** The config's shared operational settings: tags, alarm recipients, removal policy, log settings. */
  readonly operations: OperationsSettings;
}

/**
 * Base of every stack in the app: explicit environment, the stable name
 * `<system>-<role>-<account>-<region>` (also its construct ID), tags, and an operator alarm topic.
 */
export class PlatformStack extends Stack {
  /** The stack's operator alarm topic, where every alarm in the stack goes. */
  public readonly alarmTopic: AlarmTopic;
  /** The operational settings the stack was built with. */
  public readonly operations: OperationsSettings;

  constructor(scope: Construct, props: PlatformStackProps) {
    const name = stackName(props.system, props.role, props.env, props.operations.accountAliases);
    super(scope, name, { ...props, stackName: name, env: props.env });
    this.operations = props.operations;
    this.alarmTopic = applyPlatformDefaults(this, props.system, props.operations);
  }
}

/** The settings the constructs of a stack take from it unless their props say otherwise. */
export interface HouseDefaults {
  /** The stack's operator alarm topic. */
  readonly alarmTopic: AlarmTopic;
  /** Log level of every function. */
  readonly logLevel: LogLevel;
  /** Retention of every log group. */
  readonly logRetention: logs.RetentionDays;
  /** Removal policy of stateful resources. */
  readonly removalPolicy: RemovalPolicy;
}

const houseDefaultsByStack = new WeakMap<Stack, HouseDefaults>();

/**
 * The house defaults of the stack `scope` is in: its alarm topic and the config's log level, log
 * retention and removal policy. Every stack of the app has them ({@link PlatformStack}, and StackSet
 * members through {@link applyPlatformDefaults}).
 */
export function houseDefaults(scope: IConstruct): HouseDefaults {
  const stack = Stack.of(scope);
  const defaults = houseDefaultsByStack.get(stack);
  if (!defaults) {
    throw new Error(
      `${scope.node.path}: stack ${stack.node.path} has no house defaults (alarm topic, log settings, ` +
        'removal policy); build it as a PlatformStack or call applyPlatformDefaults on it',
    );
  }
  return defaults;
}

/** What every stack of the app gets: tags, the template aspects, its alarm topic and its house defaults. */
export function applyPlatformDefaults(stack: Stack, system: string, operations: OperationsSettings): AlarmTopic {
  applyTags(stack, { ...operations.tags, system, 'managed-by': 'aws-cdk' });
  Aspects.of(stack).add(new AcceptRoleDependency());
  Aspects.of(stack).add(new RetainCdkFunctionLogs(operations.logRetention, operations.removalPolicy));
  const alarmTopic = new AlarmTopic(stack, 'AlarmTopic', {
    emails: operations.alarmEmails,
    existingTopicArns: operations.existingAlarmTopicArns,
    keyRemovalPolicy: operations.removalPolicy,
  });
  houseDefaultsByStack.set(stack, {
    alarmTopic,
    logLevel: operations.logLevel,
    logRetention: operations.logRetention,
    removalPolicy: operations.removalPolicy,
  });
  return alarmTopic;
}
