import { describe, expect, it } from 'vitest';
import { parseRegistrationEvent } from '../../lambda/sms-monitor/core/alert';
import { awsEvent, awsEventNames, type AwsEventName } from './aws-events';

// Each handler that consumes an AWS event, run on AWS's published sample of that event
// (fixtures/aws-events/), so its parsing is checked against AWS's shape rather than our own.

describe('fixtures of AWS-published events', () => {
  it('each names the AWS documentation page it was taken from', () => {
    for (const name of awsEventNames()) {
      const fixture = awsEvent(name as AwsEventName);
      expect(fixture.source, name).toMatch(/^https:\/\/docs\.aws\.amazon\.com\/\S+\.html$/);
      expect(typeof fixture.event, name).toBe('object');
    }
  });
});

describe('SMS alert: Registration Status Change', () => {
  const sample = () => awsEvent('sms-registration-status-change').event;

  it('reads the registration of the published sample', () => {
    expect(parseRegistrationEvent(sample(), ['us-east-1'])).toMatchObject({
      eventId: 'd2e8812b-d34c-90f9-a8a9-3f18e15d1db9',
      region: 'us-east-1',
      time: new Date('2025-09-26T17:42:25Z'),
      registrationId: 'registration-30a16a8b7cec478a8e37febbb9005348',
      reportedStatus: 'SUBMITTED',
    });
  });

  it('reads the registration from detail.registrationDetails when resources is empty', () => {
    const event = { ...sample(), resources: [] };
    expect(parseRegistrationEvent(event, ['us-east-1']).registrationId).toBe(
      'registration-30a16a8b7cec478a8e37febbb9005348',
    );
  });
});
