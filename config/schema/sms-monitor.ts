import * as z from 'zod';
import { accountId, boundedDuration, durationIn, durationOfCount, region } from './common';
import {
  alertStatuses,
  configurationSetName,
  emailAddress,
  emailRecipients,
  monitoredRegions,
  recentlyCompletedDays,
  sesIdentityArn,
  timeZoneName,
  versionLookupConcurrency,
  weeklyDigestDay,
} from './sms-monitor-fields';
import {
  organizationalUnitId,
  organizationId,
  stackSetAdmin,
  stackSetCallAs,
  stackSetName,
  stackSetOperationPreferences,
} from './stack-set';

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
  regions: monitoredRegions,
  /**
   * Region of the monitor stack (schedule, report function, table, SES sending). Other Regions of
   * `regions` get a small stack that forwards their registration events to it.
   * Defaults to the first entry of `regions`.
   */
  homeRegion: region.optional(),
});
export type SmsMonitorAccount = z.infer<typeof smsMonitorAccount>;

/**
 * The monitor deployed by two service-managed CloudFormation StackSets to every account of some
 * organizational units (including accounts that join them later): the monitor stack in
 * `homeRegion`, the alert forwarder stack in each of `forwarderRegions`.
 */
const smsMonitorStackSet = z.strictObject({
  /** Organizational units whose accounts (and those of their child OUs) get the monitor. */
  organizationalUnitIds: z.array(organizationalUnitId).min(1),
  /** The organization of those units; SES sending authorization names it (aws:PrincipalOrgID). */
  organizationId,
  /** Region of every member account's monitor stack; also the Region of `email.identityArn`. */
  homeRegion: region,
  /** The other Regions whose registrations are read; each gets the alert forwarder stack. */
  forwarderRegions: z.array(region).default([]),
  /** Where the stack owning both StackSets deploys; needs CDK bootstrapping there and in `homeRegion`. */
  admin: stackSetAdmin,
  callAs: stackSetCallAs,
  /** Name of the monitor StackSet; the forwarder StackSet is `<name>-forwarder`. */
  name: stackSetName.default('sms-monitor'),
  /** Keep an account's stacks (as plain stacks) when the account leaves the OUs, instead of deleting them. */
  retainStacksOnAccountRemoval: z.boolean().default(false),
  operationPreferences: stackSetOperationPreferences,
});
export type SmsMonitorStackSet = z.infer<typeof smsMonitorStackSet>;

/** How the report is made; the local report command takes its defaults from here too. */
export const smsMonitorReport = z
  .strictObject({
    /** Send only when a registration is new, changed or gone since the last report sent. */
    sendOnlyOnChange: z.boolean().default(false),
    weeklyDigestDay: weeklyDigestDay.default('MONDAY'),
    /** COMPLETE registrations approved within this long are highlighted: whole days. */
    recentlyCompletedWithin: durationOfCount(recentlyCompletedDays, 'P1D').default('P7D'),
    versionLookupConcurrency: versionLookupConcurrency.default(8),
  })
  .prefault({});

export const smsMonitorAlerts = z
  .strictObject({
    /** Real-time email on registration status changes. */
    enabled: z.boolean().default(true),
    statuses: alertStatuses.default(['REQUIRES_UPDATES', 'REQUIRES_AUTHENTICATION', 'CLOSED']),
  })
  .prefault({});

/**
 * What the config fills in for the report and alert settings of the monitor's functions when its
 * sections leave them out; for the local report command, which has no config.
 */
export const SMS_MONITOR_SETTING_DEFAULTS = monitorReportSettings(
  smsMonitorReport.parse({}),
  smsMonitorAlerts.parse({}),
);

/** The report and alert settings of the monitor's functions, which take the recent window in days. */
export function monitorReportSettings(
  report: z.output<typeof smsMonitorReport>,
  alerts: z.output<typeof smsMonitorAlerts>,
) {
  return {
    sendOnlyOnChange: report.sendOnlyOnChange,
    weeklyDigestDay: report.weeklyDigestDay,
    recentlyCompletedDays: durationIn(report.recentlyCompletedWithin, 'P1D'),
    versionLookupConcurrency: report.versionLookupConcurrency,
    alertStatuses: alerts.statuses,
  };
}

/** The `smsMonitor` section: a scheduled SMS registration report by email, plus real-time alerts. */
export const smsMonitorConfig = z
  .strictObject({
    /** Accounts with their own monitor stack (besides or instead of `stackSet`). */
    accounts: z.array(smsMonitorAccount).default([]),
    /**
     * Deploys the monitor through service-managed StackSets to organizational units; needs
     * `email.identityArn`.
     * @default - no StackSet
     */
    stackSet: smsMonitorStackSet.optional(),
    /** Time zone of the schedule and of every time shown in reports and alerts. */
    timeZone: timeZoneName.default('UTC'),
    schedule: z
      .strictObject({
        /** When the report runs, in `timeZone`. */
        expression: recurringScheduleExpression.default('cron(0 8 ? * MON-FRI *)'),
        /** How late Scheduler may start a run, to spread load; whole minutes, PT0S turns it off. */
        flexibleWindow: boundedDuration({ min: 'PT0S', max: 'P1D', unit: 'PT1M' }).default('PT15M'),
        /** Times Scheduler retries an invocation Lambda did not accept, before the dead-letter queue. */
        retryAttempts: z.int().min(0).max(185).default(10),
        /** How long Scheduler keeps trying one invocation: whole minutes, PT1M to P1D. */
        maxEventAge: boundedDuration({ min: 'PT1M', max: 'P1D', unit: 'PT1M' }).default('PT1H'),
      })
      .prefault({}),
    email: z.strictObject({
      /** The verified SES identity (domain or email address) in each account's home Region. */
      identity: z.union([domainName, z.email({ message: 'expected a domain name or an email address' })]),
      /** From address; must be the identity itself or an address in the identity's domain. */
      sender: emailAddress,
      recipients: emailRecipients,
      configurationSet: configurationSetName.optional(),
      /**
       * ARN of the identity when another account owns it (required with `stackSet`): members send
       * through SES sending authorization, which the identity's policy grants to the organization.
       */
      identityArn: sesIdentityArn.optional(),
    }),
    report: smsMonitorReport,
    alerts: smsMonitorAlerts,
  })
  .superRefine((config, ctx) => {
    if (config.accounts.length === 0 && !config.stackSet) {
      ctx.addIssue({
        code: 'custom',
        path: ['accounts'],
        input: config.accounts,
        message: 'expected at least one account (or a stackSet)',
      });
    }
    checkStackSet(config, ctx);
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

type SmsMonitorShape = Pick<SmsMonitorConfig, 'accounts' | 'stackSet' | 'email'>;

/** The StackSet needs a central identity matching `email.identity`, in the Region of every monitor. */
function checkStackSet(config: SmsMonitorShape, ctx: z.RefinementCtx): void {
  const { stackSet, email } = config;
  if (stackSet) {
    const regions = [stackSet.homeRegion, ...stackSet.forwarderRegions];
    regions.forEach((r, i) => {
      if (regions.indexOf(r) !== i) {
        ctx.addIssue({
          code: 'custom',
          path: ['stackSet', 'forwarderRegions', i - 1],
          input: r,
          message: 'expected each Region once, and not the homeRegion',
        });
      }
    });
    if (new Set(stackSet.organizationalUnitIds).size !== stackSet.organizationalUnitIds.length) {
      ctx.addIssue({
        code: 'custom',
        path: ['stackSet', 'organizationalUnitIds'],
        input: stackSet.organizationalUnitIds,
        message: 'expected each value once',
      });
    }
    if (!email.identityArn) {
      ctx.addIssue({
        code: 'custom',
        path: ['email', 'identityArn'],
        input: email.identityArn,
        message: 'expected the ARN of the central SES identity when stackSet is set (member accounts send through it)',
      });
    }
  }
  if (!email.identityArn) return;
  const [, , , arnRegion, , resource] = email.identityArn.split(':');
  const arnIdentity = resource.slice('identity/'.length);
  if (arnIdentity.toLowerCase() !== email.identity.toLowerCase()) {
    ctx.addIssue({
      code: 'custom',
      path: ['email', 'identityArn'],
      input: email.identityArn,
      message: `expected the ARN of the identity ${email.identity} (email.identity)`,
    });
  }
  config.accounts.forEach((entry, i) => {
    const home = entry.homeRegion ?? entry.regions[0];
    if (home !== arnRegion) {
      ctx.addIssue({
        code: 'custom',
        path: ['accounts', i, entry.homeRegion ? 'homeRegion' : 'regions'],
        input: home,
        message: `expected the Region of email.identityArn, ${arnRegion} (SES sending authorization works within one Region)`,
      });
    }
  });
  if (stackSet && arnRegion !== stackSet.homeRegion) {
    ctx.addIssue({
      code: 'custom',
      path: ['email', 'identityArn'],
      input: email.identityArn,
      message: `expected an identity in the stackSet's homeRegion ${stackSet.homeRegion} (SES sending authorization works within one Region)`,
    });
  }
}
