import { type Alert, AlertContractError, alertKey, parseAlert } from './alert-contract';
import type {
  AlertHistory,
  AlertRecord,
  Clock,
  DeadLetterEntry,
  DeadLetterSink,
  EmailSender,
  SecretSource,
  WebhookPoster,
} from './notifier-ports';
import { renderEmail, renderWebhookBody, sortAlerts } from './render';
import { PermanentError, RetriesExhaustedError, RetryableError, type RetryPolicy, withRetries } from './retry';
import { type NotifierSettings, parseWebhookUrl } from './notifier-settings';
import { DELIVERY_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER, sign } from './signing';

// The notifier: one batch of alert records in, one grouped message per channel out.
// Records that break the contract and deliveries that fail every retry go to the dead-letter
// sink; only infrastructure failures (history table, dead-letter sink) make the batch fail, so
// the event source retries it and nothing is lost.

/** A place alerts are sent to. Names are stable: they are stored in the history. */
export interface Channel {
  readonly name: string;
  accepts(alert: Alert): boolean;
  deliver(alerts: readonly Alert[]): Promise<void>;
}

export interface NotifierDeps {
  readonly channels: readonly Channel[];
  readonly history: AlertHistory;
  readonly deadLetters: DeadLetterSink;
  readonly clock: Clock;
  readonly retry: RetryPolicy;
  readonly random?: () => number;
}

export interface BatchSummary {
  readonly records: number;
  readonly tombstones: number;
  readonly malformed: number;
  /** Alerts whose every channel had already received them (redelivery, or twice in one batch). */
  readonly duplicates: number;
  /** Alerts sent to at least one channel in this batch. */
  readonly notified: number;
  readonly channels: ReadonlyArray<{ name: string; alerts: number; ok: boolean; attempts: number; error?: string }>;
  /** Records that broke the contract (dead-lettered), with the reason. */
  readonly rejected: ReadonlyArray<{ topic: string; partition: number; offset: number; reason: string }>;
}

export async function processBatch(records: readonly AlertRecord[], deps: NotifierDeps): Promise<BatchSummary> {
  const deadLetters: DeadLetterEntry[] = [];
  const parsed: Alert[] = [];
  let tombstones = 0;
  for (const record of records) {
    if (record.value === null) {
      tombstones++;
      continue;
    }
    try {
      parsed.push(parseAlert(record.value));
    } catch (e) {
      if (!(e instanceof AlertContractError)) throw e;
      deadLetters.push({
        reason: 'malformed',
        error: e.message,
        record: { ...record, value: truncate(record.value, 64 * 1024) },
      });
    }
  }

  // At-least-once delivery upstream: the same state change may arrive twice in one batch.
  const unique = new Map<string, Alert>();
  for (const alert of parsed) if (!unique.has(alertKey(alert))) unique.set(alertKey(alert), alert);
  let duplicates = parsed.length - unique.size;

  const now = deps.clock.now();
  const pending: Array<{ alert: Alert; missing: string[] }> = [];
  for (const alert of unique.values()) {
    const { deliveredChannels } = await deps.history.claim(alert, now);
    const missing = deps.channels
      .filter((c) => c.accepts(alert) && !deliveredChannels.includes(c.name))
      .map((c) => c.name);
    const wanted = deps.channels.some((c) => c.accepts(alert));
    if (missing.length === 0 && wanted) {
      duplicates++;
      continue;
    }
    pending.push({ alert, missing });
  }

  const outcome = new Map<string, { delivered: string[]; failed: string[] }>(
    pending.map((p) => [alertKey(p.alert), { delivered: [], failed: [] }]),
  );
  const channelResults: Array<BatchSummary['channels'][number]> = [];
  for (const channel of deps.channels) {
    const alerts = sortAlerts(pending.filter((p) => p.missing.includes(channel.name)).map((p) => p.alert));
    if (alerts.length === 0) continue;
    let attempts = 0;
    try {
      await withRetries(
        async (attempt) => {
          attempts = attempt;
          await channel.deliver(alerts);
        },
        deps.retry,
        (ms) => deps.clock.sleep(ms),
        deps.random,
      );
      for (const a of alerts) outcome.get(alertKey(a))?.delivered.push(channel.name);
      channelResults.push({ name: channel.name, alerts: alerts.length, ok: true, attempts });
    } catch (e) {
      const error = e instanceof RetriesExhaustedError ? e.lastError.message : (e as Error).message;
      for (const a of alerts) outcome.get(alertKey(a))?.failed.push(channel.name);
      deadLetters.push({ reason: 'delivery-failed', channel: channel.name, error, attempts, alerts });
      channelResults.push({ name: channel.name, alerts: alerts.length, ok: false, attempts, error });
    }
  }

  // History first: if the dead-letter sink is down the batch fails and is retried, and the
  // history already says which channels have each alert, so none is sent to them twice.
  for (const p of pending) {
    const o = outcome.get(alertKey(p.alert)) ?? { delivered: [], failed: [] };
    await deps.history.recordDelivery(p.alert, o, now);
  }
  if (deadLetters.length > 0) await deps.deadLetters.send(deadLetters);

  return {
    records: records.length,
    tombstones,
    malformed: deadLetters.filter((d) => d.reason === 'malformed').length,
    duplicates,
    notified: pending.filter((p) => (outcome.get(alertKey(p.alert))?.delivered.length ?? 0) > 0).length,
    channels: channelResults,
    rejected: deadLetters.flatMap((d) =>
      d.reason === 'malformed'
        ? [{ topic: d.record.topic, partition: d.record.partition, offset: d.record.offset, reason: d.error }]
        : [],
    ),
  };
}

function matchesSeverity(severities: readonly string[] | undefined, alert: Alert): boolean {
  return severities === undefined || severities.includes(alert.severity);
}

/** The email channel: one message with every alert of the batch, to every recipient. */
export function emailChannel(settings: NonNullable<NotifierSettings['email']>, sender: EmailSender): Channel {
  return {
    name: 'email',
    accepts: (alert) => matchesSeverity(settings.severities, alert),
    deliver: (alerts) => sender.send(renderEmail(alerts, settings.subjectPrefix)),
  };
}

/**
 * A webhook channel: one signed POST with every alert of the batch. 2xx is success; 408, 429 and
 * 5xx are retried (honouring Retry-After); any other status is permanent.
 */
export function webhookChannel(
  settings: NotifierSettings['webhooks'][number],
  deps: { poster: WebhookPoster; secrets: SecretSource; clock: Clock },
): Channel {
  return {
    name: `webhook:${settings.name}`,
    accepts: (alert) => matchesSeverity(settings.severities, alert),
    deliver: async (alerts) => {
      const { body, deliveryId } = renderWebhookBody(alerts);
      const urlValue = await deps.secrets.get(settings.urlSecretArn);
      let url: string;
      try {
        url = parseWebhookUrl(urlValue, settings.urlSecretArn).href;
      } catch (e) {
        // A wrong secret value does not fix itself between attempts.
        throw new PermanentError((e as Error).message);
      }
      const secret = await deps.secrets.get(settings.secretArn);
      const timestamp = Math.floor(deps.clock.now().getTime() / 1000);
      let response;
      try {
        response = await deps.poster.post({
          url,
          body,
          headers: {
            'content-type': 'application/json',
            'user-agent': 'flink-alerting-notifier/1',
            [TIMESTAMP_HEADER]: String(timestamp),
            [SIGNATURE_HEADER]: sign(secret, timestamp, body),
            [DELIVERY_HEADER]: deliveryId,
          },
        });
      } catch (e) {
        throw new RetryableError(`POST ${redact(url)} failed: ${(e as Error).message}`);
      }
      if (response.status >= 200 && response.status < 300) return;
      const message = `POST ${redact(url)} answered HTTP ${response.status}`;
      if (response.status === 408 || response.status === 429 || response.status >= 500) {
        throw new RetryableError(
          message,
          response.retryAfterSeconds !== undefined ? response.retryAfterSeconds * 1000 : undefined,
        );
      }
      throw new PermanentError(message);
    },
  };
}

/** URLs may carry tokens in their query: logs and dead letters show origin and path only. */
function redact(url: string): string {
  try {
    const u = new URL(url);
    return `${u.origin}${u.pathname}`;
  } catch {
    return '(invalid URL)';
  }
}

function truncate(s: string, max: number): string {
  return s.length > max ? s.slice(0, max) : s;
}
