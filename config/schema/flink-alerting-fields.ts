// Schemas of the flinkAlerting.notifier settings that the config and the notifier's settings
// (lambda/flink-alerting/core/notifier-settings.ts) both check, so each bound and default is stated
// once. Only zod: the notifier bundles this module, and aws-cdk-lib would add megabytes.
import * as z from 'zod';

/** Text without control characters (a newline in a mail subject would end the header). */
const printable = z.string().regex(/^[^\p{Cc}]*$/u, { message: 'expected text without control characters' });

/** Text without control characters and not only whitespace. */
const nonBlank = printable.refine((s) => s.trim().length > 0, { message: 'expected a non-blank value' });

export const emailAddress = z.email({ message: 'expected an email address' });

export const emailRecipients = z.array(emailAddress).min(1);

/** Starts the subject of every alert mail. */
export const subjectPrefix = z
  .string()
  .min(1)
  .max(40)
  .regex(/^[^\p{Cc}]*$/u, { message: 'expected text without control characters (it starts the mail subject)' });

/** SES configuration set the alert mails are sent with. */
export const configurationSetName = nonBlank;

/** Only alerts of these severities go to the channel; all when absent. */
export const severities = z.array(nonBlank).min(1);

/** A webhook's name, also part of its signing secret's construct ID. */
export const webhookName = z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, {
  message: 'expected a lowercase name of letters, digits and hyphens',
});

/** Attempts per channel and batch, the first included. */
export const retryAttempts = z.number().int().min(1).max(10);

/** A wait between two attempts, in milliseconds (the config takes it as a duration). */
export const retryDelayMs = z.number().int().min(0).max(60_000);

/** Days an alert history item lives after first seen (DynamoDB TTL; the config takes a duration). */
export const historyTtlDays = z.number().int().min(1).max(3650);

/** What the notifier uses for a setting the config leaves out. */
export const NOTIFIER_DEFAULTS = {
  subjectPrefix: 'alerting',
  retryAttempts: 4,
  baseDelayMs: 200,
  maxDelayMs: 5000,
  historyTtlDays: 90,
} as const;
