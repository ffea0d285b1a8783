import { Aws, CfnCondition, CfnResource, Duration, Fn, Validations } from 'aws-cdk-lib';
import type * as cloudformation from 'aws-cdk-lib/aws-cloudformation';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';
import {
  PlatformStack,
  type PlatformStackProps,
  serviceManagedStackSet,
  type ServiceManagedStackSetSettings,
  StackSetCodeBucketStack,
  stackSetCodeBucketPrefix,
  type StackSetCodeBucketStackProps,
  StackSetMemberStack,
  StackSetOwnerSynthesizer,
  type StackSetCodeBuckets,
} from '../shared';
import { reconcilerRoleArn } from './contracts';
import {
  addWorkbenchResources,
  WORKBENCH_DESCRIPTION,
  type WorkbenchAccountStackProps,
} from './workbench-account-stack';

type Server = { readonly account: string; readonly region: string };

/** The StackSet settings from config (`licenseOrchestration.workbenchStackSet`). */
export interface WorkbenchStackSetSettings extends ServiceManagedStackSetSettings {
  /** Name of the StackSet. */
  readonly name: string;
  /** Regions the StackSet deploys the workbench stack to. */
  readonly regions: readonly string[];
}

/** Prefix of the per-Region code bucket names: `<name>-code-<admin account>`. */
export const workbenchCodeBucketPrefix = stackSetCodeBucketPrefix;

/** Name of the role in the administrator account that the reconciliation assumes to list stack instances. */
export function stackInstanceListerRoleName(name: string): string {
  return `${name}-instance-lister`;
}

export type WorkbenchCodeBucketStackProps = Omit<StackSetCodeBucketStackProps, 'system' | 'role' | 'description'>;

/** The administrator account's bucket for the workbench StackSet's Lambda code in one Region. */
export class WorkbenchCodeBucketStack extends StackSetCodeBucketStack {
  constructor(scope: Construct, props: WorkbenchCodeBucketStackProps) {
    super(scope, {
      ...props,
      system: 'license',
      role: 'workbench-code',
      description: 'Floating-license orchestration: Lambda code of the workbench StackSet',
    });
  }
}

export interface WorkbenchStackSetStackProps extends Omit<PlatformStackProps, 'system' | 'role' | 'synthesizer'> {
  /** The StackSet: its name, Regions and deployment targets. */
  readonly stackSet: WorkbenchStackSetSettings;
  /** Where the license server stack is (account and Region). */
  readonly server: Server;
  /** Settings of the workbench stack the StackSet deploys. */
  readonly workbench: Omit<WorkbenchAccountStackProps, keyof PlatformStackProps | 'readerRole'>;
  /**
   * The reader role's name when reconciliation is on.
   * @default - no reader role
   */
  readonly readerRoleName?: string;
}

/**
 * Owns the service-managed StackSet that deploys the workbench stack (publisher, and in the first
 * Region the reader role) to every account of the organizational units, including accounts that
 * join them later; deployed in the management account or a StackSets delegated administrator.
 */
export class WorkbenchStackSetStack extends PlatformStack {
  public readonly stackSet: cloudformation.CfnStackSet;
  public readonly member: StackSetMemberStack;
  public readonly instanceLister?: iam.Role;

  constructor(scope: Construct, props: WorkbenchStackSetStackProps) {
    super(scope, {
      ...props,
      system: 'license',
      role: 'workbench-stackset',
      synthesizer: new StackSetOwnerSynthesizer(),
    });
    this.templateOptions.description = 'Floating-license orchestration: workbench StackSet for organizational units';
    const settings = props.stackSet;
    const code: StackSetCodeBuckets = {
      bucketNamePrefix: workbenchCodeBucketPrefix(settings.name, props.env.account),
      regions: settings.regions,
      account: props.env.account,
    };
    this.member = new StackSetMemberStack(this, 'Workbench', {
      system: 'license',
      operations: this.operations,
      description: WORKBENCH_DESCRIPTION,
      code,
    });
    const { readerRole } = addWorkbenchResources(this.member, {
      ...props.workbench,
      readerRole: props.readerRoleName ? { roleName: props.readerRoleName, licenseServer: props.server } : undefined,
    });
    if (readerRole) {
      // IAM is global: only the first Region's stack instance creates the account's reader role.
      const firstRegion = new CfnCondition(this.member, 'ReaderRoleRegion', {
        expression: Fn.conditionEquals(Aws.REGION, settings.regions[0]),
      });
      for (const resource of readerRole.node.findAll().filter(CfnResource.isCfnResource)) {
        resource.cfnOptions.condition = firstRegion;
      }
    }

    this.stackSet = serviceManagedStackSet(this, 'StackSet', {
      settings,
      name: settings.name,
      description: WORKBENCH_DESCRIPTION,
      regions: settings.regions,
      member: this.member,
    });

    if (props.readerRoleName) this.instanceLister = this.addInstanceLister(props.server, settings);
  }

  /**
   * The role the reconciliation assumes to learn which accounts and Regions have the workbench
   * stack (ListStackInstances), as only the management account or a delegated administrator can.
   */
  private addInstanceLister(server: Server, settings: WorkbenchStackSetSettings): iam.Role {
    const role = new iam.Role(this, 'InstanceLister', {
      roleName: stackInstanceListerRoleName(settings.name),
      description: 'Lets the floating-license reconciliation list the workbench StackSet instances (read-only)',
      assumedBy: new iam.AccountPrincipal(server.account).withConditions({
        ArnEquals: { 'aws:PrincipalArn': reconcilerRoleArn(server, this.partition) },
      }),
      maxSessionDuration: Duration.hours(1),
    });
    // StackSets of a delegated administrator live in the management account, whose ID the config
    // does not hold; the StackSet ID suffix is chosen by CloudFormation.
    const stackSetArn = `arn:${this.partition}:cloudformation:${this.region}:*:stackset/${settings.name}:*`;
    const statements = [
      new iam.PolicyStatement({ actions: ['cloudformation:ListStackInstances'], resources: [stackSetArn] }),
    ];
    if (settings.callAs === 'DELEGATED_ADMIN') {
      statements.push(
        new iam.PolicyStatement({ actions: ['organizations:ListDelegatedAdministrators'], resources: ['*'] }),
      );
    }
    const policy = new iam.Policy(this, 'ListStackInstances', { statements });
    policy.attachToRole(role);
    Validations.of(policy).acknowledge({
      id: `AwsSolutions-IAM5[Resource::${this.resolve(stackSetArn)}]`,
      reason:
        "One StackSet by name in this Region; its owner is the management account (not in the config) and its ID suffix is CloudFormation's.",
    });
    if (settings.callAs === 'DELEGATED_ADMIN') {
      Validations.of(policy).acknowledge({
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason:
          'organizations:ListDelegatedAdministrators has no resource-level permissions; CloudFormation checks the delegated administrator registration with it.',
      });
    }
    return role;
  }
}
