// The event contract between workbench accounts and the license server (version 1). Changing a
// field is a breaking change: add a new version instead and accept both during the migration.

/** `source` of every workbench event on the central bus. */
export const WORKBENCH_EVENT_SOURCE = 'license-orchestration.workbench';
/** `detail-type` of every workbench event on the central bus. */
export const WORKBENCH_DETAIL_TYPE = 'Workbench State Change';
/** The contract version this code writes and reads. */
export const CONTRACT_VERSION = 1;

/** EC2 instance states, as EC2 state-change notifications carry them. */
export const EC2_STATES = ['pending', 'running', 'stopping', 'stopped', 'shutting-down', 'terminated'] as const;
export type Ec2State = (typeof EC2_STATES)[number];

/** `detail` of a workbench event, version 1. */
export interface WorkbenchStateChangeV1 {
  readonly version: 1;
  readonly instanceId: string;
  readonly userId: string;
  readonly workbenchType: string;
  /** The EC2 state as received. */
  readonly state: Ec2State;
  /** `id` of the EC2 event this was published from (or `reconciliation:<time>` for a repair). */
  readonly sourceEventId: string;
  /** `time` of the EC2 event (ISO 8601); orders events of one instance. */
  readonly sourceEventTime: string;
  readonly account: string;
  readonly region: string;
}

/** Why an event cannot be used. Each reason is a metric dimension value, so the set is closed. */
export type RejectionReason =
  | 'malformed-event'
  | 'unsupported-version'
  | 'unknown-state'
  | 'missing-type-tag'
  | 'invalid-user-id'
  | 'unknown-workbench-type'
  | 'instance-not-found';

export type Parsed<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly reason: RejectionReason; readonly message: string };

const INSTANCE_ID = /^i-[0-9a-f]{8,17}$/;
const ACCOUNT = /^\d{12}$/;
const REGION = /^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d$/;
const TYPE = /^[A-Za-z0-9][A-Za-z0-9._:/=+@-]{0,127}$/;

/** Milliseconds since the epoch of an ISO 8601 time, or undefined when it is not one. */
export function parseTime(value: unknown): number | undefined {
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(value)) {
    return undefined;
  }
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
}

export function isEc2State(value: unknown): value is Ec2State {
  return typeof value === 'string' && (EC2_STATES as readonly string[]).includes(value);
}

/** A compiled user-ID pattern, matched against the whole ID. */
export function userIdMatcher(pattern: string): RegExp {
  return new RegExp(`^(?:${pattern})$`);
}

/**
 * Validates the `detail` of a workbench event as the license server receives it (from other
 * accounts, so nothing is trusted).
 */
export function parseWorkbenchEvent(detail: unknown, userId: RegExp): Parsed<WorkbenchStateChangeV1> {
  const bad = (reason: RejectionReason, message: string) => ({ ok: false as const, reason, message });
  if (!detail || typeof detail !== 'object' || Array.isArray(detail)) {
    return bad('malformed-event', 'detail is not an object');
  }
  const d = detail as Record<string, unknown>;
  if (d.version !== CONTRACT_VERSION) {
    return bad('unsupported-version', `version ${JSON.stringify(d.version)} is not supported (expected 1)`);
  }
  const str = (k: string) => (typeof d[k] === 'string' ? (d[k] as string) : undefined);
  const instanceId = str('instanceId');
  if (!instanceId || !INSTANCE_ID.test(instanceId))
    return bad('malformed-event', 'instanceId is not an EC2 instance ID');
  const account = str('account');
  if (!account || !ACCOUNT.test(account)) return bad('malformed-event', 'account is not a 12-digit account ID');
  const region = str('region');
  if (!region || !REGION.test(region)) return bad('malformed-event', 'region is not a Region name');
  const sourceEventId = str('sourceEventId');
  if (!sourceEventId || sourceEventId.length > 128) return bad('malformed-event', 'sourceEventId is missing');
  const sourceEventTime = str('sourceEventTime');
  if (parseTime(sourceEventTime) === undefined)
    return bad('malformed-event', 'sourceEventTime is not an ISO 8601 time');
  if (!isEc2State(d.state))
    return bad('unknown-state', `state ${JSON.stringify(d.state)} is not an EC2 instance state`);
  const workbenchType = str('workbenchType');
  if (!workbenchType || !TYPE.test(workbenchType))
    return bad('malformed-event', 'workbenchType is missing or not a tag value');
  const user = str('userId');
  if (!user || !userId.test(user)) return bad('invalid-user-id', 'userId does not match the user-ID pattern');
  return {
    ok: true,
    value: {
      version: 1,
      instanceId,
      userId: user,
      workbenchType,
      state: d.state,
      sourceEventId,
      sourceEventTime: sourceEventTime as string,
      account,
      region,
    },
  };
}
