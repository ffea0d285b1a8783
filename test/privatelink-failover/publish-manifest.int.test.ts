import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runCustomResource } from '../../lambda/privatelink-failover/adapters/custom-resource';
import { parseClusterEndpoints, parseManifest } from '../../lambda/privatelink-failover/core/manifest';
import { clusterDescriber } from '../../lambda/privatelink-failover/adapters/arc-cluster';
import { ssmParameterStore } from '../../lambda/privatelink-failover/adapters/ssm-parameters';
import { handler } from '../../lambda/privatelink-failover/handlers/publish-manifest';
import { publishManifest, type PublishPorts } from '../../lambda/privatelink-failover/core/publish-manifest';
import { cfnEvent, lambdaContext, manifestPublisherProps, ResponseCollector } from './support/cfn';
import { LocalArc } from '../../testing/privatelink-failover/arc-local';

// The manifest publisher's adapters against real peers: DescribeCluster against the local ARC
// control plane (found through AWS_ENDPOINT_URL_ROUTE53_RECOVERY_CONTROL_CONFIG), SSM in three
// Regions against moto.
const REGIONS = ['us-west-2', 'us-east-1', 'eu-west-1'];

async function parameter(region: string, name: string): Promise<string | undefined> {
  const ssm = new SSMClient({ region });
  try {
    return (await ssm.send(new GetParameterCommand({ Name: name }))).Parameter?.Value;
  } catch (e) {
    if ((e as Error).name === 'ParameterNotFound') return undefined;
    throw e;
  } finally {
    ssm.destroy();
  }
}

/** LocalArc's endpoints are on loopback. */
const LOCAL = { allowLocalEndpoints: true };

describe('manifest publisher custom resource', () => {
  let arc: LocalArc;
  const cfn = new ResponseCollector();
  let props: Record<string, unknown>;

  beforeAll(async () => {
    arc = await LocalArc.start();
    await cfn.listen();
    process.env.AWS_ENDPOINT_URL_ROUTE53_RECOVERY_CONTROL_CONFIG = arc.controlPlane.url;
    process.env.POWERTOOLS_LOG_LEVEL = 'ERROR';
    // Built after the endpoint setting, as in Lambda (where it is read at construction).
    ports = {
      cluster: clusterDescriber('us-west-2'),
      parameters: ssmParameterStore(),
      sleep: () => new Promise<void>((r) => setTimeout(r, 5)),
    };
  });

  afterAll(async () => {
    await Promise.all([arc.stop(), cfn.close()]);
  });

  beforeEach(() => {
    arc.controlPlane.pendingDescribes = 0;
    const m = arc.manifest();
    props = {
      ...manifestPublisherProps(m, { primary: 'hc-primary', secondary: 'hc-secondary' }),
      ParameterRegions: REGIONS,
      WaitPeriodMs: '5000', // CloudFormation passes numbers as strings
    };
  });

  let ports: PublishPorts;

  it('waits for a new cluster to deploy, then writes the manifest and endpoints in every Region', async () => {
    arc.controlPlane.pendingDescribes = 2;
    const response = await runCustomResource(cfnEvent('Create', cfn.url, props), (e) =>
      publishManifest(e, ports, { ...LOCAL, pollIntervalMs: 5 }),
    );
    expect(response).toMatchObject({
      Status: 'SUCCESS',
      PhysicalResourceId: '/privatelink-failover/payments/manifest',
    });
    expect(arc.controlPlane.calls).toHaveLength(3);
    expect(parseClusterEndpoints(JSON.parse(response.Data!.ClusterEndpoints!))).toEqual(arc.clusterEndpoints());
    for (const region of REGIONS) {
      const manifest = parseManifest(JSON.parse((await parameter(region, '/privatelink-failover/payments/manifest'))!));
      expect(manifest).toEqual({
        ...arc.manifest(),
        routingControls: { ...arc.manifest().routingControls },
        waitPeriodMs: 5000,
      });
      expect(JSON.parse((await parameter(region, '/privatelink-failover/payments/cluster-endpoints'))!)).toEqual(
        arc.clusterEndpoints(),
      );
    }
  });

  it('removes the parameters from a Region dropped by an update, and from all on delete', async () => {
    await runCustomResource(cfnEvent('Create', cfn.url, props), (e) => publishManifest(e, ports, LOCAL));
    const fewer = { ...props, ParameterRegions: ['us-west-2', 'us-east-1'] };
    const updated = await runCustomResource(
      cfnEvent('Update', cfn.url, fewer, {
        physicalResourceId: '/privatelink-failover/payments/manifest',
        oldProperties: props,
      }),
      (e) => publishManifest(e, ports, LOCAL),
    );
    expect(updated.Status).toBe('SUCCESS');
    expect(await parameter('eu-west-1', '/privatelink-failover/payments/manifest')).toBeUndefined();
    expect(await parameter('us-east-1', '/privatelink-failover/payments/manifest')).toBeDefined();
    const deleted = cfnEvent('Delete', cfn.url, fewer, {
      physicalResourceId: '/privatelink-failover/payments/manifest',
    });
    expect((await runCustomResource(deleted, (e) => publishManifest(e, ports, LOCAL))).Status).toBe('SUCCESS');
    for (const region of REGIONS)
      expect(await parameter(region, '/privatelink-failover/payments/cluster-endpoints')).toBeUndefined();
    // A repeated delete finds nothing and succeeds.
    expect((await runCustomResource(deleted, (e) => publishManifest(e, ports, LOCAL))).Status).toBe('SUCCESS');
  });

  it('reports a cluster that never deploys, and bad properties, to CloudFormation', async () => {
    arc.controlPlane.pendingDescribes = 1000;
    await expect(
      runCustomResource(cfnEvent('Create', cfn.url, props), (e) =>
        publishManifest(e, ports, { ...LOCAL, pollIntervalMs: 5, maxWaitMs: 50 }),
      ),
    ).rejects.toThrow(/still has status PENDING and 0 endpoints/);
    expect(cfn.last.Status).toBe('FAILED');
    arc.controlPlane.pendingDescribes = 0;
    await expect(
      runCustomResource(cfnEvent('Create', cfn.url, { ...props, ClusterArn: undefined }), (e) =>
        publishManifest(e, ports, LOCAL),
      ),
    ).rejects.toThrow();
    expect(cfn.last.Reason).toBe(
      'InvalidPropertiesError: property ClusterArn: expected a non-empty string, got nothing',
    );
  });

  it('runs as the Lambda handler', async () => {
    await handler(cfnEvent('Create', cfn.url, props), lambdaContext(60_000) as never);
    expect(cfn.last).toMatchObject({
      Status: 'SUCCESS',
      Data: { ManifestParameter: '/privatelink-failover/payments/manifest' },
    });
  });
});
