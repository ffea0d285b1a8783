import { createHmac, timingSafeEqual } from 'node:crypto';

// Webhook signatures. The receiver recomputes the HMAC with the shared secret (kept in Secrets
// Manager) and rejects stale timestamps, so a captured request cannot be replayed later.

export const SIGNATURE_HEADER = 'x-alerting-signature';
export const TIMESTAMP_HEADER = 'x-alerting-timestamp';
export const DELIVERY_HEADER = 'x-alerting-delivery';

/** `v1=<hex HMAC-SHA256 of "<timestamp>.<body>">`, timestamp in Unix seconds. */
export function sign(secret: string, timestamp: number, body: string): string {
  return `v1=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/**
 * Verifies a signature as a receiver should: constant-time comparison and a timestamp no further
 * than `toleranceSeconds` from `nowSeconds`.
 */
export function verify(
  secret: string,
  headers: { signature?: string; timestamp?: string },
  body: string,
  nowSeconds: number,
  toleranceSeconds = 300,
): boolean {
  const ts = Number(headers.timestamp);
  if (!headers.signature || !Number.isInteger(ts) || Math.abs(nowSeconds - ts) > toleranceSeconds) return false;
  const expected = Buffer.from(sign(secret, ts, body));
  const actual = Buffer.from(headers.signature);
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}
