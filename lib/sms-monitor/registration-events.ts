import type * as events from 'aws-cdk-lib/aws-events';

/**
 * The pattern of `aws.sms-voice` "Registration Status Change" events worth an alert: those whose
 * `detail.registrationDetails.currentStatus` is one of `statuses`, the field of AWS's published
 * sample event (https://docs.aws.amazon.com/sms-voice/latest/userguide/monitor-event-bridge.html).
 * The alert function still re-reads the registration and decides on its current status.
 */
export function registrationStatusChangePattern(
  regions: readonly string[],
  statuses: readonly string[],
): events.EventPattern {
  return {
    source: ['aws.sms-voice'],
    detailType: ['Registration Status Change'],
    region: [...regions],
    detail: { registrationDetails: { currentStatus: [...statuses] } },
  };
}
