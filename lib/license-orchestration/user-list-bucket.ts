import { type CfnResource, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { USER_LISTS_PREFIX } from '../../lambda/license-orchestration/core/sync-document';
import { houseDefaults, skipCheckov } from '../shared';

export interface UserListBucketProps {
  /**
   * What happens to the bucket (and the lists in it) when the stack is deleted.
   * @default - the stack's removal policy (the config's `shared.removalPolicy`)
   */
  readonly removalPolicy?: RemovalPolicy;
}

/** Days after which a handed-over list (and any version of it) is gone even if nobody deleted it. */
export const USER_LIST_EXPIRY_DAYS = 1;

/**
 * The bucket through which the sync hands user lists too long for one SSM parameter to the license
 * server: its own KMS key (no S3 Bucket Key, so the encryption context names each object and key
 * grants can be limited to the list prefix), TLS only, no public access, versioned, and every
 * object and version expired after a day as a safety net for lists the sync could not delete.
 */
export class UserListBucket extends Construct {
  public readonly bucket: s3.Bucket;
  public readonly key: kms.Key;
  private readonly objects: string;

  constructor(scope: Construct, id: string, props: UserListBucketProps = {}) {
    super(scope, id);
    const removalPolicy = props.removalPolicy ?? houseDefaults(this).removalPolicy;
    this.key = new kms.Key(this, 'Key', {
      description: 'Encrypts user lists handed from the license sync to the license server',
      enableKeyRotation: true,
      removalPolicy,
    });
    const expiry = Duration.days(USER_LIST_EXPIRY_DAYS);
    this.bucket = new s3.Bucket(this, 'Bucket', {
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: this.key,
      bucketKeyEnabled: false,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      versioned: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      // Expiring a current version leaves a delete marker and a noncurrent version; the second
      // rule's action removes the marker once the version itself is gone.
      lifecycleRules: [
        { expiration: expiry, noncurrentVersionExpiration: expiry, abortIncompleteMultipartUploadAfter: expiry },
        { expiredObjectDeleteMarker: true },
      ],
      removalPolicy,
    });
    this.objects = this.bucket.arnForObjects(`${USER_LISTS_PREFIX}*`);
    const reason =
      'Holds only user lists in transit from the sync to the license server, each deleted after use and expired after a day; only the sync role (write, delete) and the license-server role (read) are granted, both on the list prefix.';
    Validations.of(this.bucket).acknowledge({ id: 'AwsSolutions-S1', reason });
    skipCheckov(this.bucket.node.defaultChild as CfnResource, 'CKV_AWS_18', reason);
  }

  /** The sync: write and delete (any version of) lists under the prefix, encrypting with the key. */
  grantWrite(role: iam.IRole): iam.Policy {
    return this.policy(
      'WritePolicy',
      role,
      ['s3:PutObject', 's3:DeleteObject', 's3:DeleteObjectVersion'],
      ['kms:GenerateDataKey'],
    );
  }

  /** The license server: read lists under the prefix, decrypting with the key. */
  grantRead(role: iam.IRole): iam.Policy {
    return this.policy('ReadPolicy', role, ['s3:GetObject'], ['kms:Decrypt']);
  }

  private policy(id: string, role: iam.IRole, s3Actions: string[], kmsActions: string[]): iam.Policy {
    const stack = Stack.of(this);
    const policy = new iam.Policy(this, id, {
      roles: [role],
      statements: [
        new iam.PolicyStatement({ actions: s3Actions, resources: [this.objects] }),
        new iam.PolicyStatement({
          actions: kmsActions,
          resources: [this.key.keyArn],
          // Only through S3 in this Region, and only for objects under the list prefix.
          conditions: {
            StringEquals: { 'kms:ViaService': `s3.${stack.region}.${stack.urlSuffix}` },
            StringLike: { 'kms:EncryptionContext:aws:s3:arn': this.objects },
          },
        }),
      ],
    });
    Validations.of(policy).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${stack.getLogicalId(this.bucket.node.defaultChild as CfnResource)}.Arn>/${USER_LISTS_PREFIX}*]`,
      reason: `Object names carry the product, version and sha256 of each list; the grant is limited to the ${USER_LISTS_PREFIX} prefix of this bucket.`,
    });
    return policy;
  }
}
