import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { houseDefaults } from '../shared';

export interface MonitorStateTableProps {
  /**
   * What happens to the table when the stack is deleted.
   * @default - the stack's removal policy (the config's `shared.removalPolicy`)
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * The monitor's state: each registration as the last report saw it (change tracking), when the
 * last report went out (weekly digest), and idempotency records of reports and alerts (expired by
 * TTL). Partition key `pk`, sort key `sk`, TTL attribute `expiresAt`; on-demand, with point-in-time
 * recovery.
 */
export class MonitorStateTable extends Construct {
  /** Logical ID of the table, pinned: replacing the table would lose the change history. */
  public static readonly LOGICAL_ID = 'SmsMonitorStateTable';

  public readonly table: dynamodb.Table;

  constructor(scope: Construct, id: string, props: MonitorStateTableProps = {}) {
    super(scope, id);
    const removalPolicy = props.removalPolicy ?? houseDefaults(this).removalPolicy;
    this.table = new dynamodb.Table(this, 'Table', {
      partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
      sortKey: { name: 'sk', type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      timeToLiveAttribute: 'expiresAt',
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: dynamodb.TableEncryption.AWS_MANAGED,
      deletionProtection: removalPolicy === RemovalPolicy.RETAIN,
      removalPolicy,
    });
    const cfn = this.table.node.defaultChild as dynamodb.CfnTable;
    cfn.overrideLogicalId(MonitorStateTable.LOGICAL_ID);
    cfn.addMetadata('checkov', {
      skip: [
        {
          id: 'CKV_AWS_119',
          comment:
            'Encrypted with the AWS managed key: the table holds registration IDs and statuses, no secrets, and a customer managed key would add cost and key administration for no gain.',
        },
      ],
    });
  }

  /**
   * Lets the grantee be the report's state store: read and write items, query the state and
   * batch-write changes (dynamodb:GetItem, PutItem, UpdateItem, Query, BatchWriteItem on the table).
   */
  public grantStateStore(grantee: iam.IGrantable): iam.Grant {
    return this.table.grant(
      grantee,
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:UpdateItem',
      'dynamodb:Query',
      'dynamodb:BatchWriteItem',
    );
  }

  /**
   * Lets the grantee keep idempotency records only: read, claim and settle them
   * (dynamodb:GetItem, PutItem, UpdateItem on the table).
   */
  public grantIdempotency(grantee: iam.IGrantable): iam.Grant {
    return this.table.grant(grantee, 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem');
  }
}
