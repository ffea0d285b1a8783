import { CreateTableCommand, DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, inject, it } from 'vitest';

// Proves the harness: the real SDK, configured only by the standard environment settings that the
// global setup exports, writes to and reads from moto.
describe('moto harness', () => {
  it('exports the standard endpoint, credentials and Region', () => {
    expect(process.env.AWS_ENDPOINT_URL).toBe(inject('motoEndpoint'));
    expect(process.env.AWS_ENDPOINT_URL).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(process.env.AWS_REGION).toBe('us-east-1');
  });

  it('starts each test file from an empty moto', async () => {
    const client = new DynamoDBClient({});
    expect((await client.send(new ListTablesCommand({}))).TableNames).toEqual([]);
  });

  it('writes and reads DynamoDB with the real SDK', async () => {
    const client = new DynamoDBClient({});
    await client.send(
      new CreateTableCommand({
        TableName: 'harness',
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      }),
    );
    const doc = DynamoDBDocumentClient.from(client);
    await doc.send(new PutCommand({ TableName: 'harness', Item: { pk: 'user#1', seats: 3, products: ['cad'] } }));
    const { Item } = await doc.send(new GetCommand({ TableName: 'harness', Key: { pk: 'user#1' } }));
    expect(Item).toEqual({ pk: 'user#1', seats: 3, products: ['cad'] });
  });
});
