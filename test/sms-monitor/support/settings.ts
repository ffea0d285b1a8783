import { SMS_MONITOR_SETTING_DEFAULTS } from '../../../config/schema/sms-monitor';
import { type MonitorSettings, monitorSettings } from '../../../lambda/sms-monitor/core/settings';

/** Settings as the stack passes them: the given fields over the config's defaults. */
export function monitorSettingsOf(fields: Record<string, unknown>): MonitorSettings {
  return monitorSettings.parse({ ...SMS_MONITOR_SETTING_DEFAULTS, ...fields });
}
