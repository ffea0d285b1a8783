import { CfnOutput, Duration } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { SmsMonitorAccount, SmsMonitorConfig } from '../../config/schema';
import type { MonitorSettingsInput } from '../../lambda/sms-monitor/core/settings';
import { PlatformStack, type PlatformStackProps } from '../shared';
import { MonitorStateTable } from './monitor-state-table';
import { RegistrationAlerts } from './registration-alerts';
import { RegistrationReport } from './registration-report';

export interface SmsMonitorStackProps extends PlatformStackProps {
  /** The account's entry of the config. */
  readonly monitoredAccount: SmsMonitorAccount;
  /** The whole `smsMonitor` section (schedule, email, report and alert options). */
  readonly monitor: SmsMonitorConfig;
}

/**
 * The SMS registration monitor of one account, in its home Region: state table, scheduled report,
 * and real-time alerts for every Region the config lists for the account.
 */
export class SmsMonitorStack extends PlatformStack {
  public readonly stateTable: MonitorStateTable;
  public readonly report: RegistrationReport;
  public readonly alerts?: RegistrationAlerts;

  constructor(scope: Construct, props: SmsMonitorStackProps) {
    super(scope, props);
    const { monitor, monitoredAccount } = props;
    const ops = this.operations;

    // The account ID is not passed: the functions read it from their own ARN (and secret scanners
    // mistake a 12-digit number in the environment for a credential).
    const settings: MonitorSettingsInput & { alertStatuses: string[] } = {
      regions: monitoredAccount.regions,
      timeZone: monitor.timeZone,
      sender: monitor.email.sender,
      recipients: monitor.email.recipients,
      configurationSet: monitor.email.configurationSet,
      sendOnlyOnChange: monitor.report.sendOnlyOnChange,
      weeklyDigestDay: monitor.report.weeklyDigestDay,
      recentlyCompletedDays: monitor.report.recentlyCompletedDays,
      versionLookupConcurrency: monitor.report.versionLookupConcurrency,
      alertStatuses: monitor.alerts.statuses,
    };
    const email = {
      identity: monitor.email.identity,
      sender: monitor.email.sender,
      recipients: monitor.email.recipients,
      configurationSet: monitor.email.configurationSet,
    };
    const common = {
      alarmTopic: this.alarmTopic,
      logLevel: ops.logLevel,
      logRetention: ops.logRetention,
      removalPolicy: ops.removalPolicy,
    };

    this.stateTable = new MonitorStateTable(this, 'State', { removalPolicy: ops.removalPolicy });
    this.report = new RegistrationReport(this, 'Report', {
      ...common,
      settings,
      table: this.stateTable.table,
      email,
      schedule: {
        expression: monitor.schedule.expression,
        timeZone: monitor.timeZone,
        flexibleWindow:
          monitor.schedule.flexibleWindowMinutes > 0
            ? Duration.minutes(monitor.schedule.flexibleWindowMinutes)
            : undefined,
        retryAttempts: monitor.schedule.retryAttempts,
        maxEventAge: Duration.minutes(monitor.schedule.maxEventAgeMinutes),
      },
    });
    if (monitor.alerts.enabled) {
      this.alerts = new RegistrationAlerts(this, 'Alerts', {
        ...common,
        settings,
        table: this.stateTable.table,
        email,
      });
    }

    new CfnOutput(this, 'StateTableName', { value: this.stateTable.table.tableName });
    new CfnOutput(this, 'ReportFunctionName', { value: this.report.function.function.functionName });
  }
}
