import { Duration, Stack, TimeZone, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as targets from 'aws-cdk-lib/aws-scheduler-targets';
import { Construct } from 'constructs';
import { join } from 'node:path';
import type { MonitorSettingsInput } from '../../lambda/sms-monitor/core/settings';
import { DeadLetterQueue, StandardFunction } from '../shared';
import type { MonitorStateTable } from './monitor-state-table';
import { grantSesSendEmail, type SesSendingProps } from './ses-sending';

const HANDLERS = join(__dirname, '..', '..', 'lambda', 'sms-monitor', 'handlers');

export interface ReportScheduleProps {
  /** A recurring `rate(...)` or `cron(...)` expression. */
  readonly expression: string;
  /** IANA time zone the expression is evaluated in. */
  readonly timeZone: string;
  /**
   * How late Scheduler may start a run, to spread load.
   * @default - no flexible window
   */
  readonly flexibleWindow?: Duration;
  /**
   * Times Scheduler retries an invocation Lambda did not accept.
   * @default 10
   */
  readonly retryAttempts?: number;
  /**
   * How long Scheduler keeps trying one invocation.
   * @default Duration.hours(1)
   */
  readonly maxEventAge?: Duration;
}

export interface RegistrationReportProps {
  /** The function's settings (Regions, recipients, time zone, report options). */
  readonly settings: MonitorSettingsInput;
  /** The state table holding the last report's view of each registration. */
  readonly stateTable: MonitorStateTable;
  /** Who sends the report and to whom. */
  readonly email: SesSendingProps;
  /** When the report runs. */
  readonly schedule: ReportScheduleProps;
}

/**
 * The scheduled registration report: an EventBridge Scheduler schedule (retry policy, dead-letter
 * queue) invoking the report function, which reads every configured Region, tracks changes in the
 * table and mails the report through SES.
 */
export class RegistrationReport extends Construct {
  public readonly function: StandardFunction;
  public readonly schedule: scheduler.Schedule;
  /** Invocations Scheduler could not deliver after its retries. */
  public readonly scheduleDeadLetterQueue: DeadLetterQueue;

  constructor(scope: Construct, id: string, props: RegistrationReportProps) {
    super(scope, id);
    this.function = new StandardFunction(this, 'Function', {
      entry: join(HANDLERS, 'report.ts'),
      serviceName: 'sms-registration-report',
      description: 'Reports AWS End User Messaging SMS registrations by email',
      // Thousands of registrations take minutes against a throttled API; a run must still finish.
      timeout: Duration.minutes(10),
      memorySize: 512,
      environment: {
        TABLE_NAME: props.stateTable.table.tableName,
        MONITOR_SETTINGS: JSON.stringify(props.settings),
      },
      // Function errors are retried by Lambda; events that fail every attempt land in its failure queue.
      asyncInvocation: { retryAttempts: 2, maxEventAge: Duration.hours(1) },
    });
    props.stateTable.grantStateStore(this.function.role);
    // The function waits for the grant, so its first run can read registrations.
    this.function.node.addDependency(grantReadRegistrations(this, this.function.role, props.settings.regions));
    grantSesSendEmail(this, this.function.role, props.email);

    this.scheduleDeadLetterQueue = new DeadLetterQueue(this, 'ScheduleDeadLetterQueue', {
      purpose: 'scheduled report invocations that Scheduler could not deliver',
    });
    // Our own role for the schedule, so its one wildcard (the function's versions) is acknowledged here.
    const scheduleRole = new iam.Role(this, 'ScheduleRole', {
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
      }),
      description: 'Lets EventBridge Scheduler invoke the SMS registration report',
    });
    const fnLogicalId = Stack.of(this).getLogicalId(this.function.node.defaultChild as lambda.CfnFunction);
    Validations.of(scheduleRole).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${fnLogicalId}.Arn>:*]`,
      reason: 'The Scheduler target grant covers the function and its versions; it can invoke nothing else.',
    });
    this.schedule = new scheduler.Schedule(this, 'Schedule', {
      description: 'Runs the SMS registration report',
      schedule: scheduler.ScheduleExpression.expression(
        props.schedule.expression,
        TimeZone.of(props.schedule.timeZone),
      ),
      timeWindow: props.schedule.flexibleWindow
        ? scheduler.TimeWindow.flexible(props.schedule.flexibleWindow)
        : scheduler.TimeWindow.off(),
      target: new targets.LambdaInvoke(this.function, {
        role: scheduleRole,
        // The scheduled time is the same on every retry of one run: the report's idempotency key.
        input: scheduler.ScheduleTargetInput.fromObject({ scheduledTime: scheduler.ContextAttribute.scheduledTime }),
        retryAttempts: props.schedule.retryAttempts ?? 10,
        maxEventAge: props.schedule.maxEventAge ?? Duration.hours(1),
        deadLetterQueue: this.scheduleDeadLetterQueue.queue,
      }),
    });
  }
}

/**
 * Read access to the registrations of the given Regions. Registration IDs are created at run time
 * (outside this app), so version look-ups name the registration resource type of each Region by
 * wildcard. The report lists registrations without IDs, and the Service Authorization Reference
 * gives DescribeRegistrations's registration type as optional: a request that names no
 * registration is authorized against `*`, kept to the configured Regions by aws:RequestedRegion.
 * The action reads registrations only, so `*` grants nothing more than `registration/*` would.
 */
export function grantReadRegistrations(scope: Construct, role: iam.IRole, regions: readonly string[]): iam.Policy {
  const stack = Stack.of(scope);
  const arns = regions.map((region) =>
    stack.formatArn({ service: 'sms-voice', region, resource: 'registration', resourceName: '*' }),
  );
  const policy = new iam.Policy(scope, 'ReadSmsRegistrations', {
    statements: [
      new iam.PolicyStatement({
        actions: ['sms-voice:DescribeRegistrations'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:RequestedRegion': [...regions] } },
      }),
      new iam.PolicyStatement({ actions: ['sms-voice:DescribeRegistrationVersions'], resources: arns }),
    ],
  });
  policy.attachToRole(role);
  Validations.of(policy).acknowledge({
    id: 'AwsSolutions-IAM5[Resource::*]',
    reason:
      'DescribeRegistrations without registration IDs names no resource, so only * authorizes it; it is read-only and limited to the configured Regions by aws:RequestedRegion.',
  });
  for (const arn of arns) {
    Validations.of(policy).acknowledge({
      id: `AwsSolutions-IAM5[Resource::${nagResourceName(stack.resolve(arn))}]`,
      reason:
        'Registrations are created outside this app, so their IDs are unknown at deploy time; the grant is read-only and limited to the registration resource type of a configured Region.',
    });
  }
  return policy;
}

/**
 * A resolved ARN as cdk-nag names it in finding IDs: a plain string, or (in a StackSet's template,
 * where account and partition are pseudo parameters) the joined parts with `<AWS::...>` for a Ref.
 */
function nagResourceName(resolved: unknown): string {
  if (typeof resolved === 'string') return resolved;
  const [, parts] = (resolved as { 'Fn::Join': [string, (string | { Ref: string })[]] })['Fn::Join'];
  return parts.map((p) => (typeof p === 'string' ? p : `<${p.Ref}>`)).join('');
}
