import { z } from 'zod';
import { oneLine } from './alert-contract';

// The notifier's settings, passed by the stack as one JSON environment variable
// (NOTIFIER_SETTINGS) and validated at cold start, so a bad deployment fails loudly at once.

/** Text without control characters (a newline in a mail subject would end the header). */
const printable = z.string().regex(/^[^\p{Cc}]*$/u, { message: 'expected text without control characters' });
const nonBlank = printable.refine((s) => s.trim().length > 0, { message: 'expected a non-blank value' });
const severities = z.array(nonBlank).min(1).optional();

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
      from: z.email(),
      to: z.array(z.email()).min(1),
      subjectPrefix: printable.max(40).default('alerting'),
      configurationSetName: nonBlank.optional(),
      /** Only alerts of these severities are mailed; all when absent. */
      severities,
    })
    .optional(),
  webhooks: z
    .array(
      z.strictObject({
        name: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/),
        /**
         * Secrets Manager secret holding the https:// URL (the whole secret string): URLs often
         * carry a token in their path or query, so neither the template nor the environment has it.
         */
        urlSecretArn: z.string().regex(/^\S+$/, { message: 'expected a secret ARN' }),
        /** Secrets Manager secret holding the HMAC key (the whole secret string). */
        secretArn: z.string().regex(/^\S+$/, { message: 'expected a secret ARN' }),
        severities,
      }),
    )
    .default([]),
  retry: z
    .strictObject({
      /** Attempts per channel and batch, the first included. */
      attempts: z.number().int().min(1).max(10).default(4),
      /** First backoff; it doubles per attempt, with full jitter. */
      baseDelayMs: z.number().int().min(0).max(900_000).default(200),
      maxDelayMs: z.number().int().min(0).max(900_000).default(5000),
    })
    .default({ attempts: 4, baseDelayMs: 200, maxDelayMs: 5000 }),
  webhookTimeoutMs: z.number().int().min(100).max(900_000).default(5000),
  /** Alert history items expire this many days after first seen (DynamoDB TTL). */
  historyTtlDays: z.number().int().min(1).max(36_500).default(90),
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
