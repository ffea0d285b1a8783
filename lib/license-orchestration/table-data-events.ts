import { type CfnResource, Duration, Stack, Validations } from 'aws-cdk-lib';
import * as cloudtrail from 'aws-cdk-lib/aws-cloudtrail';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { houseDefaults } from '../shared';
import { skipCheckov } from './contracts';

export interface TableDataEventsProps {
  /** The table whose item-level reads and writes are recorded. */
  readonly table: dynamodb.ITable;
  /**
   * How long log files are kept.
   * @default Duration.days(365)
   */
  readonly retention?: Duration;
}

/**
 * A CloudTrail trail that records DynamoDB data events (every item read and write) of one table,
 * as an audit record of license assignments. Log files are encrypted with their own key and kept in
 * a versioned, TLS-only bucket.
 */
export class TableDataEvents extends Construct {
  public readonly trail: cloudtrail.CfnTrail;
  public readonly bucket: s3.Bucket;
  public readonly key: kms.Key;

  constructor(scope: Construct, id: string, props: TableDataEventsProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const removalPolicy = houseDefaults(this).removalPolicy;
    const trailArnPattern = stack.formatArn({
      service: 'cloudtrail',
      resource: 'trail',
      resourceName: '*',
      region: '*',
    });

    this.key = new kms.Key(this, 'Key', {
      description: 'Encrypts the license ledger data-event trail',
      enableKeyRotation: true,
      removalPolicy,
    });
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowCloudTrailToEncryptLogs',
        principals: [new iam.ServicePrincipal('cloudtrail.amazonaws.com')],
        actions: ['kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: {
          StringEquals: { 'aws:SourceAccount': stack.account },
          StringLike: { 'kms:EncryptionContext:aws:cloudtrail:arn': trailArnPattern },
        },
      }),
    );
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowCloudTrailToDescribeKey',
        principals: [new iam.ServicePrincipal('cloudtrail.amazonaws.com')],
        actions: ['kms:DescribeKey'],
        resources: ['*'],
      }),
    );

    this.bucket = new s3.Bucket(this, 'Logs', {
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: this.key,
      bucketKeyEnabled: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      versioned: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      lifecycleRules: [
        { expiration: props.retention ?? Duration.days(365), noncurrentVersionExpiration: Duration.days(30) },
      ],
      removalPolicy,
    });
    const bucketResource = this.bucket.node.defaultChild as CfnResource;
    Validations.of(this.bucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        "The bucket is for this trail's log files; its policy grants only CloudTrail of this account (ACL check, log writes), so reads need IAM permission in this account (and use of the key). Reads are not recorded (the trail logs the table's data events, not this bucket's); access logs of an audit bucket would need another bucket without end.",
    });
    skipCheckov(
      bucketResource,
      'CKV_AWS_18',
      'Holds only CloudTrail log files; access logging of the audit bucket would need another bucket without end.',
    );
    this.bucket.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowCloudTrailAclCheck',
        principals: [new iam.ServicePrincipal('cloudtrail.amazonaws.com')],
        actions: ['s3:GetBucketAcl'],
        resources: [this.bucket.bucketArn],
        conditions: { StringEquals: { 'aws:SourceAccount': stack.account } },
      }),
    );
    this.bucket.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowCloudTrailWrite',
        principals: [new iam.ServicePrincipal('cloudtrail.amazonaws.com')],
        actions: ['s3:PutObject'],
        resources: [this.bucket.arnForObjects(`AWSLogs/${stack.account}/*`)],
        conditions: { StringEquals: { 'aws:SourceAccount': stack.account } },
      }),
    );

    this.trail = new cloudtrail.CfnTrail(this, 'Trail', {
      isLogging: true,
      s3BucketName: this.bucket.bucketName,
      kmsKeyId: this.key.keyArn,
      enableLogFileValidation: true,
      isMultiRegionTrail: false,
      includeGlobalServiceEvents: false,
      // Data events of the ledger table only; no management events (the account trail has those).
      advancedEventSelectors: [
        {
          name: 'Ledger table item reads and writes',
          fieldSelectors: [
            { field: 'eventCategory', equalTo: ['Data'] },
            { field: 'resources.type', equalTo: ['AWS::DynamoDB::Table'] },
            { field: 'resources.ARN', equalTo: [props.table.tableArn] },
          ],
        },
      ],
    });
    this.trail.node.addDependency(this.bucket.policy ?? this.bucket);
    skipCheckov(
      this.trail,
      'CKV_AWS_67',
      'A data-event trail for one table in one Region; all-Region management events are for an account or organization trail, which this app does not create.',
    );
    skipCheckov(this.trail, 'CKV_AWS_252', 'Nobody consumes per-file delivery notifications of this audit trail.');
  }
}
