import { isoDurationOf } from './duration';

/**
 * Duration fields that once took a number in the unit their name ended in, and now take an
 * ISO-8601 duration under a unit-free name: old path -> new field name and the old unit in
 * milliseconds. The loader names the new field, with the old value converted, instead of
 * reporting an unknown field.
 */
export const RENAMED_DURATION_FIELDS: Readonly<Record<string, { readonly to: string; readonly unitMs: number }>> = {
  'privateLinkFailover.recordTtlSeconds': { to: 'recordTtl', unitMs: 1000 },
  'privateLinkFailover.routingControl.waitPeriodMs': { to: 'waitPeriod', unitMs: 1 },
  'smsMonitor.schedule.flexibleWindowMinutes': { to: 'flexibleWindow', unitMs: 60_000 },
  'smsMonitor.schedule.maxEventAgeMinutes': { to: 'maxEventAge', unitMs: 60_000 },
  'smsMonitor.report.recentlyCompletedDays': { to: 'recentlyCompletedWithin', unitMs: 86_400_000 },
  'licenseOrchestration.sync.scheduleMinutes': { to: 'interval', unitMs: 60_000 },
  'licenseOrchestration.sync.commandTimeoutSeconds': { to: 'commandTimeout', unitMs: 1000 },
  'licenseOrchestration.reconciliation.scheduleMinutes': { to: 'interval', unitMs: 60_000 },
  'licenseOrchestration.archiveRetentionDays': { to: 'archiveRetention', unitMs: 86_400_000 },
  'flinkAlerting.notifier.retry.baseDelayMs': { to: 'baseDelay', unitMs: 1 },
  'flinkAlerting.notifier.retry.maxDelayMs': { to: 'maxDelay', unitMs: 1 },
  'flinkAlerting.notifier.historyTtlDays': { to: 'historyTtl', unitMs: 86_400_000 },
  'flinkAlerting.alarms.downtimeMinutes': { to: 'downtime', unitMs: 60_000 },
};

/**
 * `<path> was renamed: use <new field>: <old value as an ISO-8601 duration>` when `path` (dotted)
 * is a renamed duration field; undefined for any other field.
 */
export function renamedFieldProblem(path: string, value: unknown): string | undefined {
  const renamed = RENAMED_DURATION_FIELDS[path];
  if (!renamed) return undefined;
  const converted =
    typeof value === 'number' && Number.isFinite(value) && value >= 0
      ? isoDurationOf(value * renamed.unitMs)
      : '<an ISO-8601 duration such as PT15M>';
  return `${path} was renamed: use ${renamed.to}: ${converted}`;
}
