// The publisher (workbench account): one EC2 state-change notification in, at most one workbench
// event (contract v1) out. Instances without the owner tag are not workbenches and are ignored.
import {
  CONTRACT_VERSION,
  type Ec2State,
  isEc2State,
  parseTime,
  type RejectionReason,
  type WorkbenchStateChangeV1,
} from './contract';

export const EC2_SOURCE = 'aws.ec2';
export const EC2_DETAIL_TYPE = 'EC2 Instance State-change Notification';

/** The fields of an EC2 state-change notification this system uses. */
export interface Ec2StateChange {
  readonly id: string;
  readonly time: string;
  readonly account: string;
  readonly region: string;
  readonly instanceId: string;
  readonly state: Ec2State;
}

export type PublisherResult =
  | { readonly kind: 'publish'; readonly detail: WorkbenchStateChangeV1 }
  | { readonly kind: 'ignore'; readonly reason: 'not-a-workbench' }
  | { readonly kind: 'reject'; readonly reason: RejectionReason; readonly message: string };

export function parseEc2Event(
  event: unknown,
): { ok: true; value: Ec2StateChange } | { ok: false; reason: RejectionReason; message: string } {
  const bad = (reason: RejectionReason, message: string) => ({ ok: false as const, reason, message });
  if (!event || typeof event !== 'object') return bad('malformed-event', 'event is not an object');
  const e = event as Record<string, unknown>;
  if (e.source !== EC2_SOURCE || e['detail-type'] !== EC2_DETAIL_TYPE) {
    return bad('malformed-event', `not an ${EC2_DETAIL_TYPE} (source ${JSON.stringify(e.source)})`);
  }
  const detail = (e.detail ?? {}) as Record<string, unknown>;
  const instanceId = detail['instance-id'];
  if (typeof instanceId !== 'string' || !/^i-[0-9a-f]{8,17}$/.test(instanceId)) {
    return bad('malformed-event', 'detail.instance-id is not an EC2 instance ID');
  }
  if (!isEc2State(detail.state)) {
    return bad('unknown-state', `detail.state ${JSON.stringify(detail.state)} is not an EC2 instance state`);
  }
  if (typeof e.id !== 'string' || e.id === '') return bad('malformed-event', 'id is missing');
  if (parseTime(e.time) === undefined) return bad('malformed-event', 'time is not an ISO 8601 time');
  if (typeof e.account !== 'string' || !/^\d{12}$/.test(e.account)) return bad('malformed-event', 'account is missing');
  if (typeof e.region !== 'string' || e.region === '') return bad('malformed-event', 'region is missing');
  return {
    ok: true,
    value: {
      id: e.id,
      time: e.time as string,
      account: e.account,
      region: e.region,
      instanceId,
      state: detail.state,
    },
  };
}

export interface PublisherSettings {
  readonly ownerTag: string;
  readonly typeTag: string;
  readonly userId: RegExp;
}

/**
 * Turns a state change and the instance's tags (undefined: EC2 no longer knows the instance) into
 * the contract event, or says why not.
 */
export function toWorkbenchEvent(
  change: Ec2StateChange,
  tags: Readonly<Record<string, string>> | undefined,
  settings: PublisherSettings,
): PublisherResult {
  if (tags === undefined) {
    return { kind: 'reject', reason: 'instance-not-found', message: `EC2 does not know ${change.instanceId} any more` };
  }
  const userId = tags[settings.ownerTag];
  if (userId === undefined) return { kind: 'ignore', reason: 'not-a-workbench' };
  const workbenchType = tags[settings.typeTag];
  if (workbenchType === undefined || workbenchType === '') {
    return {
      kind: 'reject',
      reason: 'missing-type-tag',
      message: `${change.instanceId} has no ${settings.typeTag} tag`,
    };
  }
  if (!settings.userId.test(userId)) {
    return {
      kind: 'reject',
      reason: 'invalid-user-id',
      message: `${change.instanceId}: ${settings.ownerTag} does not match the user-ID pattern`,
    };
  }
  return {
    kind: 'publish',
    detail: {
      version: CONTRACT_VERSION,
      instanceId: change.instanceId,
      userId,
      workbenchType,
      state: change.state,
      sourceEventId: change.id,
      sourceEventTime: change.time,
      account: change.account,
      region: change.region,
    },
  };
}
