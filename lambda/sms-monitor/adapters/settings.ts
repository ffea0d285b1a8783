import { RegistrationStatus } from '@aws-sdk/client-pinpoint-sms-voice-v2';
import { z } from 'zod';
import { AWS_REGIONS, isAwsRegion } from '../../shared/aws-regions';

const WEEKDAYS = ['MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY', 'SATURDAY', 'SUNDAY'] as const;

/**
 * What the report and alert functions need to know, passed by the stack as one JSON environment
 * variable (and built from flags by the local report command). Validated at cold start, so a bad
 * deployment fails on its first invocation with the field named.
 */
export const monitorSettings = z.strictObject({
  /** Shown in titles and subjects; the account the registrations belong to. */
  account: z
    .string()
    .regex(/^\d{12}$/)
    .optional(),
  /** Checked against the same published list as the config's Regions, not just their shape. */
  regions: z
    .array(
      z.string().refine(isAwsRegion, {
        error: (issue) =>
          `expected an AWS Region such as us-east-1 (one of the ${AWS_REGIONS.length} in aws-cdk-lib's region-info), got ${JSON.stringify(issue.input)}`,
      }),
    )
    .min(1),
  timeZone: z.string().refine(
    (tz) => {
      try {
        new Intl.DateTimeFormat('en-US', { timeZone: tz });
        return true;
      } catch {
        return false;
      }
    },
    { message: 'expected an IANA time zone name' },
  ),
  sender: z.email(),
  recipients: z.array(z.email()).min(1),
  configurationSet: z.string().optional(),
  /**
   * ARN of an SES identity in another account that authorizes this account to send from it
   * (sending authorization); without it, the identity is this account's own.
   */
  identityArn: z
    .string()
    .regex(/^arn:aws[a-z-]*:ses:[a-z0-9-]+:\d{12}:identity\/\S+$/, { message: 'expected an SES identity ARN' })
    .optional(),
  sendOnlyOnChange: z.boolean().default(false),
  weeklyDigestDay: z.enum(WEEKDAYS).default('MONDAY'),
  recentlyCompletedDays: z.int().min(1).default(7),
  versionLookupConcurrency: z.int().min(1).max(64).default(8),
  /**
   * Statuses that raise a real-time alert: values of the API's RegistrationStatus (the SDK's
   * generated enum), which status change events carry; any other value would never match.
   */
  alertStatuses: z
    .array(
      z.enum(RegistrationStatus, {
        error: (issue) =>
          `expected a registration status of the SMS API (${Object.values(RegistrationStatus).join(', ')}), got ${JSON.stringify(issue.input)}`,
      }),
    )
    .default(['REQUIRES_UPDATES', 'REQUIRES_AUTHENTICATION', 'CLOSED']),
});
export type MonitorSettingsInput = z.input<typeof monitorSettings>;
export type MonitorSettings = z.output<typeof monitorSettings>;

/** Parses the settings JSON; the error names every bad field. */
export function parseSettings(json: string | undefined, source = 'MONITOR_SETTINGS'): MonitorSettings {
  if (!json) throw new Error(`${source} is not set: the monitor stack sets it; set it yourself when running elsewhere`);
  let data: unknown;
  try {
    data = JSON.parse(json);
  } catch (e) {
    throw new Error(`${source} is not valid JSON: ${(e as Error).message}`);
  }
  const result = monitorSettings.safeParse(data);
  if (!result.success) {
    const problems = result.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new Error(`${source} is invalid: ${problems.join('; ')}`);
  }
  return result.data;
}

/** The account ID in a function ARN (`arn:aws:lambda:<region>:<account>:function:<name>`). */
export function accountOf(functionArn: string | undefined): string | undefined {
  const account = functionArn?.split(':')[4];
  return account && /^\d{12}$/.test(account) ? account : undefined;
}
