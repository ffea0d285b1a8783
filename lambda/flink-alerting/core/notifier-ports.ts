import type { Alert } from './alert-contract';

// What the notifier core needs from the outside world. The adapters (../adapters/notifier.ts)
// implement these over DynamoDB, SES v2, Secrets Manager, SQS and HTTP; tests implement them in
// memory.

/** One record from the alerts topic, value already decoded to text (null for a tombstone). */
export interface AlertRecord {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
  readonly value: string | null;
}

/** The alert history table: one item per alertId + windowEnd. */
export interface AlertHistory {
  /**
   * Records the alert if it is new (never overwriting an earlier record) and returns the channels
   * it was already delivered to, so a redelivered alert is not sent twice.
   */
  claim(alert: Alert, now: Date): Promise<{ deliveredChannels: readonly string[] }>;
  /** Records the outcome of one delivery attempt. */
  recordDelivery(alert: Alert, outcome: DeliveryOutcome, now: Date): Promise<void>;
}

export interface DeliveryOutcome {
  readonly delivered: readonly string[];
  readonly failed: readonly string[];
}

export interface EmailMessage {
  readonly subject: string;
  readonly text: string;
  readonly html: string;
}

export interface EmailSender {
  send(message: EmailMessage): Promise<void>;
}

export interface WebhookRequest {
  readonly url: string;
  readonly body: string;
  readonly headers: Readonly<Record<string, string>>;
}

export interface WebhookResponse {
  readonly status: number;
  /** Seconds from a Retry-After header, when the receiver sent one. */
  readonly retryAfterSeconds?: number;
}

export interface WebhookPoster {
  /** Throws on network errors and timeouts; returns any HTTP status. */
  post(request: WebhookRequest): Promise<WebhookResponse>;
}

export interface SecretSource {
  /** The secret's string value (cached by the adapter). */
  get(secretArn: string): Promise<string>;
}

/** Something that failed for good: a malformed record, or a batch a channel would not take. */
export type DeadLetterEntry =
  | {
      readonly reason: 'malformed';
      readonly error: string;
      readonly record: { topic: string; partition: number; offset: number; value: string | null };
    }
  | {
      readonly reason: 'delivery-failed';
      readonly channel: string;
      readonly error: string;
      readonly attempts: number;
      readonly alerts: readonly Alert[];
    };

export interface DeadLetterSink {
  send(entries: readonly DeadLetterEntry[]): Promise<void>;
}

export interface Clock {
  now(): Date;
  sleep(ms: number): Promise<void>;
}
