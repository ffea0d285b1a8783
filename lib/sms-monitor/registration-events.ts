import type * as events from 'aws-cdk-lib/aws-events';

/**
 * The pattern of `aws.sms-voice` "Registration Status Change" events worth an alert.
 *
 * The event's detail fields are not published in the EventBridge event reference, so the pattern
 * filters on `detail.registrationStatus` when the event carries it and lets events without that
 * field through; the alert function re-reads the registration and decides on its current status
 * either way. A renamed field therefore costs a few extra invocations, never a missed alert.
 */
export function registrationStatusChangePattern(
  regions: readonly string[],
  statuses: readonly string[],
): events.EventPattern {
  return {
    source: ['aws.sms-voice'],
    detailType: ['Registration Status Change'],
    region: [...regions],
    detail: {
      $or: [{ registrationStatus: [...statuses] }, { registrationStatus: [{ exists: false }] }],
    },
  };
}
