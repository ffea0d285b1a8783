import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import type * as iam from 'aws-cdk-lib/aws-iam';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { WORKBENCH_DETAIL_TYPE, WORKBENCH_EVENT_SOURCE } from '../../lambda/license-orchestration/core/contract';
import { METRICS_NAMESPACE, SERVICES } from '../../lambda/license-orchestration/core/metrics';
import { ENV } from '../../lambda/license-orchestration/adapters/settings';
import { DeadLetterQueue, houseDefaults, StandardFunction } from '../shared';
import { HANDLER_ENTRY } from './contracts';

/** Items one DynamoDB TransactWriteItems call may carry. */
const MAX_TRANSACTION_ITEMS = 100;

export interface LicenseLedgerProps {
  /** The bus workbench events arrive on. */
  readonly bus: events.IEventBus;
  /** Where EventBridge puts events it could not deliver to the ledger function. */
  readonly deliveryDeadLetterQueue: DeadLetterQueue;
  /** Workbench type -> products (from config). */
  readonly workbenchTypes: Readonly<Record<string, readonly string[]>>;
  /** User-ID pattern (matched against the whole ID); events of other owners are rejected. */
  readonly userIdPattern: string;
}

/**
 * The ledger table (instances, holdings and per-product sync state; key layout in
 * lambda/license-orchestration/core/keys.ts) and the function that applies workbench events to it.
 */
export class LicenseLedger extends Construct {
  public readonly table: dynamodb.Table;
  public readonly key: kms.Key;
  public readonly function: StandardFunction;
  public readonly rule: events.Rule;
  /** Workbench events that cannot be applied (malformed, unknown type, bad user ID). */
  public readonly rejectedEvents: DeadLetterQueue;

  constructor(scope: Construct, id: string, props: LicenseLedgerProps) {
    super(scope, id);
    const removalPolicy = houseDefaults(this).removalPolicy;
    // One event writes its instance record and, when the owner changes, a removal and an addition per
    // product in one TransactWriteItems call, which takes at most 100 items.
    for (const [type, products] of Object.entries(props.workbenchTypes)) {
      const count = new Set(products).size;
      if (1 + 2 * count > MAX_TRANSACTION_ITEMS) {
        throw new Error(
          `LicenseLedger: workbenchTypes.${type} needs ${count} products; one event may change 2 holdings per product ` +
            `plus its instance record in one DynamoDB transaction (at most ${MAX_TRANSACTION_ITEMS} items), so a type may need at most ` +
            `${Math.floor((MAX_TRANSACTION_ITEMS - 1) / 2)} products`,
        );
      }
    }
    // The table holds user IDs (personal data): encrypted with a key of this system.
    this.key = new kms.Key(this, 'TableKey', {
      description: 'Encrypts the floating-license ledger table',
      enableKeyRotation: true,
      removalPolicy,
    });
    this.table = new dynamodb.Table(this, 'Table', {
      partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
      sortKey: { name: 'sk', type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      encryption: dynamodb.TableEncryption.CUSTOMER_MANAGED,
      encryptionKey: this.key,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      stream: dynamodb.StreamViewType.NEW_AND_OLD_IMAGES,
      deletionProtection: removalPolicy !== RemovalPolicy.DESTROY,
      removalPolicy,
    });

    this.rejectedEvents = new DeadLetterQueue(this, 'RejectedEvents', {
      purpose: 'workbench events the ledger rejected (malformed, unknown workbench type, invalid user ID)',
    });

    this.function = new StandardFunction(this, 'Ledger', {
      entry: HANDLER_ENTRY.ledger,
      serviceName: SERVICES.ledger,
      metricsNamespace: METRICS_NAMESPACE,
      description: 'Applies workbench state changes to the license ledger',
      asyncInvocation: { retryAttempts: 2, maxEventAge: Duration.hours(6) },
      environment: {
        [ENV.tableName]: this.table.tableName,
        [ENV.workbenchTypes]: JSON.stringify(props.workbenchTypes),
        [ENV.userIdPattern]: props.userIdPattern,
        [ENV.rejectedQueueUrl]: this.rejectedEvents.queue.queueUrl,
      },
    });
    this.grantApply(this.function.role);
    this.rejectedEvents.queue.grantSendMessages(this.function.role);

    this.rule = new events.Rule(this, 'WorkbenchEventsRule', {
      eventBus: props.bus,
      description: 'Workbench state changes to the ledger',
      eventPattern: { source: [WORKBENCH_EVENT_SOURCE], detailType: [WORKBENCH_DETAIL_TYPE] },
      targets: [
        new targets.LambdaFunction(this.function, {
          deadLetterQueue: props.deliveryDeadLetterQueue.queue,
          retryAttempts: 185,
          maxEventAge: Duration.hours(24),
        }),
      ],
    });
  }

  /**
   * Lets the grantee apply a workbench event: read the instance record, then write it and its
   * holdings in one transaction (dynamodb:GetItem, PutItem, UpdateItem on the table, and the table key).
   */
  public grantApply(grantee: iam.IGrantable): iam.Grant {
    return this.grantItems(grantee, 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem');
  }

  /** Lets the grantee raise products' desired versions (dynamodb:UpdateItem on the table, and the table key). */
  public grantRaiseDesiredVersions(grantee: iam.IGrantable): iam.Grant {
    return this.grantItems(grantee, 'dynamodb:UpdateItem');
  }

  /**
   * Lets the grantee sync user lists: read sync state, query holdings and record what was synced
   * (dynamodb:GetItem, Query, UpdateItem on the table, and the table key).
   */
  public grantSync(grantee: iam.IGrantable): iam.Grant {
    return this.grantItems(grantee, 'dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:UpdateItem');
  }

  /**
   * Lets the grantee reconcile the ledger with the running workbenches: scan it and correct
   * records conditionally (dynamodb:GetItem, Scan, PutItem, UpdateItem, ConditionCheckItem on the
   * table, and the table key).
   */
  public grantReconcile(grantee: iam.IGrantable): iam.Grant {
    return this.grantItems(
      grantee,
      'dynamodb:GetItem',
      'dynamodb:Scan',
      'dynamodb:PutItem',
      'dynamodb:UpdateItem',
      'dynamodb:ConditionCheckItem',
    );
  }

  /**
   * The table actions, and what DynamoDB needs from the key on the caller's behalf. The key actions
   * are spelt out (instead of grantEncryptDecrypt) so no wildcard action such as kms:ReEncrypt* is granted.
   */
  private grantItems(grantee: iam.IGrantable, ...actions: string[]): iam.Grant {
    return this.table
      .grant(grantee, ...actions)
      .combine(this.key.grant(grantee, 'kms:Decrypt', 'kms:DescribeKey', 'kms:Encrypt', 'kms:GenerateDataKey'));
  }
}
