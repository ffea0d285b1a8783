import type { Mailer, StateStore } from './ports';
import type { RenderedMail } from './render';
import type { MonitorSettings } from './settings';

/** A send claimed by an earlier attempt that never confirmed it: it may or may not have gone out. */
export class AmbiguousSendError extends Error {
  constructor(readonly key: string) {
    super(
      `${key}: an earlier attempt started sending and did not confirm it, so the email may already have gone out. ` +
        "Not sending it again. Check the recipients' mailboxes (or SES sending metrics); to send it anyway, delete the " +
        `table item pk=SEND, sk=${key} and invoke again.`,
    );
    this.name = 'AmbiguousSendError';
  }
}

/** The claim an email is sent under, so that at most one attempt sends it. */
export interface SendClaim {
  readonly store: StateStore;
  readonly key: string;
  readonly now: Date;
}

/**
 * Sends `mail` to the configured recipients and returns its message ID. With a claim, the claim is
 * taken first (already taken: an earlier attempt may have sent it, {@link AmbiguousSendError}) and
 * released when the send fails, so a retry may send; completing it after the send is the caller's.
 * `what` names the email in errors.
 */
export async function sendUnderClaim(
  mailer: Mailer,
  settings: MonitorSettings,
  mail: RenderedMail,
  claim: SendClaim | undefined,
  what: string,
): Promise<string> {
  if (claim && !(await claim.store.claimSend(claim.key, claim.now))) throw new AmbiguousSendError(claim.key);
  try {
    const { messageId } = await mailer.send({
      from: settings.sender,
      to: settings.recipients,
      subject: mail.subject,
      html: mail.html,
      text: mail.text,
      configurationSet: settings.configurationSet,
      fromIdentityArn: settings.identityArn,
    });
    return messageId;
  } catch (e) {
    const reason = (e as Error).message ?? String(e);
    if (claim) {
      try {
        await claim.store.releaseSend(claim.key, reason, new Date());
      } catch (releaseError) {
        throw new Error(
          `sending ${claim.key} failed (${reason}) and its claim could not be released (${(releaseError as Error).message}); ` +
            `a retry will refuse to send: delete the table item pk=SEND, sk=${claim.key} to allow it`,
          { cause: e },
        );
      }
    }
    throw new Error(`sending ${what} failed: ${reason}`, { cause: e });
  }
}
