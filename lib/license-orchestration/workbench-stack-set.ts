import { Aws, CfnCondition, CfnResource, DefaultStackSynthesizer, Duration, Fn, Validations } from 'aws-cdk-lib';
import * as cloudformation from 'aws-cdk-lib/aws-cloudformation';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import {
  codeBucketName,
  filePublishingRoleArn,
  PlatformStack,
  type PlatformStackProps,
  StackSetMemberStack,
  StackSetOwnerSynthesizer,
  type StackSetCodeBuckets,
} from '../shared';
import { acknowledge, checkovSkip, reconcilerRoleArn } from './contracts';
import {
  addWorkbenchResources,
  WORKBENCH_DESCRIPTION,
  type WorkbenchAccountStackProps,
} from './workbench-account-stack';

type Server = { readonly account: string; readonly region: string };

/** The StackSet settings from config (`licenseOrchestration.workbenchStackSet`). */
export interface WorkbenchStackSetSettings {
  readonly name: string;
  readonly organizationalUnitIds: readonly string[];
  readonly regions: readonly string[];
  readonly callAs: 'SELF' | 'DELEGATED_ADMIN';
  readonly retainStacksOnAccountRemoval: boolean;
  readonly operationPreferences: {
    readonly failureTolerancePercentage: number;
    readonly maxConcurrentPercentage: number;
    readonly regionConcurrencyType: 'SEQUENTIAL' | 'PARALLEL';
  };
}

/** Prefix of the per-Region code bucket names: `<name>-code-<admin account>`. */
export function workbenchCodeBucketPrefix(name: string, adminAccount: string): string {
  return `${name}-code-${adminAccount}`;
}

/** Name of the role in the administrator account that the reconciliation assumes to list stack instances. */
export function stackInstanceListerRoleName(name: string): string {
  return `${name}-instance-lister`;
}

export interface WorkbenchCodeBucketStackProps extends Omit<PlatformStackProps, 'system' | 'role'> {
  readonly bucketNamePrefix: string;
  /** The organization whose principals may read the code. */
  readonly organizationId: string;
}

/**
 * The administrator account's bucket for the workbench StackSet's Lambda code in one Region:
 * CDK's publishing role writes it, every principal of the organization reads objects.
 */
export class WorkbenchCodeBucketStack extends PlatformStack {
  public readonly bucket: s3.Bucket;

  constructor(scope: Construct, props: WorkbenchCodeBucketStackProps) {
    super(scope, { ...props, system: 'license', role: 'workbench-code' });
    this.templateOptions.description = 'Floating-license orchestration: Lambda code of the workbench StackSet';
    const { account, region } = props.env;
    // SSE-S3, not a KMS key: the code is the repository's own, not a secret, and Lambda in every
    // member account reads it; a key would need a key policy open to the organization as well.
    this.bucket = new s3.Bucket(this, 'Code', {
      bucketName: codeBucketName(props.bucketNamePrefix, region),
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      versioned: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      // Object keys are content hashes; a StackSet update reads only the newest.
      lifecycleRules: [{ noncurrentVersionExpiration: Duration.days(30) }],
      removalPolicy: this.operations.removalPolicy,
    });
    this.bucket.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'OrganizationReadsCode',
        principals: [new iam.AnyPrincipal()],
        actions: ['s3:GetObject', 's3:GetObjectVersion'],
        resources: [this.bucket.arnForObjects('*')],
        conditions: { StringEquals: { 'aws:PrincipalOrgID': props.organizationId } },
      }),
    );
    const qualifier = this.synthesizer.bootstrapQualifier ?? DefaultStackSynthesizer.DEFAULT_QUALIFIER;
    const publisher = new iam.ArnPrincipal(filePublishingRoleArn(account, region, qualifier, this.partition));
    this.bucket.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CdkPublishesCode',
        principals: [publisher],
        actions: ['s3:GetObject', 's3:PutObject', 's3:GetBucketLocation', 's3:ListBucket'],
        resources: [this.bucket.bucketArn, this.bucket.arnForObjects('*')],
      }),
    );
    const resource = this.bucket.node.defaultChild as CfnResource;
    Validations.of(this.bucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        'Holds only Lambda code built from this repository; only the CDK publishing role of this account writes it (bucket policy) and reads are limited to the organization.',
    });
    acknowledge(
      resource,
      [
        'cdk-validator-cfnguard::s3_bucket_logging_enabled_check',
        'cdk-validator-cfnguard::s3_event_notifications_enabled_check',
        'cdk-validator-cfnguard::s3_bucket_object_lock_enabled_check',
        'cdk-validator-cfnguard::s3_bucket_default_encryption_kms_check',
      ],
      'Versioned Lambda code bucket written only by the CDK publishing role; SSE-S3 because member accounts of the organization read it (no key policy to open); nothing consumes new objects.',
    );
    checkovSkip(
      resource,
      'CKV_AWS_18',
      'Holds only Lambda code from this repository; access logs would need another bucket.',
    );
  }
}

export interface WorkbenchStackSetStackProps extends Omit<PlatformStackProps, 'system' | 'role' | 'synthesizer'> {
  readonly stackSet: WorkbenchStackSetSettings;
  readonly server: Server;
  readonly workbench: Omit<WorkbenchAccountStackProps, keyof PlatformStackProps | 'readerRole'>;
  /** The reader role's name when reconciliation is on. */
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
    const { readerRole } = addWorkbenchResources(this.member, this.member.alarmTopic, {
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

    this.stackSet = new cloudformation.CfnStackSet(this, 'StackSet', {
      stackSetName: settings.name,
      description: WORKBENCH_DESCRIPTION,
      permissionModel: 'SERVICE_MANAGED',
      callAs: settings.callAs,
      autoDeployment: { enabled: true, retainStacksOnAccountRemoval: settings.retainStacksOnAccountRemoval },
      capabilities: ['CAPABILITY_NAMED_IAM'],
      // Operations queue instead of failing while another one runs (an account joining meanwhile).
      managedExecution: { Active: true },
      operationPreferences: {
        failureTolerancePercentage: settings.operationPreferences.failureTolerancePercentage,
        maxConcurrentPercentage: settings.operationPreferences.maxConcurrentPercentage,
        regionConcurrencyType: settings.operationPreferences.regionConcurrencyType,
      },
      stackInstancesGroup: [
        {
          deploymentTargets: { organizationalUnitIds: [...settings.organizationalUnitIds] },
          regions: [...settings.regions],
        },
      ],
      templateUrl: this.member.templateUrl,
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
