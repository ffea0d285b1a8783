// Helpers for the integration tests' moto server (started by test/helpers/moto-global-setup.ts).
import { CreateTableCommand, DynamoDBClient, UpdateTimeToLiveCommand } from '@aws-sdk/client-dynamodb';
import { CreateEmailIdentityCommand, SESv2Client } from '@aws-sdk/client-sesv2';

export interface MotoMail {
  readonly id: string;
  readonly source: string;
  readonly subject: string;
  /** moto keeps the HTML part of a simple message (the text part when there is no HTML). */
  readonly body: string;
  readonly destinations: { ToAddresses?: string[] };
}

function motoEndpoint(): string {
  const url = process.env.MOTO_ENDPOINT;
  if (!url) throw new Error('MOTO_ENDPOINT is not set: run this file in the integration project');
  return url;
}

/** Every email moto's SES has accepted, oldest first. */
export async function sentMail(): Promise<MotoMail[]> {
  const response = await fetch(`${motoEndpoint()}/moto-api/data.json`);
  if (!response.ok) throw new Error(`moto data.json: HTTP ${response.status}`);
  const data = (await response.json()) as { ses?: { Message?: MotoMail[] } };
  return data.ses?.Message ?? [];
}

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
