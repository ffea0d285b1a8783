import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';
import { createLogger, createMetrics } from '../../shared/powertools';
import { awsAdapters } from '../adapters/aws';
import { type AlertDeps, type AlertResult, parseRegistrationEvent, runAlert } from '../core/alert';
import type { Log } from '../core/ports';
import { accountOf, type MonitorSettings, parseSettings } from '../adapters/settings';

// Real-time alert on an aws.sms-voice "Registration Status Change" event (from this Region's bus,
// or forwarded from another monitored Region). Bad events and failures are thrown: EventBridge and
// Lambda retry, then the event lands in a dead-letter queue whose alarm fires.

const logger = createLogger();
const metrics = createMetrics();

export function createAlertHandler(deps: () => AlertDeps, settings: () => MonitorSettings) {
  return async (event: unknown, context?: Pick<Context, 'invokedFunctionArn'>): Promise<AlertResult> => {
    try {
      const configured = settings();
      const s = { ...configured, account: configured.account ?? accountOf(context?.invokedFunctionArn) };
      const parsed = parseRegistrationEvent(event, s.regions);
      logger.appendKeys({
        eventId: parsed.eventId,
        registrationId: parsed.registrationId,
        eventRegion: parsed.region,
        reportedStatus: parsed.reportedStatus,
      });
      const result = await runAlert(deps(), s, parsed);
      metrics.addMetric('AlertsSent', MetricUnit.Count, result.outcome === 'sent' ? 1 : 0);
      logger.info('status change handled', { ...result });
      return result;
    } catch (e) {
      logger.error('status change alert failed', e as Error);
      throw e;
    } finally {
      metrics.publishStoredMetrics();
      logger.removeKeys(['eventId', 'registrationId', 'eventRegion', 'reportedStatus']);
    }
  };
}

const log: Log = {
  info: (message, extra) => logger.info(message, { ...extra }),
  warn: (message, extra) => logger.warn(message, { ...extra }),
};

let cachedSettings: MonitorSettings | undefined;
export const handler = createAlertHandler(
  () => awsAdapters(log),
  () => (cachedSettings ??= parseSettings(process.env.MONITOR_SETTINGS)),
);
