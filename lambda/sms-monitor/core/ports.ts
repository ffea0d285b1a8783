// The monitor's domain types and the ports its core talks through. Adapters (AWS SDK, DynamoDB,
// SES) implement the ports; tests and the local report command may plug in others.

/** One registration as DescribeRegistrations returns it. */
export interface Registration {
  readonly region: string;
  readonly id: string;
  readonly arn: string;
  /** Registration type code, for example `US_TEN_DLC_CAMPAIGN_REGISTRATION`. */
  readonly type: string;
  /** Raw API status (may be a value this code does not know yet). */
  readonly status: string;
  readonly currentVersion?: number;
  readonly approvedVersion?: number;
  readonly deniedVersion?: number;
  readonly createdAt?: Date;
  readonly attributes: Readonly<Record<string, string>>;
}

export interface DeniedReason {
  readonly reason: string;
  readonly shortDescription: string;
  readonly longDescription?: string;
  readonly documentationTitle?: string;
  readonly documentationLink?: string;
}

/** One version as DescribeRegistrationVersions returns it. */
export interface RegistrationVersion {
  readonly versionNumber: number;
  readonly status: string;
  readonly approvedAt?: Date;
  readonly deniedAt?: Date;
  readonly submittedAt?: Date;
  readonly deniedReasons: readonly DeniedReason[];
  readonly feedback?: string;
}

/** Read access to the registrations API of any Region. */
export interface RegistrationApi {
  /** Every page of registrations in the Region, optionally only the given IDs. */
  pages(region: string, registrationIds?: readonly string[]): AsyncIterable<readonly Registration[]>;
  /**
   * One version of a registration; undefined when the registration or version no longer exists.
   * Other errors (after the SDK's retries) are thrown.
   */
  version(region: string, registrationId: string, versionNumber: number): Promise<RegistrationVersion | undefined>;
}

/** A registration as the last report saw it. */
export interface StoredRegistration {
  /** `<region>#<registration id>` */
  readonly key: string;
  readonly region: string;
  readonly id: string;
  readonly type: string;
  readonly status: string;
  readonly currentVersion?: number;
  readonly approvedVersion?: number;
  readonly deniedVersion?: number;
  /** Approval time of `approvedVersion` (epoch ms), cached because an approved version never changes. */
  readonly approvedAt?: number;
}

export type SendStatus = 'SENDING' | 'SENT' | 'FAILED' | 'SKIPPED';

/** What happened to one report or alert (its idempotency record). */
export interface SendRecord {
  readonly key: string;
  readonly status: SendStatus;
  readonly messageId?: string;
  /** The report's registration state was saved after sending. */
  readonly stateSaved?: boolean;
  readonly updatedAt: Date;
}

/** Change tracking and idempotency records. */
export interface StateStore {
  /** The registrations of the last saved state; `savedAt` is undefined before the first save. */
  loadRegistrations(): Promise<{ savedAt?: Date; registrations: StoredRegistration[] }>;
  /** Writes new and changed registrations, deletes those gone, and records when. */
  saveRegistrations(upserts: readonly StoredRegistration[], deletedKeys: readonly string[], at: Date): Promise<void>;
  getSend(key: string): Promise<SendRecord | undefined>;
  /**
   * Claims the right to send `key`: true when no record exists or the last attempt FAILED before
   * sending; false when another attempt is sending or has sent it.
   */
  claimSend(key: string, at: Date): Promise<boolean>;
  completeSend(key: string, messageId: string, at: Date): Promise<void>;
  /** Marks a claimed send FAILED (nothing was sent), so a retry may claim it again. */
  releaseSend(key: string, reason: string, at: Date): Promise<void>;
  /** Records a report decided not to send (nothing changed). */
  skipSend(key: string, at: Date): Promise<void>;
  markStateSaved(key: string): Promise<void>;
  /** When the last report was sent (for the weekly digest). */
  lastReportSentAt(): Promise<Date | undefined>;
  recordReportSent(at: Date): Promise<void>;
}

export interface OutgoingMail {
  readonly from: string;
  readonly to: readonly string[];
  readonly subject: string;
  readonly html: string;
  readonly text: string;
  readonly configurationSet?: string;
  /** The identity `from` belongs to, when another account owns it (SES sending authorization). */
  readonly fromIdentityArn?: string;
}

export interface Mailer {
  send(mail: OutgoingMail): Promise<{ messageId: string }>;
}

/** Where the core writes progress; the Lambda plugs in the Powertools logger. */
export interface Log {
  info(message: string, extra?: Record<string, unknown>): void;
  warn(message: string, extra?: Record<string, unknown>): void;
}

export const SILENT_LOG: Log = { info: () => undefined, warn: () => undefined };

/** `<region>#<id>`, the key of a registration in the state. */
export function registrationKey(region: string, id: string): string {
  return `${region}#${id}`;
}
