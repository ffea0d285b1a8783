// Alert contract v1, as the Flink alert job writes it to the alerts topic (see README, Flink
// alerting, Contracts). Pure: no AWS, no I/O.

export type AlertStatus = 'TRIGGERED' | 'RECOVERED';

export interface Alert {
  /** Lower-case hex SHA-256 of `monitorId + "|" + canonical group`: stable per monitor and group. */
  readonly alertId: string;
  readonly monitorId: string;
  /** Dimension values of the group (empty for a monitor without groupBy). */
  readonly group: Readonly<Record<string, string>>;
  readonly status: AlertStatus;
  /** Window aggregate; null when the window had no data (a silent group recovers). */
  readonly value: number | null;
  /** What the value was compared with (static, fallback or baseline-derived); null if none applied. */
  readonly threshold: number | null;
  /** ISO-8601 UTC. */
  readonly windowStart: string;
  /** ISO-8601 UTC. Together with alertId, identifies one state change (the deduplication key). */
  readonly windowEnd: string;
  readonly severity: string;
}

/** A record that does not follow the contract; the message names the offending field. */
export class AlertContractError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AlertContractError';
  }
}

const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z$/;

/**
 * Ids and severities are DynamoDB keys of the history (a partition key holds at most 2048 bytes:
 * 512 characters of up to 4 UTF-8 bytes), and a record must fit one history item (400 KB): a
 * record beyond these would fail the batch on every retry instead of being dead-lettered.
 */
const MAX_TEXT = 512;
const MAX_RECORD = 256 * 1024;

/** Parses one alert (JSON text). Unknown fields are ignored so producers can add fields. */
export function parseAlert(text: string): Alert {
  if (text.length > MAX_RECORD) {
    throw new AlertContractError(`alert: expected at most ${MAX_RECORD} characters, got ${text.length}`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new AlertContractError(`alert: not valid JSON: ${oneLine((e as Error).message)}`);
  }
  if (!isObject(data)) throw new AlertContractError(`alert: expected a JSON object, got ${describe(data)}`);
  if ('version' in data && data.version !== 1) {
    throw new AlertContractError(`alert.version: only version 1 is understood, got ${describe(data.version)}`);
  }
  const status = data.status;
  if (status !== 'TRIGGERED' && status !== 'RECOVERED') {
    throw new AlertContractError(`alert.status: expected "TRIGGERED" or "RECOVERED", got ${describe(status)}`);
  }
  const windowStart = timestamp(data, 'windowStart');
  const windowEnd = timestamp(data, 'windowEnd');
  if (Date.parse(windowStart) > Date.parse(windowEnd)) {
    throw new AlertContractError(`alert.windowStart: must not be after windowEnd (${windowStart} > ${windowEnd})`);
  }
  return {
    alertId: text_(data, 'alertId'),
    monitorId: text_(data, 'monitorId'),
    group: group(data.group),
    status,
    value: nullableNumber(data, 'value'),
    threshold: nullableNumber(data, 'threshold'),
    windowStart,
    windowEnd,
    severity: text_(data, 'severity'),
  };
}

/** The deduplication key of an alert: the same state change delivered twice has the same key. */
export function alertKey(alert: Pick<Alert, 'alertId' | 'windowEnd'>): string {
  return `${alert.alertId}|${alert.windowEnd}`;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function text_(data: Record<string, unknown>, field: string): string {
  const v = data[field];
  if (typeof v !== 'string' || v.trim().length === 0) {
    throw new AlertContractError(`alert.${field}: expected a non-empty string, got ${describe(v)}`);
  }
  if (v.length > MAX_TEXT) {
    throw new AlertContractError(`alert.${field}: expected at most ${MAX_TEXT} characters, got ${v.length}`);
  }
  // Ids and severities reach mail subjects, history keys and log lines.
  if (UNPRINTABLE.test(v)) {
    throw new AlertContractError(
      `alert.${field}: expected printable text (no control or bidirectional characters), got ${describe(v)}`,
    );
  }
  return v;
}

function timestamp(data: Record<string, unknown>, field: string): string {
  const v = text_(data, field);
  // Date.parse rolls impossible dates over (February 30 is March 2): the date must read back.
  const parsed = Date.parse(v);
  if (!ISO_UTC.test(v) || Number.isNaN(parsed) || new Date(parsed).toISOString().slice(0, 19) !== v.slice(0, 19)) {
    throw new AlertContractError(
      `alert.${field}: expected an ISO-8601 UTC timestamp such as "2025-01-06T09:00:00Z", got ${describe(v)}`,
    );
  }
  return v;
}

function nullableNumber(data: Record<string, unknown>, field: string): number | null {
  const v = data[field];
  if (v === undefined || v === null) return null;
  if (typeof v !== 'number' || !Number.isFinite(v)) {
    throw new AlertContractError(`alert.${field}: expected a number or null, got ${describe(v)}`);
  }
  return v;
}

function group(v: unknown): Record<string, string> {
  if (!isObject(v))
    throw new AlertContractError(`alert.group: expected an object of dimension values, got ${describe(v)}`);
  for (const [k, x] of Object.entries(v)) {
    if (typeof x !== 'string')
      throw new AlertContractError(`alert.group.${oneLine(k)}: expected a string, got ${describe(x)}`);
  }
  // fromEntries defines own properties, so a "__proto__" dimension is kept rather than dropped.
  return Object.fromEntries(Object.entries(v)) as Record<string, string>;
}

/** Control characters and the bidirectional formatting characters (which reorder shown text). */
const UNPRINTABLE = /[\p{Cc}\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/u;

/** Text for a one-line reason: unprintable characters escaped, at most `max` characters. */
export function oneLine(text: string, max = 200): string {
  const escaped = text.replace(
    new RegExp(UNPRINTABLE.source, 'gu'),
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
  return escaped.length > max ? `${escaped.slice(0, max - 3)}...` : escaped;
}

function describe(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object') return 'an object';
  return oneLine(JSON.stringify(v), 60);
}
