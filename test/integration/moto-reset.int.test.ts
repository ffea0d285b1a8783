import { CreateTableCommand, DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';

// With moto-harness.int.test.ts this proves the reset between files: both files start by expecting
// no tables and both leave one behind, so whichever runs second fails unless moto was reset.
describe('moto reset between files', () => {
  it('starts empty and leaves a table behind', async () => {
    const client = new DynamoDBClient({});
    expect((await client.send(new ListTablesCommand({}))).TableNames).toEqual([]);
    await client.send(
      new CreateTableCommand({
        TableName: 'left-behind',
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      }),
    );
  });
});
