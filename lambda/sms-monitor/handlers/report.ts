import { MetricUnit, type Metrics } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';
import { type Powertools, powertoolsHandler } from '../../shared/powertools';
import { deployedDeps } from '../adapters/aws';
import { accountOf } from '../adapters/settings';
import type { MonitorSettings } from '../core/settings';
import { InvalidEventError } from '../core/alert';
import { type ReportDeps, type ReportResult, runReport } from '../core/run-report';

// The scheduled report. Scheduler invokes it with {"scheduledTime": "<aws.scheduler.scheduled-time>"}:
// every retry of one scheduled run carries the same time, which makes it the report's idempotency key.

export interface ReportInvocation {
  readonly scheduledTime?: string;
}

/** The report key of an invocation: the scheduled time, or the request ID of a manual invocation. */
export function reportKeyOf(event: unknown, context: Pick<Context, 'awsRequestId'>): string {
  if (event === null || event === undefined) return `invocation#${context.awsRequestId}`;
  if (typeof event !== 'object' || Array.isArray(event)) {
    throw new InvalidEventError('expected a JSON object such as {"scheduledTime": "2025-01-31T08:00:00Z"} or {}');
  }
  const { scheduledTime } = event as ReportInvocation;
  if (scheduledTime === undefined) return `invocation#${context.awsRequestId}`;
  if (typeof scheduledTime !== 'string' || Number.isNaN(Date.parse(scheduledTime))) {
    throw new InvalidEventError(`scheduledTime must be an ISO 8601 time, got ${JSON.stringify(scheduledTime)}`);
  }
  return `scheduled#${new Date(scheduledTime).toISOString()}`;
}

export interface ReportHandlerDeps extends ReportDeps, Powertools {
  readonly settings: MonitorSettings;
  readonly metrics: Metrics;
}

/** The handler over the given dependencies (tests pass their own; the deployed one uses AWS). */
export function createReportHandler(buildDeps: () => ReportHandlerDeps) {
  return powertoolsHandler(
    buildDeps,
    async (
      event: unknown,
      { settings, logger, metrics, ...adapters },
      context: Pick<Context, 'awsRequestId' | 'invokedFunctionArn'>,
    ): Promise<Omit<ReportResult, 'mail'>> => {
      const reportKey = reportKeyOf(event, context);
      logger.appendKeys({ reportKey });
      try {
        const { mail: _mail, ...result } = await runReport(
          adapters,
          { ...settings, account: settings.account ?? accountOf(context.invokedFunctionArn) },
          { send: true, reportKey },
        );
        metrics.addMetric('RegistrationsReported', MetricUnit.Count, result.total);
        metrics.addMetric('RegistrationsNeedingAction', MetricUnit.Count, result.actionNeeded);
        metrics.addMetric('ReportsSent', MetricUnit.Count, result.outcome === 'sent' ? 1 : 0);
        logger.info('report run finished', { ...result });
        return result;
      } catch (e) {
        // Logged with context, then rethrown: the invocation fails, Lambda retries, the alarm fires.
        logger.error('report run failed', e as Error);
        throw e;
      }
    },
  );
}

export const handler = createReportHandler(deployedDeps);
