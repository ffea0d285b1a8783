import { describe, expect, it } from 'vitest';
import { parseWorkbenchEvent, userIdMatcher } from '../../lambda/license-orchestration/core/contract';
import { parseEc2Event, toWorkbenchEvent } from '../../lambda/license-orchestration/core/publisher';
import { ec2Event } from '../../testing/license-orchestration/events';

const settings = {
  ownerTag: 'vew:workbench:ownerId',
  typeTag: 'vew:workbench:type',
  userId: userIdMatcher('[a-z][a-z0-9.]{0,31}'),
};
const tags = { 'vew:workbench:ownerId': 'alice', 'vew:workbench:type': 'cad', Name: 'wb' };

describe('publisher core', () => {
  it('turns a state change of a workbench into the version 1 contract', () => {
    const parsed = parseEc2Event(ec2Event('i-0123456789abcdef0', 'running'));
    if (!parsed.ok) throw new Error(parsed.message);
    expect(toWorkbenchEvent(parsed.value, tags, settings)).toEqual({
      kind: 'publish',
      detail: {
        version: 1,
        instanceId: 'i-0123456789abcdef0',
        userId: 'alice',
        workbenchType: 'cad',
        state: 'running',
        sourceEventId: 'ev-1',
        sourceEventTime: '2025-03-03T08:00:00Z',
        account: '222222222222',
        region: 'eu-west-1',
      },
    });
  });

  it('ignores instances without the owner tag', () => {
    const parsed = parseEc2Event(ec2Event('i-0123456789abcdef0', 'running'));
    if (!parsed.ok) throw new Error(parsed.message);
    expect(toWorkbenchEvent(parsed.value, { Name: 'build-agent' }, settings)).toEqual({
      kind: 'ignore',
      reason: 'not-a-workbench',
    });
  });

  it('rejects a workbench without a type, with a user ID that fails the pattern, or that EC2 does not know', () => {
    const parsed = parseEc2Event(ec2Event('i-0123456789abcdef0', 'running'));
    if (!parsed.ok) throw new Error(parsed.message);
    expect(toWorkbenchEvent(parsed.value, { 'vew:workbench:ownerId': 'alice' }, settings)).toMatchObject({
      kind: 'reject',
      reason: 'missing-type-tag',
    });
    expect(
      toWorkbenchEvent(parsed.value, { ...tags, 'vew:workbench:ownerId': 'alice;rm -rf /' }, settings),
    ).toMatchObject({
      kind: 'reject',
      reason: 'invalid-user-id',
    });
    expect(toWorkbenchEvent(parsed.value, undefined, settings)).toMatchObject({
      kind: 'reject',
      reason: 'instance-not-found',
    });
  });

  it('rejects malformed notifications with the reason', () => {
    expect(parseEc2Event(null)).toMatchObject({ ok: false, reason: 'malformed-event' });
    expect(parseEc2Event({ ...ec2Event('i-0123456789abcdef0', 'running'), source: 'aws.s3' })).toMatchObject({
      ok: false,
      reason: 'malformed-event',
    });
    expect(parseEc2Event(ec2Event('not-an-instance', 'running'))).toMatchObject({
      ok: false,
      reason: 'malformed-event',
    });
    expect(parseEc2Event(ec2Event('i-0123456789abcdef0', 'hibernating'))).toMatchObject({
      ok: false,
      reason: 'unknown-state',
    });
    expect(parseEc2Event(ec2Event('i-0123456789abcdef0', 'running', 'yesterday'))).toMatchObject({
      ok: false,
      reason: 'malformed-event',
    });
  });
});

describe('contract parsing on the license server', () => {
  const detail = {
    version: 1,
    instanceId: 'i-0123456789abcdef0',
    userId: 'alice',
    workbenchType: 'cad',
    state: 'stopped',
    sourceEventId: 'ev-1',
    sourceEventTime: '2025-03-03T08:00:00Z',
    account: '222222222222',
    region: 'eu-west-1',
  };
  const re = userIdMatcher('[a-z]+');

  it('accepts a well-formed version 1 detail', () => {
    expect(parseWorkbenchEvent(detail, re)).toEqual({ ok: true, value: detail });
  });

  it('names what is wrong with each bad field', () => {
    expect(parseWorkbenchEvent('x', re)).toMatchObject({ reason: 'malformed-event' });
    expect(parseWorkbenchEvent({ ...detail, version: 2 }, re)).toMatchObject({ reason: 'unsupported-version' });
    expect(parseWorkbenchEvent({ ...detail, state: 'paused' }, re)).toMatchObject({ reason: 'unknown-state' });
    expect(parseWorkbenchEvent({ ...detail, userId: 'Alice1' }, re)).toMatchObject({ reason: 'invalid-user-id' });
    expect(parseWorkbenchEvent({ ...detail, sourceEventTime: '2025-03-03' }, re)).toMatchObject({
      reason: 'malformed-event',
    });
    expect(parseWorkbenchEvent({ ...detail, account: '12' }, re)).toMatchObject({ reason: 'malformed-event' });
    expect(parseWorkbenchEvent({ ...detail, workbenchType: 'a b' }, re)).toMatchObject({ reason: 'malformed-event' });
  });
});
