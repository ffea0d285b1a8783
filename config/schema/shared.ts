import * as z from 'zod';
import { accountId } from './common';

/** CloudWatch Logs retention periods that CloudFormation accepts, in days. */
export const LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731] as const;

const tagKey = z
  .string()
  .min(1)
  .max(128)
  .regex(/^(?!aws:)[\p{L}\p{Z}\p{N}_.:/=+\-@]+$/u, {
    message: 'expected a tag key of letters, digits, spaces and _.:/=+-@ not starting with aws:',
  });
const tagValue = z
  .string()
  .max(256)
  .regex(/^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u, { message: 'expected a tag value of letters, digits, spaces and _.:/=+-@' });

const snsTopicArn = z
  .string()
  .regex(/^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}$/, { message: 'expected an SNS topic ARN' });

/** The section every system shares. */
export const sharedConfig = z.strictObject({
  /** Tags applied to every resource of every stack (plus `system` and `managed-by`, added by the app). */
  tags: z.record(tagKey, tagValue).default({}),
  /** Where alarms go. Each stack gets its own encrypted SNS topic unless an existing one is named. */
  alarms: z
    .strictObject({
      /** Email addresses subscribed to every stack's alarm topic. */
      emails: z.array(z.email({ message: 'expected an email address' })).default([]),
      /**
       * Existing SNS topics to use instead of creating one; a stack uses the topic whose account
       * and Region match its own, and creates one where none does.
       */
      existingTopicArns: z.array(snsTopicArn).default([]),
    })
    .default({ emails: [], existingTopicArns: [] }),
  /** What happens to stateful resources (tables, queues with data, log groups) when a stack is deleted. */
  removalPolicy: z.enum(['retain', 'snapshot', 'destroy']).default('retain'),
  /** Readable names for accounts, used in stack names instead of the account ID. */
  accountAliases: z
    .record(
      accountId,
      z.string().regex(/^[a-z][a-z0-9-]{0,30}$/, {
        message: 'expected a lowercase alias of letters, digits and hyphens, starting with a letter',
      }),
    )
    .default({}),
  /**
   * Retention of every log group the app creates, in days. The one duration of the config that is
   * not an ISO-8601 string: CloudWatch Logs accepts only this fixed list of day counts, and a
   * free-form duration (`PT36H`, `P2D`) would suggest values it refuses.
   */
  logRetentionDays: z
    .number()
    .refine((d) => (LOG_RETENTION_DAYS as readonly number[]).includes(d), {
      message: `expected one of ${LOG_RETENTION_DAYS.join(', ')}`,
    })
    .default(90),
  /** Log level of every Lambda function (Powertools `POWERTOOLS_LOG_LEVEL`). */
  logLevel: z.enum(['DEBUG', 'INFO', 'WARN', 'ERROR']).default('INFO'),
});
export type SharedConfig = z.infer<typeof sharedConfig>;
