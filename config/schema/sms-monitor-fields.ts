// Schemas of the smsMonitor settings that the config and the monitor functions' settings
// (lambda/sms-monitor/core/settings.ts) both check, so each bound is stated once. Only zod, the
// SDK's status enum and the Region list (./region): the functions bundle this module, and
// aws-cdk-lib would add megabytes.
import { RegistrationStatus } from '@aws-sdk/client-pinpoint-sms-voice-v2';
import * as z from 'zod';
import { region } from './region';

/**
 * Registration statuses that need someone to act; the real-time alerts may watch any of them.
 * Taken from the SDK's generated enum (AWS's API model), so a value the API does not have fails to compile.
 */
export const SMS_ACTION_STATUSES = [
  RegistrationStatus.REQUIRES_UPDATES,
  RegistrationStatus.REQUIRES_AUTHENTICATION,
  RegistrationStatus.CLOSED,
  RegistrationStatus.CREATED,
] as const;

/** Days of the week, for the weekly digest. */
export const WEEKDAYS = ['MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY', 'SATURDAY', 'SUNDAY'] as const;

/** An IANA time zone name that both EventBridge Scheduler and the report's date formatting accept. */
export const timeZoneName = z
  .string()
  .regex(/^(UTC|[A-Z][A-Za-z_]+(\/[A-Za-z0-9_+-]+){1,2})$/, {
    message: 'expected an IANA time zone name such as Europe/Berlin or UTC',
  })
  .refine(isKnownTimeZone, { message: 'expected an IANA time zone name that exists, such as Europe/Berlin or UTC' });

function isKnownTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

export const emailAddress = z.email({ message: 'expected an email address' });

export const emailRecipients = z.array(emailAddress).min(1).max(50);

/** SES configuration set used for sending (event publishing, suppression). */
export const configurationSetName = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,64}$/, { message: 'expected an SES configuration set name' });

/**
 * An SES identity ARN: `arn:<partition>:ses:<region>:<account>:identity/<domain or address>`.
 * The config checks its Region, account and identity against the rest of the config.
 */
export const sesIdentityArn = z.string().regex(/^arn:aws[a-z-]*:ses:[a-z0-9-]+:\d{12}:identity\/\S+$/, {
  message: 'expected an SES identity ARN such as arn:aws:ses:eu-west-1:111111111111:identity/example.com',
});

/** With `sendOnlyOnChange`, a report still goes out on this day (and after 7 silent days). */
export const weeklyDigestDay = z.enum(WEEKDAYS);

/** COMPLETE registrations approved within this many days are highlighted. */
export const recentlyCompletedDays = z.int().min(1).max(365);

/** Version look-ups in flight per Region. */
export const versionLookupConcurrency = z.int().min(1).max(32);

/** Statuses that raise an alert when a registration enters them. */
export const alertStatuses = z.array(z.enum(SMS_ACTION_STATUSES)).min(1);

/** Regions whose registrations are read and whose status changes raise alerts. */
export const monitoredRegions = z.array(region).min(1);
