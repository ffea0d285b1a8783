import { smsMonitorAlerts, smsMonitorReport } from '../../../config/schema/sms-monitor';
import { type MonitorSettings, monitorSettings } from '../../../lambda/sms-monitor/adapters/settings';

/** The settings the config fills in when its report and alerts sections are left out. */
export const CONFIG_DEFAULTS = { ...smsMonitorReport.parse({}), alertStatuses: smsMonitorAlerts.parse({}).statuses };

/** Settings as the stack passes them: the given fields over the config's defaults. */
export function monitorSettingsOf(fields: Record<string, unknown>): MonitorSettings {
  return monitorSettings.parse({ ...CONFIG_DEFAULTS, ...fields });
}
