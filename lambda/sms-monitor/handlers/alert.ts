import { MetricUnit, type Metrics } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';
import { type Powertools, powertoolsHandler } from '../../shared/powertools';
import { deployedDeps } from '../adapters/aws';
import { accountOf } from '../adapters/settings';
import type { MonitorSettings } from '../core/settings';
import { type AlertDeps, type AlertResult, parseRegistrationEvent, runAlert } from '../core/alert';

// Real-time alert on an aws.sms-voice "Registration Status Change" event (from this Region's bus,
// or forwarded from another monitored Region). Bad events and failures are thrown: EventBridge and
// Lambda retry, then the event lands in a dead-letter queue whose alarm fires.

export interface AlertHandlerDeps extends AlertDeps, Powertools {
  readonly settings: MonitorSettings;
  readonly metrics: Metrics;
}

/** The handler over the given dependencies (tests pass their own; the deployed one uses AWS). */
export function createAlertHandler(buildDeps: () => AlertHandlerDeps) {
  return powertoolsHandler(
    buildDeps,
    async (
      event: unknown,
      { settings, logger, metrics, ...adapters },
      context?: Pick<Context, 'invokedFunctionArn'>,
    ): Promise<AlertResult> => {
      try {
        const s = { ...settings, account: settings.account ?? accountOf(context?.invokedFunctionArn) };
        const parsed = parseRegistrationEvent(event, s.regions);
        logger.appendKeys({
          eventId: parsed.eventId,
          registrationId: parsed.registrationId,
          eventRegion: parsed.region,
          reportedStatus: parsed.reportedStatus,
        });
        const result = await runAlert(adapters, s, parsed);
        metrics.addMetric('AlertsSent', MetricUnit.Count, result.outcome === 'sent' ? 1 : 0);
        logger.info('status change handled', { ...result });
        return result;
      } catch (e) {
        logger.error('status change alert failed', e as Error);
        throw e;
      }
    },
  );
}

export const handler = createAlertHandler(deployedDeps);
