import {
  GetRoutingControlStateCommand,
  paginateListRoutingControls,
  Route53RecoveryClusterClient,
  UpdateRoutingControlStateCommand,
  UpdateRoutingControlStatesCommand,
} from '@aws-sdk/client-route53-recovery-cluster';
import {
  DescribeClusterCommand,
  Route53RecoveryControlConfigClient,
} from '@aws-sdk/client-route53-recovery-control-config';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LocalArc } from '../../testing/privatelink-failover/arc-local';

// The local ARC is a test peer: these tests pin that it speaks the protocol the real SDK expects
// and enforces safety rules the way the failover tool relies on.
const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };

describe('local ARC', () => {
  let arc: LocalArc;
  let client: Route53RecoveryClusterClient;

  beforeEach(async () => {
    arc = await LocalArc.start({ initial: { primary: 'On', secondary: 'Off' } });
    const e = arc.clusterEndpoints()[0]!;
    client = new Route53RecoveryClusterClient({ region: e.region, endpoint: e.endpoint, credentials, maxAttempts: 1 });
  });

  afterEach(async () => {
    client.destroy();
    await arc.stop();
  });

  it('reads routing control states and pages through ListRoutingControls', async () => {
    const state = await client.send(new GetRoutingControlStateCommand({ RoutingControlArn: arc.controlArns.primary }));
    expect(state).toMatchObject({ RoutingControlState: 'On', RoutingControlName: 'payments-primary' });
    const names: string[] = [];
    for await (const page of paginateListRoutingControls(
      { client, pageSize: 1 },
      { ControlPanelArn: arc.controlPanelArn },
    )) {
      expect(page.RoutingControls).toHaveLength(1);
      names.push(...(page.RoutingControls ?? []).map((c) => c.RoutingControlName!));
    }
    expect(names).toEqual(['payments-primary', 'payments-secondary']);
  });

  it('refuses either one-at-a-time step of a flip, and accepts the same flip as one batch', async () => {
    // Secondary On first: both On breaks "at most one On".
    await expect(
      client.send(
        new UpdateRoutingControlStateCommand({
          RoutingControlArn: arc.controlArns.secondary,
          RoutingControlState: 'On',
        }),
      ),
    ).rejects.toMatchObject({
      name: 'ConflictException',
      message: expect.stringContaining('0a1b2c3d4e5fatmostone001'),
    });
    // Primary Off first: both Off breaks "at least one On".
    await expect(
      client.send(
        new UpdateRoutingControlStateCommand({
          RoutingControlArn: arc.controlArns.primary,
          RoutingControlState: 'Off',
        }),
      ),
    ).rejects.toMatchObject({
      name: 'ConflictException',
      message: expect.stringContaining('0a1b2c3d4e5fatleastone01'),
    });
    expect(arc.states()).toEqual({ primary: 'On', secondary: 'Off' });
    await client.send(
      new UpdateRoutingControlStatesCommand({
        UpdateRoutingControlStateEntries: [
          { RoutingControlArn: arc.controlArns.primary, RoutingControlState: 'Off' },
          { RoutingControlArn: arc.controlArns.secondary, RoutingControlState: 'On' },
        ],
      }),
    );
    expect(arc.states()).toEqual({ primary: 'Off', secondary: 'On' });
  });

  it('lets named safety rules be overridden (break glass)', async () => {
    await client.send(
      new UpdateRoutingControlStatesCommand({
        UpdateRoutingControlStateEntries: [{ RoutingControlArn: arc.controlArns.primary, RoutingControlState: 'Off' }],
        SafetyRulesToOverride: [arc.ruleArns.atLeastOneOn],
      }),
    );
    expect(arc.states()).toEqual({ primary: 'Off', secondary: 'Off' });
  });

  it('refuses changes within the wait period', async () => {
    const slow = await LocalArc.start({ waitPeriodMs: 60_000, initial: { primary: 'On', secondary: 'Off' } });
    const e = slow.clusterEndpoints()[0]!;
    const c = new Route53RecoveryClusterClient({ region: e.region, endpoint: e.endpoint, credentials, maxAttempts: 1 });
    const flip = (on: 'primary' | 'secondary') =>
      c.send(
        new UpdateRoutingControlStatesCommand({
          UpdateRoutingControlStateEntries: [
            { RoutingControlArn: slow.controlArns.primary, RoutingControlState: on === 'primary' ? 'On' : 'Off' },
            { RoutingControlArn: slow.controlArns.secondary, RoutingControlState: on === 'secondary' ? 'On' : 'Off' },
          ],
        }),
      );
    await flip('secondary');
    await expect(flip('primary')).rejects.toMatchObject({
      name: 'ConflictException',
      message: expect.stringContaining('wait period'),
    });
    c.destroy();
    await slow.stop();
  });

  it('answers throttling and unavailability as the SDK models them', async () => {
    await arc.setModes({ 0: 'throttle' });
    await expect(
      client.send(new GetRoutingControlStateCommand({ RoutingControlArn: arc.controlArns.primary })),
    ).rejects.toMatchObject({
      name: 'ThrottlingException',
    });
    await arc.setModes({ 0: 'unavailable' });
    await expect(
      client.send(new GetRoutingControlStateCommand({ RoutingControlArn: arc.controlArns.primary })),
    ).rejects.toMatchObject({
      name: 'EndpointTemporarilyUnavailableException',
      $fault: 'server',
    });
  });

  it('serves DescribeCluster to the control-config client, pending first when asked', async () => {
    const cc = new Route53RecoveryControlConfigClient({
      region: 'us-west-2',
      endpoint: arc.controlPlane.url,
      credentials,
    });
    arc.controlPlane.pendingDescribes = 1;
    const pending = await cc.send(new DescribeClusterCommand({ ClusterArn: arc.state.clusterArn }));
    expect(pending.Cluster).toMatchObject({ Status: 'PENDING', ClusterEndpoints: [] });
    const { Cluster } = await cc.send(new DescribeClusterCommand({ ClusterArn: arc.state.clusterArn }));
    expect(Cluster?.Status).toBe('DEPLOYED');
    expect(Cluster?.ClusterEndpoints?.map((e) => e.Region)).toEqual([
      'us-east-1',
      'us-west-2',
      'eu-west-1',
      'ap-southeast-2',
      'ap-northeast-1',
    ]);
    expect(Cluster?.ClusterEndpoints?.[0]?.Endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1$/);
    await expect(cc.send(new DescribeClusterCommand({ ClusterArn: `${arc.state.clusterArn}x` }))).rejects.toMatchObject(
      {
        name: 'ResourceNotFoundException',
      },
    );
    cc.destroy();
  });
});
