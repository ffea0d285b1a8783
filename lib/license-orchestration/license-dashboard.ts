import { Duration, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { METRIC, METRICS_NAMESPACE, SERVICES } from '../../lambda/license-orchestration/core/metrics';
import { houseDefaults } from '../shared';

export interface LicenseDashboardProps {
  /** The licensed products, one seat graph and alarm each. */
  readonly products: readonly { readonly name: string; readonly seats: number }[];
  /** Dead-letter queues whose depth the dashboard shows, by label. */
  readonly deadLetterQueues: Readonly<Record<string, sqs.IQueue>>;
  /**
   * Whether reconciliation runs (its widgets and alarm).
   * @default true
   */
  readonly reconciliation?: boolean;
}

const PERIOD = Duration.minutes(5);

function metric(
  service: string,
  name: string,
  statistic: string,
  dimensions: Record<string, string> = {},
  label?: string,
) {
  return new cloudwatch.Metric({
    namespace: METRICS_NAMESPACE,
    metricName: name,
    dimensionsMap: { service, ...dimensions },
    statistic,
    period: PERIOD,
    label,
  });
}

/** Every metric of one name and service, split by an extra dimension (values only known at run time). */
function search(service: string, name: string, dimension: string, statistic: string, label: string) {
  return new cloudwatch.MathExpression({
    expression: `SEARCH('{${METRICS_NAMESPACE},${dimension},service} MetricName="${name}" service="${service}"', '${statistic}', ${PERIOD.toSeconds()})`,
    label,
    period: PERIOD,
  });
}

/** The system's dashboard and its business alarms (demand above seats, failed syncs, failed listings). */
export class LicenseDashboard extends Construct {
  public readonly dashboard: cloudwatch.Dashboard;
  public readonly demandAlarms: Readonly<Record<string, cloudwatch.Alarm>>;
  public readonly syncFailedAlarm: cloudwatch.Alarm;
  public readonly reconciliationFailedAlarm?: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: LicenseDashboardProps) {
    super(scope, id);
    const stackName = Stack.of(this).stackName;
    const demandAlarms: Record<string, cloudwatch.Alarm> = {};
    for (const p of props.products) {
      const alarm = metric(SERVICES.sync, METRIC.usersHolding, 'Maximum', { product: p.name }).createAlarm(
        this,
        `DemandAbove-${p.name}`,
        {
          alarmDescription: `More users hold ${p.name} than the ${p.seats} seats configured (${stackName}): buy seats or raise licenseOrchestration.products[].seats`,
          threshold: p.seats,
          comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
          evaluationPeriods: 1,
          treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        },
      );
      houseDefaults(this).alarmTopic.notify(alarm);
      demandAlarms[p.name] = alarm;
    }
    this.demandAlarms = demandAlarms;

    this.syncFailedAlarm = metric(SERVICES.sync, METRIC.syncFailures, 'Sum').createAlarm(this, 'SyncFailed', {
      alarmDescription: `A license sync failed (${stackName}): the license server keeps its previous user list until a retry succeeds; see the README runbook "A sync failed"`,
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    houseDefaults(this).alarmTopic.notify(this.syncFailedAlarm);

    const reconciliation = props.reconciliation ?? true;
    if (reconciliation) {
      this.reconciliationFailedAlarm = metric(SERVICES.reconciler, METRIC.scopesFailed, 'Sum').createAlarm(
        this,
        'ReconciliationListingFailed',
        {
          alarmDescription: `Reconciliation could not list a workbench account or Region (${stackName}): check its reader role`,
          threshold: 1,
          comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
          evaluationPeriods: 1,
          treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        },
      );
      houseDefaults(this).alarmTopic.notify(this.reconciliationFailedAlarm);
    }

    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', { defaultInterval: Duration.days(1) });
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Users holding each product (lines: seats)',
        width: 12,
        left: props.products.map((p) =>
          metric(SERVICES.sync, METRIC.usersHolding, 'Maximum', { product: p.name }, p.name),
        ),
        leftAnnotations: props.products.map((p) => ({ value: p.seats, label: `${p.name} seats` })),
      }),
      new cloudwatch.GraphWidget({
        title: 'Seats configured per product',
        width: 12,
        left: props.products.map((p) =>
          metric(SERVICES.sync, METRIC.seatsConfigured, 'Maximum', { product: p.name }, p.name),
        ),
      }),
    );
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Sync latency (change detected -> list applied), p95',
        width: 12,
        left: props.products.map((p) => metric(SERVICES.sync, METRIC.syncLatency, 'p95', { product: p.name }, p.name)),
      }),
      new cloudwatch.GraphWidget({
        title: 'Run Commands sent and failed syncs',
        width: 12,
        left: props.products.map((p) => metric(SERVICES.sync, METRIC.commandsSent, 'Sum', { product: p.name }, p.name)),
        right: [metric(SERVICES.sync, METRIC.syncFailures, 'Sum', {}, 'failed syncs')],
      }),
    );
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Reconciliation repairs by kind',
        width: 8,
        left: reconciliation ? [search(SERVICES.reconciler, METRIC.repairs, 'kind', 'Sum', 'repairs')] : [],
      }),
      new cloudwatch.GraphWidget({
        title: 'Rejected and stale events',
        width: 8,
        left: [
          search(SERVICES.ledger, METRIC.rejected, 'reason', 'Sum', 'rejected'),
          search(SERVICES.ledger, METRIC.stale, 'reason', 'Sum', 'stale'),
        ],
      }),
      new cloudwatch.GraphWidget({
        title: 'Dead-lettered events (messages waiting)',
        width: 8,
        left: Object.entries(props.deadLetterQueues).map(([label, q]) =>
          q.metricApproximateNumberOfMessagesVisible({ period: PERIOD, statistic: 'Maximum', label }),
        ),
      }),
    );
  }
}
