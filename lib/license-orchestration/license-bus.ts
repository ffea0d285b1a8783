import { ArnFormat, Duration, Stack } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { WORKBENCH_DETAIL_TYPE, WORKBENCH_EVENT_SOURCE } from '../../lambda/license-orchestration/core/contract';
import { DeadLetterQueue, houseDefaults } from '../shared';

export interface LicenseBusProps {
  /** The bus name (a cross-account contract: workbench stacks build its ARN from config). */
  readonly busName: string;
  /** Accounts allowed to put workbench events. Ignored when `organizationId` is set. */
  readonly workbenchAccounts: readonly string[];
  /**
   * Accept workbench events from any account of this organization instead.
   * @default - only `workbenchAccounts`
   */
  readonly organizationId?: string;
  /**
   * With `organizationId`: accept only accounts of these organizational units (and their child
   * OUs), besides `workbenchAccounts`, instead of the whole organization.
   * @default - the whole organization
   */
  readonly organizationalUnitIds?: readonly string[];
  /**
   * Days the archive keeps workbench events; 0 keeps them forever.
   * @default 30
   */
  readonly archiveRetentionDays?: number;
}

/**
 * The central bus: accepts only contract events (source and detail-type) from the workbench
 * accounts or the organization, archives them for replay, and logs every event it receives.
 */
export class LicenseBus extends Construct {
  public readonly bus: events.EventBus;
  public readonly archive: events.Archive;
  public readonly logGroup: logs.LogGroup;
  /** Where events EventBridge could not deliver to a target of this bus go (shared by its rules). */
  public readonly deliveryDeadLetterQueue: DeadLetterQueue;

  constructor(scope: Construct, id: string, props: LicenseBusProps) {
    super(scope, id);
    if (!props.organizationId && props.workbenchAccounts.length === 0) {
      throw new Error('LicenseBus: workbenchAccounts must name at least one account when organizationId is not set');
    }
    this.bus = new events.EventBus(this, 'Bus', {
      eventBusName: props.busName,
      description: 'Workbench state changes for floating-license orchestration',
    });
    const contract = {
      'events:source': [WORKBENCH_EVENT_SOURCE],
      'events:detail-type': [WORKBENCH_DETAIL_TYPE],
    };
    const ous = props.organizationalUnitIds ?? [];
    if (props.organizationId && ous.length > 0) {
      // aws:PrincipalOrgPaths holds o-id/r-root/ou-.../ for the caller's account; the wildcard
      // between the organization and the OU matches an OU at any depth, the one after it child OUs.
      this.bus.addToResourcePolicy(
        new iam.PolicyStatement({
          sid: 'AllowWorkbenchEventsFromOrganizationalUnits',
          principals: [new iam.AnyPrincipal()],
          actions: ['events:PutEvents'],
          resources: [this.bus.eventBusArn],
          conditions: {
            StringEquals: contract,
            'ForAnyValue:StringLike': { 'aws:PrincipalOrgPaths': ous.map((ou) => `${props.organizationId}/*/${ou}/*`) },
          },
        }),
      );
    }
    const organizationWide = props.organizationId !== undefined && ous.length === 0;
    if (organizationWide || props.workbenchAccounts.length > 0)
      this.bus.addToResourcePolicy(
        organizationWide
          ? new iam.PolicyStatement({
              sid: 'AllowWorkbenchEventsFromOrganization',
              principals: [new iam.AnyPrincipal()],
              actions: ['events:PutEvents'],
              resources: [this.bus.eventBusArn],
              conditions: { StringEquals: { 'aws:PrincipalOrgID': props.organizationId, ...contract } },
            })
          : new iam.PolicyStatement({
              sid: 'AllowWorkbenchEventsFromWorkbenchAccounts',
              principals: [...new Set(props.workbenchAccounts)].sort().map((a) => new iam.AccountPrincipal(a)),
              actions: ['events:PutEvents'],
              resources: [this.bus.eventBusArn],
              conditions: { StringEquals: contract },
            }),
      );

    const retention = props.archiveRetentionDays ?? 30;
    this.archive = this.bus.archive('Archive', {
      description: 'Workbench events, replayable into the bus (the ledger ignores what it already applied)',
      eventPattern: { source: [WORKBENCH_EVENT_SOURCE] },
      retention: retention === 0 ? undefined : Duration.days(retention),
    });

    this.deliveryDeadLetterQueue = new DeadLetterQueue(this, 'DeliveryDlq', {
      purpose: 'bus events EventBridge could not deliver to a target',
    });

    // Catch-all log of everything that reaches the bus (EventBridge wants /aws/events/ log groups).
    this.logGroup = new logs.LogGroup(this, 'EventLog', {
      logGroupName: `/aws/events/${Stack.of(this).stackName}/${props.busName}`,
      retention: houseDefaults(this).logRetention,
      removalPolicy: houseDefaults(this).removalPolicy,
    });
    new logs.ResourcePolicy(this, 'EventLogPolicy', {
      policyStatements: [
        new iam.PolicyStatement({
          principals: [
            new iam.ServicePrincipal('events.amazonaws.com'),
            new iam.ServicePrincipal('delivery.logs.amazonaws.com'),
          ],
          actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
          resources: [`${this.logGroup.logGroupArn}`],
        }),
      ],
    });
    new events.Rule(this, 'LogEverything', {
      eventBus: this.bus,
      description: 'Logs every event on the license bus',
      eventPattern: { source: events.Match.prefix('') },
      targets: [new LogGroupTarget(this.logGroup, this.deliveryDeadLetterQueue)],
    });
  }
}

/**
 * A log-group rule target with a retry policy and dead-letter queue. The library's target adds its
 * resource policy through a custom resource; this construct writes it natively instead.
 */
class LogGroupTarget implements events.IRuleTarget {
  constructor(
    private readonly logGroup: logs.ILogGroup,
    private readonly dlq: DeadLetterQueue,
  ) {}

  bind(rule: events.IRule): events.RuleTargetConfig {
    targets.addToDeadLetterQueueResourcePolicy(rule, this.dlq.queue);
    return {
      ...targets.bindBaseTargetConfig({
        deadLetterQueue: this.dlq.queue,
        retryAttempts: 185,
        maxEventAge: Duration.hours(24),
      }),
      arn: Stack.of(this.logGroup).formatArn({
        service: 'logs',
        resource: 'log-group',
        arnFormat: ArnFormat.COLON_RESOURCE_NAME,
        resourceName: this.logGroup.logGroupName,
      }),
    };
  }
}
