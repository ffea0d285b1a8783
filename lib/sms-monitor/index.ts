import type { Construct } from 'constructs';
import type { SmsMonitorConfig } from '../../config/schema';
import { type OperationsSettings, StackSetCodeBucketStack, stackSetCodeBucketPrefix } from '../shared';
import { SmsAlertForwarderStack } from './alert-forwarder-stack';
import { SmsMonitorStack, type SmsMonitorSettings } from './monitor-stack';
import { SmsMonitorStackSetStack } from './monitor-stack-set';

export * from './alert-forwarder-stack';
export * from './monitor-stack';
export * from './monitor-stack-set';
export * from './monitor-state-table';
export * from './registration-alerts';
export * from './registration-events';
export * from './registration-report';
export * from './ses-sending';

/** The account's monitor Region: `homeRegion`, or the first of its Regions. */
export function monitorRegion(account: SmsMonitorConfig['accounts'][number]): string {
  return account.homeRegion ?? account.regions[0];
}

export interface SmsMonitorStacks {
  /** One monitor stack per monitored account. */
  readonly monitors: SmsMonitorStack[];
  /** One alert forwarder stack per other Region of a monitored account. */
  readonly forwarders: SmsAlertForwarderStack[];
  /**
   * The StackSet owner and its code bucket stack.
   * @default - none: no StackSet in the config
   */
  readonly stackSet?: { readonly owner: SmsMonitorStackSetStack; readonly code: StackSetCodeBucketStack };
}

/**
 * With `stackSet`, also the stack owning the monitor and forwarder StackSets, and the code bucket
 * its members' Lambda code is published to, in the administrator account.
 *
 * Per account: the monitor stack in its home Region (`sms-monitor-<account>-<region>`) and, when
 * alerts are on, a forwarder stack in each other monitored Region (`sms-alert-forwarder-...`).
 */
export function addSmsMonitorStacks(
  app: Construct,
  config: SmsMonitorConfig,
  operations: OperationsSettings,
): SmsMonitorStacks {
  const monitors: SmsMonitorStack[] = [];
  const forwarders: SmsAlertForwarderStack[] = [];
  const { timeZone, schedule, email, report, alerts } = config;
  const monitorSettings: SmsMonitorSettings = { timeZone, schedule, email, report, alerts };
  for (const entry of config.accounts) {
    const home = monitorRegion(entry);
    monitors.push(
      new SmsMonitorStack(app, {
        env: { account: entry.account, region: home },
        operations,
        description: `SMS registration monitor of ${entry.account} (Regions ${entry.regions.join(', ')})`,
        regions: entry.regions,
        monitor: monitorSettings,
      }),
    );
    if (!config.alerts.enabled) continue;
    for (const region of entry.regions.filter((r) => r !== home)) {
      forwarders.push(
        new SmsAlertForwarderStack(app, {
          env: { account: entry.account, region },
          operations,
          description: `Forwards SMS registration status events of ${region} to the monitor in ${home}`,
          homeRegion: home,
          statuses: config.alerts.statuses,
        }),
      );
    }
  }
  if (!config.stackSet) return { monitors, forwarders };

  const { admin, name, homeRegion, organizationId } = config.stackSet;
  const codeBucketNamePrefix = stackSetCodeBucketPrefix(name, admin.account);
  const code = new StackSetCodeBucketStack(app, {
    env: { account: admin.account, region: homeRegion },
    system: 'sms',
    role: 'monitor-code',
    operations,
    description: 'SMS registration monitor: Lambda code of the monitor StackSet',
    bucketNamePrefix: codeBucketNamePrefix,
    organizationId,
  });
  const owner = new SmsMonitorStackSetStack(app, {
    env: admin,
    operations,
    stackSet: config.stackSet,
    monitor: monitorSettings,
    codeBucketNamePrefix,
  });
  owner.addStackDependency(code, 'the code must be in its bucket before the StackSet creates a function');
  return { monitors, forwarders, stackSet: { owner, code } };
}
