import { CfnOutput, Duration, type Stack } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { durationIn, durationMs, monitorReportSettings, type SmsMonitorConfig } from '../../config/schema';
import type { MonitorSettingsInput } from '../../lambda/sms-monitor/core/settings';
import { PlatformStack, type PlatformStackProps } from '../shared';
import { MonitorStateTable } from './monitor-state-table';
import { RegistrationAlerts } from './registration-alerts';
import { RegistrationReport } from './registration-report';

/** The monitor's time zone, schedule, email, report and alert options (ISO-8601 durations). */
export type SmsMonitorSettings = Pick<SmsMonitorConfig, 'timeZone' | 'schedule' | 'email' | 'report' | 'alerts'>;

/** What the monitor needs besides its stack. */
export interface SmsMonitorProps {
  /** Regions whose registrations the monitor reads and whose status changes raise alerts. */
  readonly regions: readonly string[];
  /** How the monitor reports and alerts, and to whom. */
  readonly monitor: SmsMonitorSettings;
}

export interface SmsMonitorStackProps extends Omit<PlatformStackProps, 'system' | 'role'>, SmsMonitorProps {}

/** The monitor's resources, in a monitor stack or a StackSet's template. */
export interface SmsMonitorResources {
  /** The monitor's state table. */
  readonly stateTable: MonitorStateTable;
  /** The scheduled report. */
  readonly report: RegistrationReport;
  /**
   * The status-change alerts.
   * @default - none: alerts are off
   */
  readonly alerts?: RegistrationAlerts;
}

/**
 * The SMS registration monitor of one account, in its home Region: state table, scheduled report,
 * and real-time alerts for every Region the config lists for the account.
 */
export class SmsMonitorStack extends PlatformStack implements SmsMonitorResources {
  public readonly stateTable: MonitorStateTable;
  public readonly report: RegistrationReport;
  public readonly alerts?: RegistrationAlerts;

  constructor(scope: Construct, props: SmsMonitorStackProps) {
    super(scope, { ...props, system: 'sms', role: 'monitor' });
    ({ stateTable: this.stateTable, report: this.report, alerts: this.alerts } = addSmsMonitorResources(this, props));
  }
}

/** State table, scheduled report and (when on) alerts, with their outputs, added to `stack`. */
export function addSmsMonitorResources(stack: Stack, props: SmsMonitorProps): SmsMonitorResources {
  const { monitor, regions } = props;

  // The account ID is not passed: the functions read it from their own ARN (and secret scanners
  // mistake a 12-digit number in the environment for a credential).
  const settings: MonitorSettingsInput = {
    regions: [...regions],
    timeZone: monitor.timeZone,
    sender: monitor.email.sender,
    recipients: monitor.email.recipients,
    configurationSet: monitor.email.configurationSet,
    identityArn: monitor.email.identityArn,
    ...monitorReportSettings(monitor.report, monitor.alerts),
  };
  const email = {
    identity: monitor.email.identity,
    identityArn: monitor.email.identityArn,
    sender: monitor.email.sender,
    recipients: monitor.email.recipients,
    configurationSet: monitor.email.configurationSet,
  };

  const stateTable = new MonitorStateTable(stack, 'State');
  const report = new RegistrationReport(stack, 'Report', {
    settings,
    stateTable,
    email,
    schedule: {
      expression: monitor.schedule.expression,
      timeZone: monitor.timeZone,
      flexibleWindow:
        durationMs(monitor.schedule.flexibleWindow) > 0
          ? Duration.minutes(durationIn(monitor.schedule.flexibleWindow, 'PT1M'))
          : undefined,
      retryAttempts: monitor.schedule.retryAttempts,
      maxEventAge: Duration.minutes(durationIn(monitor.schedule.maxEventAge, 'PT1M')),
    },
  });
  const alerts = monitor.alerts.enabled
    ? new RegistrationAlerts(stack, 'Alerts', { settings, stateTable, email })
    : undefined;

  new CfnOutput(stack, 'StateTableName', { value: stateTable.table.tableName });
  new CfnOutput(stack, 'ReportFunctionName', { value: report.function.functionName });
  return { stateTable, report, alerts };
}
