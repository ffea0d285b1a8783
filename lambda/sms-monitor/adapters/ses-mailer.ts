import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import type { Mailer, OutgoingMail } from '../core/ports';

/**
 * Sends through SES v2 `SendEmail` with simple content (HTML and plain text), which SES authorizes
 * as `ses:SendEmail` on the identity (and the configuration set, when one is named). With
 * `fromIdentityArn`, the identity is another account's, whose policy authorizes this sender.
 */
export class SesMailer implements Mailer {
  constructor(private readonly client: SESv2Client = new SESv2Client({})) {}

  async send(mail: OutgoingMail): Promise<{ messageId: string }> {
    const out = await this.client.send(
      new SendEmailCommand({
        FromEmailAddress: mail.from,
        FromEmailAddressIdentityArn: mail.fromIdentityArn,
        Destination: { ToAddresses: [...mail.to] },
        ConfigurationSetName: mail.configurationSet,
        Content: {
          Simple: {
            Subject: { Data: mail.subject, Charset: 'UTF-8' },
            Body: {
              Html: { Data: mail.html, Charset: 'UTF-8' },
              Text: { Data: mail.text, Charset: 'UTF-8' },
            },
          },
        },
      }),
    );
    if (!out.MessageId) throw new Error('SES accepted the email but returned no message ID');
    return { messageId: out.MessageId };
  }
}
