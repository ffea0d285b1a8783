import { createHash } from 'node:crypto';
import { type Alert, alertKey } from './alert-contract';
import type { EmailMessage } from './notifier-ports';

// Turns a group of alerts into one email and one webhook body. Pure.

/** Alerts in the order a reader expects: by window end, then monitor, then group. */
export function sortAlerts(alerts: readonly Alert[]): Alert[] {
  return [...alerts].sort(
    (a, b) =>
      a.windowEnd.localeCompare(b.windowEnd) ||
      a.monitorId.localeCompare(b.monitorId) ||
      groupText(a).localeCompare(groupText(b)) ||
      a.status.localeCompare(b.status),
  );
}

export function groupText(alert: Alert): string {
  const entries = Object.entries(alert.group).sort(([a], [b]) => a.localeCompare(b));
  return entries.length === 0 ? '(all)' : entries.map(([k, v]) => `${k}=${v}`).join(', ');
}

function count(alerts: readonly Alert[], status: Alert['status']): number {
  return alerts.filter((a) => a.status === status).length;
}

function formatNumber(n: number | null): string {
  return n === null ? 'no data' : String(n);
}

export function renderEmail(alerts: readonly Alert[], subjectPrefix: string): EmailMessage {
  const sorted = sortAlerts(alerts);
  const triggered = count(sorted, 'TRIGGERED');
  const recovered = count(sorted, 'RECOVERED');
  const parts = [triggered > 0 ? `${triggered} triggered` : '', recovered > 0 ? `${recovered} recovered` : ''].filter(
    Boolean,
  );
  const severities = [...new Set(sorted.filter((a) => a.status === 'TRIGGERED').map((a) => a.severity))];
  const subject =
    `[${subjectPrefix}] ${sorted.length} alert${sorted.length === 1 ? '' : 's'}: ${parts.join(', ')}` +
    (severities.length > 0 ? ` (${severities.join(', ')})` : '');

  const lines = sorted.map(
    (a) =>
      `${a.status.padEnd(9)} ${a.monitorId} [${groupText(a)}] value ${formatNumber(a.value)}, threshold ` +
      `${formatNumber(a.threshold)}, window ${a.windowStart} to ${a.windowEnd}, severity ${a.severity}, alertId ${a.alertId}`,
  );
  const text = [`${subject}`, '', ...lines, ''].join('\n');

  const rows = sorted
    .map(
      (a) =>
        `<tr><td>${esc(a.status)}</td><td>${esc(a.monitorId)}</td><td>${esc(groupText(a))}</td>` +
        `<td>${esc(formatNumber(a.value))}</td><td>${esc(formatNumber(a.threshold))}</td>` +
        `<td>${esc(a.windowStart)}</td><td>${esc(a.windowEnd)}</td><td>${esc(a.severity)}</td>` +
        `<td><code>${esc(a.alertId)}</code></td></tr>`,
    )
    .join('\n');
  const html =
    `<html><body><p>${esc(subject)}</p>\n<table border="1" cellpadding="4" cellspacing="0">\n` +
    '<tr><th>status</th><th>monitor</th><th>group</th><th>value</th><th>threshold</th>' +
    '<th>window start</th><th>window end</th><th>severity</th><th>alertId</th></tr>\n' +
    `${rows}\n</table></body></html>\n`;
  return { subject, text, html };
}

/** The webhook body: `{ "version": 1, "deliveryId", "alerts": [alert v1, ...] }`. */
export function renderWebhookBody(alerts: readonly Alert[]): { body: string; deliveryId: string } {
  const sorted = sortAlerts(alerts);
  const deliveryId = deliveryIdOf(sorted);
  const body = JSON.stringify({ version: 1, deliveryId, alerts: sorted });
  return { body, deliveryId };
}

/**
 * Same alerts, same id: a receiver can drop a redelivered batch by this id as well as by each
 * alert's alertId + windowEnd.
 */
export function deliveryIdOf(alerts: readonly Alert[]): string {
  const keys = alerts.map((a) => `${alertKey(a)}|${a.status}`).sort();
  return createHash('sha256').update(keys.join('\n')).digest('hex').slice(0, 32);
}

function esc(s: string): string {
  return s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string,
  );
}
