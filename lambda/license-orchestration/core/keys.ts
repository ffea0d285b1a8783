// Key layout of the ledger table (one table, partition key `pk`, sort key `sk`, both strings):
//   instance record        pk = I#<instanceId>   sk = INSTANCE
//   holding                pk = P#<product>      sk = U#<userId>    instances: string set
//   product sync state     pk = P#<product>      sk = SYNC          desiredVersion, appliedVersion, ...
// The stream's event source mapping passes only holdings (sk prefix U#) to change detection.

export const INSTANCE_PK_PREFIX = 'I#';
export const INSTANCE_SK = 'INSTANCE';
export const PRODUCT_PK_PREFIX = 'P#';
export const HOLDING_SK_PREFIX = 'U#';
export const SYNC_SK = 'SYNC';

export const instanceKey = (instanceId: string) => ({ pk: `${INSTANCE_PK_PREFIX}${instanceId}`, sk: INSTANCE_SK });
export const holdingKey = (product: string, userId: string) => ({
  pk: `${PRODUCT_PK_PREFIX}${product}`,
  sk: `${HOLDING_SK_PREFIX}${userId}`,
});
export const syncKey = (product: string) => ({ pk: `${PRODUCT_PK_PREFIX}${product}`, sk: SYNC_SK });
