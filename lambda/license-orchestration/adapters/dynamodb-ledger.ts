// The ledger in DynamoDB (key layout in core/keys.ts). Every write that depends on what was read is
// conditional, and an instance record changes in the same transaction as the holdings it implies.
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  paginateQuery,
  paginateScan,
  TransactWriteCommand,
  type TransactWriteCommandInput,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { isEc2State } from '../core/contract';
import {
  HOLDING_SK_PREFIX,
  holdingKey,
  INSTANCE_PK_PREFIX,
  instanceKey,
  PRODUCT_PK_PREFIX,
  syncKey,
} from '../core/keys';
import type { Holding, InstanceRecord, LedgerStore, LedgerChange } from '../core/ledger';
import type { HoldingFix, StoredHolding } from '../core/reconcile';
import type { ProductSyncState, SyncStore } from '../core/sync';

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

function toRecord(item: Record<string, unknown>): InstanceRecord {
  const state = item.state;
  if (!isEc2State(state)) throw new Error(`ledger item ${String(item.pk)} has an invalid state ${String(state)}`);
  return {
    instanceId: String(item.instanceId),
    account: String(item.account),
    region: String(item.region),
    userId: String(item.userId),
    workbenchType: String(item.workbenchType),
    products: Array.isArray(item.products) ? item.products.map(String) : [],
    state,
    eventTime: String(item.eventTime),
    eventTimeMs: Number(item.eventTimeMs),
    rank: Number(item.rank),
    holding: item.holding === true,
    sourceEventId: String(item.sourceEventId),
    revision: Number(item.revision),
  };
}

/** True when the transaction was cancelled only because a condition failed (a lost race or a stale write). */
function conditionFailed(e: unknown): boolean {
  if (!(e instanceof TransactionCanceledException)) return false;
  const reasons = e.CancellationReasons ?? [];
  return (
    reasons.some((r) => r.Code === 'ConditionalCheckFailed') &&
    reasons.every((r) => r.Code === 'ConditionalCheckFailed' || r.Code === 'None' || r.Code === undefined)
  );
}

function isConditionalCheckFailed(e: unknown): boolean {
  return (e as { name?: string } | undefined)?.name === 'ConditionalCheckFailedException';
}

export class DynamoDbLedger implements LedgerStore, SyncStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async getInstance(instanceId: string): Promise<InstanceRecord | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: instanceKey(instanceId), ConsistentRead: true }),
    );
    return Item ? toRecord(Item) : undefined;
  }

  async commit(change: LedgerChange): Promise<boolean> {
    const { record } = change;
    const put: TransactItem = {
      Put: {
        TableName: this.tableName,
        Item: {
          ...instanceKey(record.instanceId),
          ...record,
          products: [...record.products],
          updatedAt: new Date().toISOString(),
        },
        ...(change.expectedRevision === undefined
          ? { ConditionExpression: 'attribute_not_exists(pk)' }
          : {
              // The revision guards against concurrent writers; the time and state guard against
              // applying anything that is not newer, even if a caller got the decision wrong.
              ConditionExpression:
                '#revision = :expected AND #state <> :terminated AND (#time < :time OR (#time = :time AND #rank < :rank))',
              ExpressionAttributeNames: {
                '#revision': 'revision',
                '#state': 'state',
                '#time': 'eventTimeMs',
                '#rank': 'rank',
              },
              ExpressionAttributeValues: {
                ':expected': change.expectedRevision,
                ':terminated': 'terminated',
                ':time': record.eventTimeMs,
                ':rank': record.rank,
              },
            }),
      },
    };
    const holdings: TransactItem[] = [
      ...change.add.map((h) => this.holdingUpdate(h, record.instanceId, 'add')),
      ...change.remove.map((h) => this.holdingUpdate(h, record.instanceId, 'remove')),
    ];
    try {
      await this.client.send(new TransactWriteCommand({ TransactItems: [put, ...holdings] }));
      return true;
    } catch (e) {
      if (conditionFailed(e)) return false;
      throw e;
    }
  }

  private holdingUpdate(h: Holding, instanceId: string, action: 'add' | 'remove'): TransactItem {
    return {
      Update: {
        TableName: this.tableName,
        Key: holdingKey(h.product, h.userId),
        UpdateExpression:
          action === 'add'
            ? 'ADD instances :instance SET product = :product, userId = :user'
            : 'DELETE instances :instance SET product = :product, userId = :user',
        ExpressionAttributeValues: { ':instance': new Set([instanceId]), ':product': h.product, ':user': h.userId },
      },
    };
  }

  // --- change detection -------------------------------------------------------------------

  /** Raises the product's desired version; remembers when the oldest unapplied change was seen. */
  async bumpDesiredVersion(product: string, nowMs: number): Promise<void> {
    await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: syncKey(product),
        UpdateExpression:
          'ADD desiredVersion :one SET product = :product, pendingSince = if_not_exists(pendingSince, :now)',
        ExpressionAttributeValues: { ':one': 1, ':product': product, ':now': nowMs },
      }),
    );
  }

  // --- sync ---------------------------------------------------------------------------------

  async getSyncStates(products: readonly string[]): Promise<ProductSyncState[]> {
    return Promise.all(
      products.map(async (product) => {
        const { Item } = await this.client.send(
          new GetCommand({ TableName: this.tableName, Key: syncKey(product), ConsistentRead: true }),
        );
        return {
          product,
          desiredVersion: Number(Item?.desiredVersion ?? 0),
          appliedVersion: Number(Item?.appliedVersion ?? 0),
          pendingSinceMs: Item?.pendingSince === undefined ? undefined : Number(Item.pendingSince),
        };
      }),
    );
  }

  async listUsers(product: string): Promise<string[]> {
    const users: string[] = [];
    const pages = paginateQuery(
      { client: this.client },
      {
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :holding)',
        FilterExpression: 'attribute_exists(instances)',
        ExpressionAttributeValues: { ':pk': `${PRODUCT_PK_PREFIX}${product}`, ':holding': HOLDING_SK_PREFIX },
        ProjectionExpression: 'sk',
        ConsistentRead: true,
      },
    );
    for await (const page of pages) {
      for (const item of page.Items ?? []) users.push(String(item.sk).slice(HOLDING_SK_PREFIX.length));
    }
    return users.sort();
  }

  async recordApplied(update: {
    product: string;
    version: number;
    commandId: string;
    atMs: number;
    pendingSinceMs: number;
  }): Promise<void> {
    const values = {
      ':version': update.version,
      ':command': update.commandId,
      ':at': update.atMs,
      ':product': update.product,
      ':success': 'Success',
    };
    const set =
      'SET appliedVersion = :version, lastCommandId = :command, lastSyncAt = :at, lastSyncStatus = :success, product = :product, consecutiveFailures = :zero';
    const newer = '(attribute_not_exists(appliedVersion) OR appliedVersion < :version)';
    try {
      // Nothing newer desired: the product is settled, so the pending-since time goes.
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: syncKey(update.product),
          UpdateExpression: `${set} REMOVE pendingSince, lastError`,
          ConditionExpression: `desiredVersion = :version AND ${newer}`,
          ExpressionAttributeValues: { ...values, ':zero': 0 },
        }),
      );
      return;
    } catch (e) {
      if (!isConditionalCheckFailed(e)) throw e;
    }
    try {
      // A newer change is already pending: keep its pending-since time.
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: syncKey(update.product),
          UpdateExpression: `${set} REMOVE lastError`,
          ConditionExpression: newer,
          ExpressionAttributeValues: { ...values, ':zero': 0 },
        }),
      );
    } catch (e) {
      if (!isConditionalCheckFailed(e)) throw e; // a newer version is already applied
    }
  }

  async recordFailure(update: {
    product: string;
    version: number;
    commandId?: string;
    atMs: number;
    error: string;
  }): Promise<void> {
    await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: syncKey(update.product),
        UpdateExpression:
          'SET lastSyncStatus = :failed, lastError = :error, lastFailedVersion = :version, lastFailureAt = :at, lastCommandId = :command, product = :product ADD consecutiveFailures :one',
        ExpressionAttributeValues: {
          ':failed': 'Failed',
          ':error': update.error.slice(0, 2000),
          ':version': update.version,
          ':at': update.atMs,
          ':command': update.commandId ?? 'none',
          ':product': update.product,
          ':one': 1,
        },
      }),
    );
  }

  // --- reconciliation -----------------------------------------------------------------------

  async listInstances(): Promise<InstanceRecord[]> {
    const records: InstanceRecord[] = [];
    const pages = paginateScan(
      { client: this.client },
      {
        TableName: this.tableName,
        FilterExpression: 'begins_with(pk, :instance)',
        ExpressionAttributeValues: { ':instance': INSTANCE_PK_PREFIX },
        ConsistentRead: true,
      },
    );
    for await (const page of pages) for (const item of page.Items ?? []) records.push(toRecord(item));
    return records;
  }

  async listHoldings(): Promise<StoredHolding[]> {
    const holdings: StoredHolding[] = [];
    const pages = paginateScan(
      { client: this.client },
      {
        TableName: this.tableName,
        FilterExpression: 'begins_with(pk, :product) AND begins_with(sk, :holding) AND attribute_exists(instances)',
        ExpressionAttributeValues: { ':product': PRODUCT_PK_PREFIX, ':holding': HOLDING_SK_PREFIX },
        ConsistentRead: true,
      },
    );
    for await (const page of pages) {
      for (const item of page.Items ?? []) {
        holdings.push({
          product: String(item.pk).slice(PRODUCT_PK_PREFIX.length),
          userId: String(item.sk).slice(HOLDING_SK_PREFIX.length),
          instances: [...((item.instances as Set<string> | undefined) ?? [])].sort(),
        });
      }
    }
    return holdings;
  }

  /** Applies a holding fix if the instance record is still at the revision the fix was planned on. */
  async applyHoldingFix(fix: HoldingFix): Promise<boolean> {
    try {
      await this.client.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              ConditionCheck: {
                TableName: this.tableName,
                Key: instanceKey(fix.instanceId),
                ...(fix.expectedRevision === undefined
                  ? { ConditionExpression: 'attribute_not_exists(pk)' }
                  : {
                      ConditionExpression: '#revision = :expected',
                      ExpressionAttributeNames: { '#revision': 'revision' },
                      ExpressionAttributeValues: { ':expected': fix.expectedRevision },
                    }),
              },
            },
            this.holdingUpdate({ product: fix.product, userId: fix.userId }, fix.instanceId, fix.action),
          ],
        }),
      );
      return true;
    } catch (e) {
      if (conditionFailed(e)) return false;
      throw e;
    }
  }
}
