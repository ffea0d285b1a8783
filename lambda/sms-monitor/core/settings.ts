import * as z from 'zod';
import * as fields from '../../../config/schema/sms-monitor-fields';

/**
 * What the report and alert functions need to know, passed by the stack as one JSON environment
 * variable (and built from flags by the local report command). Validated at cold start, so a bad
 * deployment fails on its first invocation with the field named. Every field from the config uses
 * the config's own schema; the config applies the defaults, and the stack passes every field.
 */
export const monitorSettings = z.strictObject({
  /** Shown in titles and subjects; absent, the functions take it from their own ARN. */
  account: z
    .string()
    .regex(/^\d{12}$/)
    .optional(),
  regions: fields.monitoredRegions,
  timeZone: fields.timeZoneName,
  sender: fields.emailAddress,
  recipients: fields.emailRecipients,
  configurationSet: fields.configurationSetName.optional(),
  /**
   * ARN of an SES identity in another account that authorizes this account to send from it
   * (sending authorization); without it, the identity is this account's own.
   */
  identityArn: fields.sesIdentityArn.optional(),
  sendOnlyOnChange: z.boolean(),
  weeklyDigestDay: fields.weeklyDigestDay,
  recentlyCompletedDays: fields.recentlyCompletedDays,
  versionLookupConcurrency: fields.versionLookupConcurrency,
  alertStatuses: fields.alertStatuses,
});
export type MonitorSettingsInput = z.input<typeof monitorSettings>;
export type MonitorSettings = z.output<typeof monitorSettings>;
