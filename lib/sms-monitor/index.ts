import type { Construct } from 'constructs';
import type { SmsMonitorConfig } from '../../config/schema';
import type { OperationsSettings } from '../shared';
import { SmsAlertForwarderStack } from './alert-forwarder-stack';
import { SmsMonitorStack } from './monitor-stack';

export * from './alert-forwarder-stack';
export * from './monitor-stack';
export * from './monitor-state-table';
export * from './registration-alerts';
export * from './registration-events';
export * from './registration-report';
export * from './ses-sending';

/** The account's monitor Region: `homeRegion`, or the first of its Regions. */
export function monitorRegion(account: SmsMonitorConfig['accounts'][number]): string {
  return account.homeRegion ?? account.regions[0];
}

/**
 * Per account: the monitor stack in its home Region (`sms-monitor-<account>-<region>`) and, when
 * alerts are on, a forwarder stack in each other monitored Region (`sms-alert-forwarder-...`).
 */
export function addSmsMonitorStacks(
  app: Construct,
  config: SmsMonitorConfig,
  operations: OperationsSettings,
): { monitors: SmsMonitorStack[]; forwarders: SmsAlertForwarderStack[] } {
  const monitors: SmsMonitorStack[] = [];
  const forwarders: SmsAlertForwarderStack[] = [];
  for (const entry of config.accounts) {
    const home = monitorRegion(entry);
    monitors.push(
      new SmsMonitorStack(app, {
        env: { account: entry.account, region: home },
        system: 'sms',
        role: 'monitor',
        operations,
        description: `SMS registration monitor of ${entry.account} (Regions ${entry.regions.join(', ')})`,
        monitoredAccount: entry,
        monitor: config,
      }),
    );
    if (!config.alerts.enabled) continue;
    for (const region of entry.regions.filter((r) => r !== home)) {
      forwarders.push(
        new SmsAlertForwarderStack(app, {
          env: { account: entry.account, region },
          system: 'sms',
          role: 'alert-forwarder',
          operations,
          description: `Forwards SMS registration status events of ${region} to the monitor in ${home}`,
          homeRegion: home,
          statuses: config.alerts.statuses,
        }),
      );
    }
  }
  return { monitors, forwarders };
}
