import {
  AssetManifestBuilder,
  Aws,
  type CfnResource,
  DefaultStackSynthesizer,
  type DockerImageAssetLocation,
  Duration,
  type FileAssetLocation,
  FileAssetPackaging,
  type FileAssetSource,
  type ISynthesisSession,
  Lazy,
  Stack,
  StackSynthesizer,
  type SynthesizeStackArtifactOptions,
  Validations,
} from 'aws-cdk-lib';
import * as cloudformation from 'aws-cdk-lib/aws-cloudformation';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import { statSync } from 'node:fs';
import { extname, join } from 'node:path';
import type { AlarmTopic } from './alarm-topic';
import { acknowledge } from './compliance';
import { skipCheckov } from './template-lint';
import {
  applyPlatformDefaults,
  type OperationsSettings,
  PlatformStack,
  type PlatformStackProps,
} from './platform-stack';

/**
 * A StackSet reads its template from S3 (TemplateURL); CloudFormation takes at most 1 MB there
 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/cloudformation-limits.html).
 */
export const STACK_SET_TEMPLATE_MAX_BYTES = 1024 * 1024;

/**
 * The synthesizer of a stack that owns StackSets: the default one, whose deployment also publishes
 * the member stacks' code to their per-Region buckets first (their asset manifests become
 * dependencies of this stack's artifact, so `cdk deploy` publishes them before deploying it).
 */
export class StackSetOwnerSynthesizer extends DefaultStackSynthesizer {
  private readonly memberAssetManifests: string[] = [];

  /** Publishes the asset manifest artifact `artifactId` before this stack deploys. */
  public publishBeforeDeploy(artifactId: string): void {
    this.memberAssetManifests.push(artifactId);
  }

  protected override emitArtifact(session: ISynthesisSession, options: SynthesizeStackArtifactOptions = {}): void {
    super.emitArtifact(session, {
      ...options,
      additionalDependencies: [...(options.additionalDependencies ?? []), ...this.memberAssetManifests],
    });
  }
}

/** Where a StackSet member's file assets (Lambda code) go: one bucket per target Region. */
export interface StackSetCodeBuckets {
  /** The bucket in Region `r` is named `<bucketNamePrefix>-<r>`. */
  readonly bucketNamePrefix: string;
  /** Every Region the StackSet deploys to. */
  readonly regions: readonly string[];
  /** The account holding the buckets (the StackSet's administrator account). */
  readonly account: string;
}

/** Prefix of a StackSet's per-Region code bucket names: `<name>-code-<admin account>`. */
export function stackSetCodeBucketPrefix(name: string, adminAccount: string): string {
  return `${name}-code-${adminAccount}`;
}

/** Name of the code bucket of `prefix` in `region`. */
export function codeBucketName(prefix: string, region: string): string {
  return `${prefix}-${region}`;
}

/** The CDK bootstrap role that publishes file assets in `account` and `region`. */
export function filePublishingRoleArn(account: string, region: string, qualifier: string, partition: string): string {
  return `arn:${partition}:iam::${account}:role/cdk-${qualifier}-file-publishing-role-${account}-${region}`;
}

/**
 * Synthesizes a stack that is never deployed itself, only as a StackSet's template: the template
 * becomes a file asset of the owner stack (its URL is the StackSet's TemplateURL), and each file
 * asset is published to the code bucket of every target Region, because Lambda reads code only
 * from a bucket in the function's own Region
 * (https://docs.aws.amazon.com/lambda/latest/api/API_FunctionCode.html). The template names the
 * bucket of the Region it runs in.
 */
export class StackSetMemberSynthesizer extends StackSynthesizer {
  private readonly assets = new AssetManifestBuilder();
  private url?: string;

  constructor(
    private readonly owner: Stack,
    private readonly code?: StackSetCodeBuckets,
  ) {
    super();
    if (!(owner.synthesizer instanceof StackSetOwnerSynthesizer)) {
      throw new Error(`${owner.node.path}: a StackSet owner stack needs the StackSetOwnerSynthesizer`);
    }
  }

  /**
   * The StackSet's TemplateURL. Known once this stack has synthesized, which CDK does before the
   * owner (children first); references are resolved earlier, when it is still undefined.
   */
  public get templateUrl(): string {
    return Lazy.uncachedString({ produce: () => this.url });
  }

  public addFileAsset(asset: FileAssetSource): FileAssetLocation {
    if (!asset.fileName) {
      throw new Error(`${this.boundStack.node.path}: StackSet members take file assets from files only`);
    }
    if (!this.code) {
      throw new Error(`${this.boundStack.node.path}: this StackSet member has no code buckets for its file assets`);
    }
    const ownerSynthesizer = this.owner.synthesizer as StackSetOwnerSynthesizer;
    const qualifier = ownerSynthesizer.bootstrapQualifier ?? DefaultStackSynthesizer.DEFAULT_QUALIFIER;
    const objectKey = `${asset.sourceHash}${asset.packaging === FileAssetPackaging.ZIP_DIRECTORY ? '.zip' : extname(asset.fileName)}`;
    for (const region of this.code.regions) {
      this.assets.addFileAsset(
        this.boundStack,
        asset.sourceHash,
        { path: asset.fileName, packaging: asset.packaging },
        {
          bucketName: codeBucketName(this.code.bucketNamePrefix, region),
          objectKey,
          region,
          assumeRoleArn: filePublishingRoleArn(this.code.account, region, qualifier, '${AWS::Partition}'),
        },
      );
    }
    const bucketName = codeBucketName(this.code.bucketNamePrefix, Aws.REGION);
    return {
      bucketName,
      objectKey,
      httpUrl: `https://s3.${Aws.REGION}.${Aws.URL_SUFFIX}/${bucketName}/${objectKey}`,
      s3ObjectUrl: `s3://${bucketName}/${objectKey}`,
    };
  }

  public addDockerImageAsset(): DockerImageAssetLocation {
    throw new Error(`${this.boundStack.node.path}: StackSet members cannot use container image assets`);
  }

  public synthesize(session: ISynthesisSession): void {
    const template = this.synthesizeTemplate(session);
    const bytes = statSync(join(session.assembly.outdir, template.fileName as string)).size;
    if (bytes > STACK_SET_TEMPLATE_MAX_BYTES) {
      throw new Error(
        `${this.boundStack.node.path}: the StackSet template has ${bytes} bytes; CloudFormation takes at most ${STACK_SET_TEMPLATE_MAX_BYTES}`,
      );
    }
    this.url = this.owner.synthesizer.addFileAsset(template).httpUrl;
    if (this.assets.hasAssets) {
      (this.owner.synthesizer as StackSetOwnerSynthesizer).publishBeforeDeploy(
        this.assets.emitManifest(this.boundStack, session),
      );
    }
  }
}

export interface StackSetMemberStackProps {
  /** The system this stack belongs to (a tag). */
  readonly system: string;
  /** The config's shared operational settings. */
  readonly operations: OperationsSettings;
  /** Description of the template. */
  readonly description: string;
  /**
   * Where its file assets go.
   * @default - none: the member has no file assets (adding one fails synth)
   */
  readonly code?: StackSetCodeBuckets;
}

/**
 * A stack deployed only through a StackSet owned by `owner`: no account or Region of its own, the
 * app's tags, aspects and alarm topic like every other stack.
 */
export class StackSetMemberStack extends Stack {
  public readonly alarmTopic: AlarmTopic;
  public readonly operations: OperationsSettings;
  public readonly templateUrl: string;

  constructor(owner: Stack, id: string, props: StackSetMemberStackProps) {
    const synthesizer = new StackSetMemberSynthesizer(owner, props.code);
    super(owner as Construct, id, { synthesizer, description: props.description });
    this.operations = props.operations;
    this.templateUrl = synthesizer.templateUrl;
    this.alarmTopic = applyPlatformDefaults(this, props.system, props.operations);
  }
}

export interface StackSetCodeBucketStackProps extends Omit<PlatformStackProps, 'synthesizer'> {
  /** Prefix of the bucket names: the bucket in Region `r` is `<prefix>-<r>`. */
  readonly bucketNamePrefix: string;
  /** The organization whose principals may read the code. */
  readonly organizationId: string;
  /** Description of the stack. */
  readonly description: string;
}

/**
 * The administrator account's bucket for a StackSet's Lambda code in one Region: CDK's publishing
 * role writes it, every principal of the organization reads objects.
 */
export class StackSetCodeBucketStack extends PlatformStack {
  public readonly bucket: s3.Bucket;

  constructor(scope: Construct, props: StackSetCodeBucketStackProps) {
    super(scope, props);
    this.templateOptions.description = props.description;
    const { account, region } = props.env;
    // SSE-S3, not a KMS key: the code is the repository's own, not a secret, and Lambda in every
    // member account reads it; a key would need a key policy open to the organization as well.
    this.bucket = new s3.Bucket(this, 'Code', {
      bucketName: codeBucketName(props.bucketNamePrefix, region as string),
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
    const publisher = new iam.ArnPrincipal(
      filePublishingRoleArn(account as string, region as string, qualifier, this.partition),
    );
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
    skipCheckov(
      resource,
      'CKV_AWS_18',
      'Holds only Lambda code from this repository; access logs would need another bucket.',
    );
  }
}

/** How a service-managed StackSet targets and rolls out (the config's StackSet block). */
export interface ServiceManagedStackSetSettings {
  /** Organizational units whose accounts get the stack. */
  readonly organizationalUnitIds: readonly string[];
  /** Whether the StackSet is created from the management account (`SELF`) or a delegated administrator. */
  readonly callAs: 'SELF' | 'DELEGATED_ADMIN';
  /** Whether an account's stacks stay when it leaves the OUs. */
  readonly retainStacksOnAccountRemoval: boolean;
  /** How many accounts and Regions a StackSet operation works on at once, and how many may fail. */
  readonly operationPreferences: {
    readonly failureTolerancePercentage: number;
    readonly maxConcurrentPercentage: number;
    readonly regionConcurrencyType: 'SEQUENTIAL' | 'PARALLEL';
  };
}

export interface ServiceManagedStackSetProps {
  /** Deployment targets and preferences. */
  readonly settings: ServiceManagedStackSetSettings;
  /** Name of the StackSet. */
  readonly name: string;
  /** Description of the StackSet. */
  readonly description: string;
  /** Regions of the stack instances in each account of the OUs. */
  readonly regions: readonly string[];
  /** The stack whose template the StackSet deploys. */
  readonly member: StackSetMemberStack;
}

/**
 * A service-managed StackSet deploying `member` to every account of the OUs in `regions`, with
 * auto-deployment: accounts that join the OUs later get it too.
 */
export function serviceManagedStackSet(
  scope: Construct,
  id: string,
  props: ServiceManagedStackSetProps,
): cloudformation.CfnStackSet {
  const { settings } = props;
  return new cloudformation.CfnStackSet(scope, id, {
    stackSetName: props.name,
    description: props.description,
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
        regions: [...props.regions],
      },
    ],
    templateUrl: props.member.templateUrl,
  });
}
