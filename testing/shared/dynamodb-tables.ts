import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';

/** A pay-per-request table keyed by two string attributes, the shape every stack's tables have. */
export function stringKeyedTable(tableName: string, hashKey: string, rangeKey: string): CreateTableCommandInput {
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [
      { AttributeName: hashKey, AttributeType: 'S' },
      { AttributeName: rangeKey, AttributeType: 'S' },
    ],
    KeySchema: [
      { AttributeName: hashKey, KeyType: 'HASH' },
      { AttributeName: rangeKey, KeyType: 'RANGE' },
    ],
  };
}
