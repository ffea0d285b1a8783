import { z } from 'zod';

// The notifier's settings, passed by the stack as one JSON environment variable
// (NOTIFIER_SETTINGS) and validated at cold start, so a bad deployment fails loudly at once.

const severities = z.array(z.string().min(1)).min(1).optional();

export const notifierSettings = z.strictObject({
  email: z
    .strictObject({
      from: z.email(),
      to: z.array(z.email()).min(1),
      subjectPrefix: z.string().default('alerting'),
      configurationSetName: z.string().min(1).optional(),
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
        urlSecretArn: z.string().min(1),
        /** Secrets Manager secret holding the HMAC key (the whole secret string). */
        secretArn: z.string().min(1),
        severities,
      }),
    )
    .default([]),
  retry: z
    .strictObject({
      /** Attempts per channel and batch, the first included. */
      attempts: z.number().int().min(1).max(10).default(4),
      /** First backoff; it doubles per attempt, with full jitter. */
      baseDelayMs: z.number().int().min(0).default(200),
      maxDelayMs: z.number().int().min(0).default(5000),
    })
    .default({ attempts: 4, baseDelayMs: 200, maxDelayMs: 5000 }),
  webhookTimeoutMs: z.number().int().min(100).default(5000),
  /** Alert history items expire this many days after first seen (DynamoDB TTL). */
  historyTtlDays: z.number().int().min(1).default(90),
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
  if (!text) throw new Error('NOTIFIER_SETTINGS is not set');
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new Error(`NOTIFIER_SETTINGS: not valid JSON: ${(e as Error).message}`);
  }
  const result = notifierSettings.safeParse(data);
  if (!result.success) {
    throw new Error(
      `NOTIFIER_SETTINGS: ${result.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`,
    );
  }
  return result.data;
}
