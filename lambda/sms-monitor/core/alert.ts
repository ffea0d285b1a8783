import type { CollectedRegistration } from './collect';
import { STATUS_DOCS_URL } from './links';
import { type Log, type Mailer, type RegistrationApi, SILENT_LOG, type StateStore } from './ports';
import { type AlertView, renderAlert } from './render';
import { buildEntryView } from './report-model';
import { AmbiguousSendError, sendUnderClaim } from './send-once';
import type { MonitorSettings } from './settings';
import { statusInfo } from './statuses';
import { formatDateTime } from './time';

/** What the alert needs from an `aws.sms-voice` "Registration Status Change" event. */
export interface RegistrationStatusEvent {
  readonly eventId: string;
  readonly region: string;
  readonly time: Date;
  readonly registrationId: string;
  /** `detail.registrationDetails.currentStatus`, for the log only: the alert re-reads the registration. */
  readonly reportedStatus?: string;
}

/** Bad input: the event is not one this function can handle (it goes to the dead-letter queue). */
export class InvalidEventError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidEventError';
  }
}

// The API's own pattern for registration IDs in requests.
const REGISTRATION_ID = /^[A-Za-z0-9_:/-]{1,256}$/;
const REGISTRATION_ARN = /^arn:aws[a-z-]*:sms-voice:[a-z0-9-]+:\d{12}:registration\/(.+)$/;

/**
 * Reads the registration ID from the event, in the shape of the published sample
 * (https://docs.aws.amazon.com/sms-voice/latest/userguide/monitor-event-bridge.html): the
 * registration ARN in `resources`, else `detail.registrationDetails.registrationId`, else
 * `detail.registrationArn`. The status in the event is not relied on: the alert re-reads the
 * registration, so it always reports the current status.
 */
export function parseRegistrationEvent(event: unknown, regions: readonly string[]): RegistrationStatusEvent {
  if (!event || typeof event !== 'object') throw new InvalidEventError('expected an EventBridge event object');
  const e = event as Record<string, unknown>;
  if (e.source !== 'aws.sms-voice' || e['detail-type'] !== 'Registration Status Change') {
    throw new InvalidEventError(
      `expected source aws.sms-voice and detail-type "Registration Status Change", got ${JSON.stringify(e.source)} / ${JSON.stringify(e['detail-type'])}`,
    );
  }
  const eventId = typeof e.id === 'string' && e.id.length > 0 ? e.id : undefined;
  if (!eventId) throw new InvalidEventError('the event has no id');
  const region = typeof e.region === 'string' ? e.region : '';
  if (!regions.includes(region)) {
    throw new InvalidEventError(
      `event ${eventId} is from Region ${JSON.stringify(region)}, which is not monitored (${regions.join(', ')})`,
    );
  }
  const time = typeof e.time === 'string' && !Number.isNaN(Date.parse(e.time)) ? new Date(e.time) : undefined;
  if (!time) throw new InvalidEventError(`event ${eventId} has no valid time`);

  const fromResources = (Array.isArray(e.resources) ? e.resources : [])
    .map((r) => (typeof r === 'string' ? REGISTRATION_ARN.exec(r)?.[1] : undefined))
    .find((id) => id !== undefined);
  const detail = objectOrEmpty(e.detail);
  const details = objectOrEmpty(detail.registrationDetails);
  const fromDetails = typeof details.registrationId === 'string' ? details.registrationId : undefined;
  const fromArn =
    typeof detail.registrationArn === 'string' ? REGISTRATION_ARN.exec(detail.registrationArn)?.[1] : undefined;
  const registrationId = fromResources ?? fromDetails ?? fromArn;
  if (!registrationId) {
    throw new InvalidEventError(
      `event ${eventId} names no registration (no registration ARN in resources, no detail.registrationDetails.registrationId)`,
    );
  }
  if (!REGISTRATION_ID.test(registrationId)) {
    throw new InvalidEventError(
      `event ${eventId} names a registration ID the API would reject: ${JSON.stringify(registrationId.slice(0, 100))}`,
    );
  }
  const reportedStatus = typeof details.currentStatus === 'string' ? details.currentStatus : undefined;
  return { eventId, region, time, registrationId, ...(reportedStatus === undefined ? {} : { reportedStatus }) };
}

function objectOrEmpty(value: unknown): Record<string, unknown> {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

export interface AlertDeps {
  readonly api: RegistrationApi;
  readonly store: StateStore;
  readonly mailer: Mailer;
  readonly log?: Log;
  readonly now?: () => Date;
}

export type AlertOutcome = 'sent' | 'already-sent' | 'no-action-needed' | 'registration-gone';

export interface AlertResult {
  readonly outcome: AlertOutcome;
  readonly status?: string;
  readonly messageId?: string;
}

/**
 * Handles one status-change event: re-reads the registration, and when its status is one the
 * config alerts on, sends a short email once per event (a redelivered event is not mailed twice).
 */
export async function runAlert(
  deps: AlertDeps,
  settings: MonitorSettings,
  event: RegistrationStatusEvent,
): Promise<AlertResult> {
  const log = deps.log ?? SILENT_LOG;
  const now = (deps.now ?? (() => new Date()))();
  const key = `alert#${event.eventId}`;
  const record = await deps.store.getSend(key);
  if (record?.status === 'SENDING') throw new AmbiguousSendError(key);
  if (record?.status === 'SENT') {
    log.info('alert already sent for this event', { key, messageId: record.messageId });
    return { outcome: 'already-sent', messageId: record.messageId };
  }

  let registration: CollectedRegistration | undefined;
  for await (const page of deps.api.pages(event.region, [event.registrationId])) {
    registration = page.find((r) => r.id === event.registrationId) ?? registration;
  }
  if (!registration) {
    log.warn('the registration of the event no longer exists', { ...event });
    return { outcome: 'registration-gone' };
  }
  // The API may answer a status newer than the SDK's enum: such a status is not an alert status.
  const alertStatuses: readonly string[] = settings.alertStatuses;
  if (!alertStatuses.includes(registration.status)) {
    log.info('status needs no alert', { registrationId: event.registrationId, status: registration.status });
    return { outcome: 'no-action-needed', status: registration.status };
  }
  if (registration.status === 'REQUIRES_UPDATES' && registration.deniedVersion !== undefined) {
    const denied = await deps.api.version(event.region, registration.id, registration.deniedVersion);
    registration = denied
      ? { ...registration, deniedVersionDetails: denied }
      : { ...registration, versionUnavailable: registration.deniedVersion };
  }

  const info = statusInfo(registration.status);
  const entry = buildEntryView(registration, undefined, {
    timeZone: settings.timeZone,
    now,
    recentlyCompletedDays: settings.recentlyCompletedDays,
  });
  const view: AlertView = {
    subject: `SMS registration needs action: ${info.label} (${event.region}${settings.account ? `, ${settings.account}` : ''})`,
    account: settings.account ?? '',
    timeZone: settings.timeZone,
    eventTime: formatDateTime(event.time, settings.timeZone),
    statusCode: info.code,
    statusLabel: info.label,
    statusDescription: info.description,
    entry,
    consoleUrl: entry.consoleUrl,
    statusDocsUrl: STATUS_DOCS_URL,
  };
  const mail = renderAlert(view);

  const claim = { store: deps.store, key, now };
  const messageId = await sendUnderClaim(deps.mailer, settings, mail, claim, `the alert for ${event.registrationId}`);
  await deps.store.completeSend(key, messageId, now);
  log.info('alert sent', { key, messageId, status: registration.status });
  return { outcome: 'sent', status: registration.status, messageId };
}
