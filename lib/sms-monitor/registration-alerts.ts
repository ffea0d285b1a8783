import { Duration } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as eventsTargets from 'aws-cdk-lib/aws-events-targets';
import { Construct } from 'constructs';
import { join } from 'node:path';
import type { MonitorSettingsInput } from '../../lambda/sms-monitor/core/settings';
import { DeadLetterQueue, StandardFunction } from '../shared';
import type { MonitorStateTable } from './monitor-state-table';
import { registrationStatusChangePattern } from './registration-events';
import { grantReadRegistrations } from './registration-report';
import { grantSesSendEmail, type SesSendingProps } from './ses-sending';

const HANDLERS = join(__dirname, '..', '..', 'lambda', 'sms-monitor', 'handlers');

export interface RegistrationAlertsProps {
  /** The function's settings; `alertStatuses` and `regions` also shape the rule. */
  readonly settings: MonitorSettingsInput;
  /** The state table holding idempotency records. */
  readonly stateTable: MonitorStateTable;
  /** Who sends the alerts and to whom. */
  readonly email: SesSendingProps;
}

/**
 * Real-time alerts: an EventBridge rule on `aws.sms-voice` "Registration Status Change" events of
 * the monitored Regions (this Region's own, and those forwarded from the others) invokes the alert
 * function, which mails a short alert when the registration now needs action.
 */
export class RegistrationAlerts extends Construct {
  public readonly function: StandardFunction;
  public readonly rule: events.Rule;
  /** Events EventBridge could not deliver to the function after its retries. */
  public readonly ruleDeadLetterQueue: DeadLetterQueue;

  constructor(scope: Construct, id: string, props: RegistrationAlertsProps) {
    super(scope, id);
    this.function = new StandardFunction(this, 'Function', {
      entry: join(HANDLERS, 'alert.ts'),
      serviceName: 'sms-registration-alert',
      description: 'Mails an alert when an SMS registration needs action',
      timeout: Duration.minutes(1),
      environment: {
        TABLE_NAME: props.stateTable.table.tableName,
        MONITOR_SETTINGS: JSON.stringify(props.settings),
      },
      asyncInvocation: { retryAttempts: 2, maxEventAge: Duration.hours(6) },
    });
    props.stateTable.grantIdempotency(this.function.role);
    // The function waits for the grant, so its first run can read registrations.
    this.function.node.addDependency(grantReadRegistrations(this, this.function.role, props.settings.regions));
    grantSesSendEmail(this, this.function.role, props.email);

    this.ruleDeadLetterQueue = new DeadLetterQueue(this, 'RuleDeadLetterQueue', {
      purpose: 'registration status events EventBridge could not deliver to the alert function',
    });
    this.rule = new events.Rule(this, 'StatusChangeRule', {
      description: 'SMS registration status changes that may need action',
      eventPattern: registrationStatusChangePattern(props.settings.regions, props.settings.alertStatuses),
    });
    this.rule.addTarget(
      new eventsTargets.LambdaFunction(this.function, {
        deadLetterQueue: this.ruleDeadLetterQueue.queue,
        retryAttempts: 8,
        maxEventAge: Duration.hours(6),
      }),
    );
  }
}
