import { describe, expect, it } from 'vitest';
import {
  ManifestError,
  parameterNames,
  parseClusterEndpoints,
  parseManifest,
  servingSide,
} from '../../lambda/privatelink-failover/core/manifest';
import { classify } from '../../tools/privatelink-failover/cluster-connection';
import { predictRefusal } from '../../tools/privatelink-failover/commands';

/** A manifest as the publisher writes it. */
const PUBLISHED = {
  version: 1,
  name: 'payments',
  controlPlaneRegion: 'us-west-2',
  clusterArn: 'arn:aws:route53-recovery-control::111111111111:cluster/6f1c7c52-55a4-4e0c-9a51-2d2f2a1b9c01',
  controlPanelArn: 'arn:aws:route53-recovery-control::111111111111:controlpanel/p',
  clusterEndpoints: [
    { endpoint: 'https://a.route53-recovery-cluster.us-east-1.amazonaws.com/v1', region: 'us-east-1' },
  ],
  routingControls: {
    primary: { arn: 'arn:p', region: 'us-east-1', healthCheckId: 'hc-1' },
    secondary: { arn: 'arn:s', region: 'us-west-2', healthCheckId: 'hc-2' },
  },
  safetyRules: { atLeastOneOn: 'rule-1', atMostOneOn: 'rule-2' },
  failoverNames: ['consumer-a.payments.provider.internal'],
};
const manifest = () => JSON.parse(JSON.stringify(PUBLISHED));

describe('failover manifest', () => {
  it('names its SSM parameters under /privatelink-failover/<name>', () => {
    expect(parameterNames('payments')).toEqual({
      manifest: '/privatelink-failover/payments/manifest',
      clusterEndpoints: '/privatelink-failover/payments/cluster-endpoints',
      serviceName: '/privatelink-failover/payments/service-name',
      primaryServiceName: '/privatelink-failover/payments/primary-service-name',
      secondaryServiceName: '/privatelink-failover/payments/secondary-service-name',
      providerZoneId: '/privatelink-failover/payments/provider-zone-id',
    });
  });

  it('parses a published manifest and names the first bad field', () => {
    expect(parseManifest(manifest())).toEqual(manifest());
    expect(parseManifest({ ...manifest(), waitPeriodMs: 5000 }).waitPeriodMs).toBe(5000);
    const broken = manifest();
    delete broken.routingControls.secondary.healthCheckId;
    expect(() => parseManifest(broken)).toThrow(
      new ManifestError('routingControls.secondary.healthCheckId: expected a non-empty string, got nothing'),
    );
    expect(() => parseManifest({ ...manifest(), version: 2 })).toThrow('version: expected 1, got 2');
    expect(() => parseManifest({ ...manifest(), waitPeriodMs: -1 })).toThrow('waitPeriodMs: expected a whole number');
    expect(() => parseManifest({ ...manifest(), clusterEndpoints: [{ endpoint: 'ftp://x', region: 'r' }] })).toThrow(
      'clusterEndpoints[0].endpoint: expected an http(s) URL',
    );
  });

  it('reads endpoint lists in the shapes operators have at hand', () => {
    const want = [{ endpoint: 'https://a.example/v1', region: 'us-east-1' }];
    expect(parseClusterEndpoints(want)).toEqual(want);
    expect(parseClusterEndpoints([{ Endpoint: 'https://a.example/v1', Region: 'us-east-1' }])).toEqual(want);
    expect(
      parseClusterEndpoints({
        Cluster: { ClusterEndpoints: [{ Endpoint: 'https://a.example/v1', Region: 'us-east-1' }] },
      }),
    ).toEqual(want);
    expect(() => parseClusterEndpoints([])).toThrow('expected a non-empty list');
  });

  it('serves the secondary only while primary is Off and secondary On', () => {
    expect(servingSide({ primary: 'On', secondary: 'Off' })).toBe('primary');
    expect(servingSide({ primary: 'Off', secondary: 'On' })).toBe('secondary');
    expect(servingSide({ primary: 'Off', secondary: 'Off' })).toBe('primary');
    expect(servingSide({ primary: 'On', secondary: 'On' })).toBe('primary');
  });

  it('predicts what the safety rules say for --dry-run', () => {
    const m = parseManifest(manifest());
    expect(predictRefusal(m, { primary: 'Off', secondary: 'On' }, [])).toBeUndefined();
    expect(predictRefusal(m, { primary: 'Off', secondary: 'Off' }, [])).toBe('safety rule "at least one On" (rule-1)');
    expect(predictRefusal(m, { primary: 'On', secondary: 'On' }, [])).toBe('safety rule "at most one On" (rule-2)');
    expect(predictRefusal(m, { primary: 'On', secondary: 'On' }, ['rule-2'])).toBeUndefined();
  });

  it('classifies endpoint failures: move on, or stop', () => {
    expect(
      classify(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' })).outcome,
    ).toBe('refused');
    expect(classify(Object.assign(new Error('x'), { name: 'ThrottlingException' })).outcome).toBe('throttled');
    expect(classify(Object.assign(new Error('x'), { name: 'EndpointTemporarilyUnavailableException' })).outcome).toBe(
      'unavailable',
    );
    expect(classify(Object.assign(new Error('x'), { name: 'TimeoutError' })).outcome).toBe('timeout');
    expect(classify(Object.assign(new Error('x'), { name: 'ConflictException' })).outcome).toBe('conflict');
    const rule = 'arn:aws:route53-recovery-control::111111111111:controlpanel/abc/safetyrule/rule0001';
    const refusal = Object.assign(
      new Error('Cannot modify control state for [abcrc1] due to failed rule evaluation abcrule0001'),
      {
        name: 'ConflictException',
        $fault: 'client',
      },
    );
    expect(classify(refusal, [rule]).outcome).toBe('rejected');
    expect(classify(Object.assign(new Error('x'), { name: 'AccessDeniedException' })).outcome).toBe('rejected');
    expect(classify(new Error('socket hang up')).outcome).toBe('network');
  });
});
