// Helpers for the integration tests' moto server (started by test/helpers/moto-global-setup.ts).
import { CreateTableCommand, DynamoDBClient, UpdateTimeToLiveCommand } from '@aws-sdk/client-dynamodb';
import { CreateEmailIdentityCommand, SESv2Client } from '@aws-sdk/client-sesv2';

export { sentMail } from '../../helpers/moto';

/** The state table as the monitor stack defines it. */
export async function createStateTable(name: string): Promise<void> {
  const client = new DynamoDBClient({});
  await client.send(
    new CreateTableCommand({
      TableName: name,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'sk', AttributeType: 'S' },
      ],
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
    }),
  );
  await client.send(
    new UpdateTimeToLiveCommand({
      TableName: name,
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
    }),
  );
  client.destroy();
}

/** Verifies an SES identity (moto treats a created identity as verified). */
export async function verifyIdentity(identity: string): Promise<void> {
  const client = new SESv2Client({});
  await client.send(new CreateEmailIdentityCommand({ EmailIdentity: identity }));
  client.destroy();
}
