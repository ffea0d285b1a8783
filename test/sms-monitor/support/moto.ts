// Helpers for the integration tests' moto server (started by test/helpers/moto-global-setup.ts).
import { CreateTableCommand, DynamoDBClient, UpdateTimeToLiveCommand } from '@aws-sdk/client-dynamodb';
import { CreateEmailIdentityCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import { afterAll, beforeAll } from 'vitest';
import { type FakeSmsVoiceApi, SMS_VOICE_ENDPOINT_ENV } from '../../../testing/sms-monitor/fake-sms-api';
import { stringKeyedTable } from '../../../testing/shared/dynamodb-tables';

export { sentMail } from '../../helpers/moto';

/** The state table as the monitor stack defines it. */
export async function createStateTable(name: string): Promise<void> {
  const client = new DynamoDBClient({});
  await client.send(new CreateTableCommand(stringKeyedTable(name, 'pk', 'sk')));
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

/**
 * What every SMS monitor integration test file runs against: `fake` started and named in the
 * environment for the SMS API client, the state table `table` and the verified sender domain
 * example.com in moto. Registers the file's beforeAll/afterAll hooks.
 */
export function useIntegrationWorld(fake: FakeSmsVoiceApi, table: string): void {
  let savedEndpoint: string | undefined;
  beforeAll(async () => {
    await fake.start();
    savedEndpoint = process.env[SMS_VOICE_ENDPOINT_ENV];
    process.env[SMS_VOICE_ENDPOINT_ENV] = fake.url;
    await createStateTable(table);
    await verifyIdentity('example.com');
  });
  afterAll(async () => {
    if (savedEndpoint === undefined) delete process.env[SMS_VOICE_ENDPOINT_ENV];
    else process.env[SMS_VOICE_ENDPOINT_ENV] = savedEndpoint;
    await fake.stop();
  });
}
