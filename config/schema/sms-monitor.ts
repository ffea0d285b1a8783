import { RegistrationStatus } from '@aws-sdk/client-pinpoint-sms-voice-v2';
import { z } from 'zod';
import { accountId, region } from './common';

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

/** A recurring EventBridge Scheduler expression: `rate(...)` or a six-field `cron(...)`. */
export const recurringScheduleExpression = z
  .string()
  .regex(/^(rate\([1-9]\d* (minute|minutes|hour|hours|day|days)\)|cron\(\S+( \S+){5}\))$/, {
    message: 'expected a recurring schedule: rate(<n> minutes|hours|days) or cron(<6 fields>)',
  });

const domainName = z.string().regex(/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/, {
  message: 'expected a lowercase domain name such as example.com',
});

/** One account whose registrations are reported; its monitor stack lands in `homeRegion`. */
export const smsMonitorAccount = z.strictObject({
  account: accountId,
  /** Regions whose registrations are read and whose status changes raise alerts. */
  regions: z.array(region).min(1),
  /**
   * Region of the monitor stack (schedule, report function, table, SES sending). Other Regions of
   * `regions` get a small stack that forwards their registration events to it.
   * Defaults to the first entry of `regions`.
   */
  homeRegion: region.optional(),
});
export type SmsMonitorAccount = z.infer<typeof smsMonitorAccount>;

/** The `smsMonitor` section: a scheduled SMS registration report by email, plus real-time alerts. */
export const smsMonitorConfig = z
  .strictObject({
    accounts: z.array(smsMonitorAccount).min(1),
    /** Time zone of the schedule and of every time shown in reports and alerts. */
    timeZone: timeZoneName.default('UTC'),
    schedule: z
      .strictObject({
        /** When the report runs, in `timeZone`. */
        expression: recurringScheduleExpression.default('cron(0 8 ? * MON-FRI *)'),
        /** Lets Scheduler start up to this many minutes late, to spread load; 0 turns it off. */
        flexibleWindowMinutes: z.int().min(0).max(1440).default(15),
        /** Times Scheduler retries an invocation Lambda did not accept, before the dead-letter queue. */
        retryAttempts: z.int().min(0).max(185).default(10),
        /** How long Scheduler keeps trying one invocation, in minutes (1 to 1440). */
        maxEventAgeMinutes: z.int().min(1).max(1440).default(60),
      })
      .prefault({}),
    email: z.strictObject({
      /** The verified SES identity (domain or email address) in each account's home Region. */
      identity: z.union([domainName, z.email({ message: 'expected a domain name or an email address' })]),
      /** From address; must be the identity itself or an address in the identity's domain. */
      sender: z.email({ message: 'expected an email address' }),
      recipients: z
        .array(z.email({ message: 'expected an email address' }))
        .min(1)
        .max(50),
      /** SES configuration set used for sending (event publishing, suppression). */
      configurationSet: z
        .string()
        .regex(/^[A-Za-z0-9_-]{1,64}$/, { message: 'expected an SES configuration set name' })
        .optional(),
    }),
    report: z
      .strictObject({
        /** Send only when a registration is new, changed or gone since the last report sent. */
        sendOnlyOnChange: z.boolean().default(false),
        /** With `sendOnlyOnChange`, a report still goes out on this day (and after 7 silent days). */
        weeklyDigestDay: z.enum(WEEKDAYS).default('MONDAY'),
        /** COMPLETE registrations approved within this many days are highlighted. */
        recentlyCompletedDays: z.int().min(1).max(365).default(7),
        /** Version look-ups in flight per Region. */
        versionLookupConcurrency: z.int().min(1).max(32).default(8),
      })
      .prefault({}),
    alerts: z
      .strictObject({
        /** Real-time email on registration status changes. */
        enabled: z.boolean().default(true),
        /** Statuses that raise an alert when a registration enters them. */
        statuses: z
          .array(z.enum(SMS_ACTION_STATUSES))
          .min(1)
          .default(['REQUIRES_UPDATES', 'REQUIRES_AUTHENTICATION', 'CLOSED']),
      })
      .prefault({}),
  })
  .superRefine((config, ctx) => {
    const seenAccounts = new Map<string, number>();
    config.accounts.forEach((entry, i) => {
      const first = seenAccounts.get(entry.account);
      if (first !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['accounts', i, 'account'],
          input: entry.account,
          message: `expected each account once (it is also accounts[${first}])`,
        });
      } else {
        seenAccounts.set(entry.account, i);
      }
      entry.regions.forEach((r, j) => {
        if (entry.regions.indexOf(r) !== j) {
          ctx.addIssue({
            code: 'custom',
            path: ['accounts', i, 'regions', j],
            input: r,
            message: 'expected each Region once',
          });
        }
      });
    });
    const { identity, sender } = config.email;
    const senderDomain = sender.split('@')[1]?.toLowerCase() ?? '';
    const allowed = identity.includes('@')
      ? sender.toLowerCase() === identity.toLowerCase()
      : senderDomain === identity || senderDomain.endsWith(`.${identity}`);
    if (!allowed) {
      ctx.addIssue({
        code: 'custom',
        path: ['email', 'sender'],
        input: sender,
        message: identity.includes('@')
          ? `expected the identity's own address ${identity} (SES sends only from verified identities)`
          : `expected an address in the identity's domain ${identity} (SES sends only from verified identities)`,
      });
    }
    config.alerts.statuses.forEach((s, i) => {
      if (config.alerts.statuses.indexOf(s) !== i) {
        ctx.addIssue({
          code: 'custom',
          path: ['alerts', 'statuses', i],
          input: s,
          message: 'expected each status once',
        });
      }
    });
  });
export type SmsMonitorConfig = z.infer<typeof smsMonitorConfig>;
