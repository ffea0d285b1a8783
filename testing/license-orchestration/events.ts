/** An EC2 state-change notification as EventBridge delivers it. */
export function ec2Event(instanceId: string, state: string, time = '2025-03-03T08:00:00Z', id = 'ev-1') {
  return {
    version: '0',
    id,
    'detail-type': 'EC2 Instance State-change Notification',
    source: 'aws.ec2',
    account: '222222222222',
    time,
    region: 'eu-west-1',
    resources: [`arn:aws:ec2:eu-west-1:222222222222:instance/${instanceId}`],
    detail: { 'instance-id': instanceId, state },
  };
}
