import { Duration, Stack, Validations } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { METRICS_NAMESPACE, SERVICES } from '../../lambda/license-orchestration/core/metrics';
import { ENV, formatScopes } from '../../lambda/license-orchestration/adapters/settings';
import { STACK_SET_ENV } from '../../lambda/license-orchestration/adapters/stack-set-settings';
import { DeadLetterQueue, StandardFunction } from '../shared';
import { HANDLER_ENTRY } from './contracts';
import type { LicenseLedger } from './license-ledger';

export interface LedgerReconcilerProps {
  /** The ledger to reconcile. */
  readonly ledger: LicenseLedger;
  /** Every listed workbench account and Region. */
  readonly scopes: readonly { readonly account: string; readonly region: string }[];
  /**
   * Also list the accounts and Regions where this StackSet has deployed the workbench stack, read
   * through a role in its administrator account.
   * @default - only `scopes`
   */
  readonly stackSet?: {
    readonly name: string;
    /** Where the StackSet is administered. */
    readonly region: string;
    readonly callAs: 'SELF' | 'DELEGATED_ADMIN';
    readonly adminAccount: string;
    readonly listerRoleName: string;
  };
  /** Name of the read-only role in each workbench account. */
  readonly readerRoleName: string;
  /** Physical name of this function's role: the reader roles trust exactly this role. */
  readonly roleName: string;
  /** Tag holding a workbench's owner user ID. */
  readonly ownerTag: string;
  /** Tag holding a workbench's type. */
  readonly typeTag: string;
  /** User-ID pattern (matched against the whole ID). */
  readonly userIdPattern: string;
  /** The products each workbench type is entitled to, by type. */
  readonly workbenchTypes: Readonly<Record<string, readonly string[]>>;
  /**
   * How often reconciliation runs.
   * @default Duration.hours(1)
   */
  readonly schedule?: Duration;
}

/** Scheduled reconciliation of the ledger with the instances EC2 lists in each workbench account. */
export class LedgerReconciler extends Construct {
  public readonly function: StandardFunction;
  public readonly rule: events.Rule;
  public readonly scheduleDeadLetterQueue: DeadLetterQueue;

  constructor(scope: Construct, id: string, props: LedgerReconcilerProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const stackSet = props.stackSet;
    const listerRoleArn =
      stackSet && `arn:${stack.partition}:iam::${stackSet.adminAccount}:role/${stackSet.listerRoleName}`;
    this.function = new StandardFunction(this, 'Reconciler', {
      entry: HANDLER_ENTRY.reconciler,
      serviceName: SERVICES.reconciler,
      metricsNamespace: METRICS_NAMESPACE,
      description: 'Repairs the license ledger from the instances EC2 lists in the workbench accounts',
      timeout: Duration.minutes(5),
      memorySize: 512,
      asyncInvocation: { retryAttempts: 0, maxEventAge: Duration.minutes(30) },
      environment: {
        [ENV.tableName]: props.ledger.table.tableName,
        // Not JSON: checkov takes '"account": <12 digits>' for a secret.
        ...(props.scopes.length > 0 ? { [ENV.workbenchScopes]: formatScopes(props.scopes) } : {}),
        ...(stackSet
          ? {
              [STACK_SET_ENV.name]: stackSet.name,
              [STACK_SET_ENV.region]: stackSet.region,
              [STACK_SET_ENV.callAs]: stackSet.callAs,
              [STACK_SET_ENV.listerRoleArn]: listerRoleArn,
            }
          : {}),
        [ENV.readerRoleName]: props.readerRoleName,
        [ENV.ownerTag]: props.ownerTag,
        [ENV.typeTag]: props.typeTag,
        [ENV.userIdPattern]: props.userIdPattern,
        [ENV.workbenchTypes]: JSON.stringify(props.workbenchTypes),
        [ENV.partition]: stack.partition,
      },
    });
    // The reader roles' trust policies name this role, so its name is fixed.
    (this.function.role.node.defaultChild as iam.CfnRole).roleName = props.roleName;
    const role = this.function.role;
    props.ledger.grantReconcile(role);
    // With a StackSet the accounts are only known at run time: any account's reader role (each
    // one's trust policy admits only this role).
    const accounts = stackSet ? ['*'] : [...new Set(props.scopes.map((s) => s.account))].sort();
    const readerRoleArn = (account: string) => `arn:${stack.partition}:iam::${account}:role/${props.readerRoleName}`;
    const assume = new iam.Policy(this, 'AssumeReaderRoles', {
      statements: [
        new iam.PolicyStatement({
          actions: ['sts:AssumeRole'],
          resources: [...accounts.map(readerRoleArn), ...(listerRoleArn ? [listerRoleArn] : [])],
        }),
      ],
    });
    assume.attachToRole(role);
    if (stackSet) {
      Validations.of(assume).acknowledge({
        id: `AwsSolutions-IAM5[Resource::${stack.resolve(readerRoleArn('*'))}]`,
        reason:
          "The StackSet deploys the reader role to accounts that join its OUs later; each reader role's trust policy admits only this function's role.",
      });
    }

    this.scheduleDeadLetterQueue = new DeadLetterQueue(this, 'ScheduleDlq', {
      purpose: 'reconciliation runs EventBridge could not start',
    });
    this.rule = new events.Rule(this, 'Schedule', {
      description: 'Runs the license ledger reconciliation',
      schedule: events.Schedule.rate(props.schedule ?? Duration.hours(1)),
      targets: [
        new targets.LambdaFunction(this.function, {
          deadLetterQueue: this.scheduleDeadLetterQueue.queue,
          retryAttempts: 3,
          maxEventAge: Duration.minutes(30),
        }),
      ],
    });
  }
}
