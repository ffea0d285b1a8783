// The mailer through the real SES v2 client against a small local server answering SendEmail
// (REST-JSON, POST /v2/email/outbound-emails): what goes over the wire with and without an
// identity of another account (sending authorization).
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SesMailer } from '../../lambda/sms-monitor/adapters/ses-mailer';

const IDENTITY_ARN = 'arn:aws:ses:eu-west-1:555555555555:identity/example.com';
const requests: { path?: string; body: Record<string, unknown> }[] = [];
let server: Server;
let client: SESv2Client;

beforeAll(async () => {
  server = createServer((req, res) => {
    let data = '';
    req.on('data', (chunk: Buffer) => (data += chunk.toString('utf8')));
    req.on('end', () => {
      requests.push({ path: req.url, body: JSON.parse(data) as Record<string, unknown> });
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ MessageId: `m-${requests.length}` }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  client = new SESv2Client({
    region: 'eu-west-1',
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const mail = {
  from: 'sms-reports@example.com',
  to: ['team@example.com'],
  subject: 'SMS registrations',
  html: '<p>report</p>',
  text: 'report',
};

describe('SesMailer over the wire', () => {
  it('names the central identity as FromEmailAddressIdentityArn when it has one', async () => {
    const { messageId } = await new SesMailer(client).send({ ...mail, fromIdentityArn: IDENTITY_ARN });
    const sent = requests.at(-1)!;
    expect(messageId).toBe(`m-${requests.length}`);
    expect(sent.path).toBe('/v2/email/outbound-emails');
    expect(sent.body).toMatchObject({
      FromEmailAddress: 'sms-reports@example.com',
      FromEmailAddressIdentityArn: IDENTITY_ARN,
    });
  });

  it("sends as the account's own identity otherwise (no identity ARN in the request)", async () => {
    await new SesMailer(client).send(mail);
    expect(requests.at(-1)!.body).not.toHaveProperty('FromEmailAddressIdentityArn');
  });
});
