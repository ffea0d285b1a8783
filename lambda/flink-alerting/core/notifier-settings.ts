import * as z from 'zod';
import * as fields from '../../../config/schema/flink-alerting-fields';
import { oneLine } from './alert-contract';

// The notifier's settings, passed by the stack as one JSON environment variable
// (NOTIFIER_SETTINGS) and validated at cold start, so a bad deployment fails loudly at once.
// Settings from the config are checked with the config's schemas.

const { NOTIFIER_DEFAULTS: DEFAULTS } = fields;

/** A bad NOTIFIER_SETTINGS value (a deployment error: the first invocation fails with it). */
export class NotifierSettingsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NotifierSettingsError';
  }
}

export const notifierSettings = z.strictObject({
  email: z
    .strictObject({
      from: fields.emailAddress,
      to: fields.emailRecipients,
      subjectPrefix: fields.subjectPrefix.default(DEFAULTS.subjectPrefix),
      configurationSetName: fields.configurationSetName.optional(),
      /** Only alerts of these severities are mailed; all when absent. */
      severities: fields.severities.optional(),
    })
    .optional(),
  webhooks: z
    .array(
      z.strictObject({
        name: fields.webhookName,
        /**
         * Secrets Manager secret holding the https:// URL (the whole secret string): URLs often
         * carry a token in their path or query, so neither the template nor the environment has it.
         */
        urlSecretArn: z.string().regex(/^\S+$/, { message: 'expected a secret ARN' }),
        /** Secrets Manager secret holding the HMAC key (the whole secret string). */
        secretArn: z.string().regex(/^\S+$/, { message: 'expected a secret ARN' }),
        severities: fields.severities.optional(),
      }),
    )
    .default([]),
  retry: z
    .strictObject({
      /** Attempts per channel and batch, the first included. */
      attempts: fields.retryAttempts.default(DEFAULTS.retryAttempts),
      /** First backoff; it doubles per attempt, with full jitter. */
      baseDelayMs: fields.retryDelayMs.default(DEFAULTS.baseDelayMs),
      maxDelayMs: fields.retryDelayMs.default(DEFAULTS.maxDelayMs),
    })
    .prefault({}),
  webhookTimeoutMs: z.number().int().min(100).max(900_000).default(5000),
  /** Alert history items expire this many days after first seen (DynamoDB TTL). */
  historyTtlDays: fields.historyTtlDays.default(DEFAULTS.historyTtlDays),
});
export type NotifierSettings = z.infer<typeof notifierSettings>;
export type NotifierSettingsInput = z.input<typeof notifierSettings>;

/**
 * The webhook URL read from its secret: https only (the alerts and their signature would
 * otherwise cross the network in the clear). The error names the secret, never its value.
 */
export function parseWebhookUrl(value: string, secretArn: string): URL {
  let url: URL | undefined;
  try {
    url = new URL(value.trim());
  } catch {
    url = undefined;
  }
  if (url?.protocol !== 'https:') {
    throw new Error(`webhook URL secret ${secretArn}: expected an https:// URL as the secret string`);
  }
  return url;
}

/** Parses NOTIFIER_SETTINGS; the error names the offending field. */
export function parseNotifierSettings(text: string | undefined): NotifierSettings {
  if (!text?.trim()) throw new NotifierSettingsError('NOTIFIER_SETTINGS is not set');
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new NotifierSettingsError(`NOTIFIER_SETTINGS: not valid JSON: ${oneLine((e as Error).message)}`);
  }
  const result = notifierSettings.safeParse(data);
  if (!result.success) {
    throw new NotifierSettingsError(
      `NOTIFIER_SETTINGS: ${result.error.issues
        .map((i) => `${oneLine(i.path.join('.')) || '(root)'}: ${oneLine(i.message)}`)
        .join('; ')}`,
    );
  }
  return result.data;
}
