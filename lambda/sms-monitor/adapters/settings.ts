import { type MonitorSettings, monitorSettings } from '../core/settings';

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
