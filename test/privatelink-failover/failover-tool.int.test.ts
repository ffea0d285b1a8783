import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCustomResource } from '../../lambda/privatelink-failover/adapters/custom-resource';
import { clusterDescriber } from '../../lambda/privatelink-failover/adapters/arc-cluster';
import { ssmParameterStore } from '../../lambda/privatelink-failover/adapters/ssm-parameters';
import { publishManifest } from '../../lambda/privatelink-failover/core/publish-manifest';
import { Route53Rest, xmlValues } from '../../lambda/privatelink-failover/adapters/route53-rest';
import { main } from '../../tools/privatelink-failover/cli';
import { LocalArc } from '../../testing/privatelink-failover/arc-local';
import { cfnEvent, manifestPublisherProps, ResponseCollector } from './support/cfn';

// Deploy time to failover time: the publisher writes the manifest to SSM (moto) from DescribeCluster
// (local ARC), then the failover tool finds it there, reads the health checks from Route 53 (moto)
// and flips the routing controls on the local ARC's endpoints.
async function run(argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  // The local ARC's endpoints are loopback http.
  const code = await main([...argv, '--allow-local-endpoints'], { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('failover tool with the published manifest (moto SSM and Route 53)', () => {
  let arc: LocalArc;
  const cfn = new ResponseCollector();
  const healthChecks: Record<string, string> = {};

  beforeAll(async () => {
    arc = await LocalArc.start({ initial: { primary: 'On', secondary: 'Off' } });
    await cfn.listen();
    process.env.AWS_ENDPOINT_URL_ROUTE53_RECOVERY_CONTROL_CONFIG = arc.controlPlane.url;
    // The routing control stack's health checks, in moto.
    const route53 = new Route53Rest();
    for (const side of ['primary', 'secondary'] as const) {
      const xml = await route53.send(
        'POST',
        '/2013-04-01/healthcheck',
        {},
        `<?xml version="1.0" encoding="UTF-8"?><CreateHealthCheckRequest xmlns="https://route53.amazonaws.com/doc/2013-04-01/"><CallerReference>${side}</CallerReference><HealthCheckConfig><Type>RECOVERY_CONTROL</Type><RoutingControlArn>${arc.controlArns[side]}</RoutingControlArn></HealthCheckConfig></CreateHealthCheckRequest>`,
      );
      healthChecks[side] = xmlValues(xml, 'Id')[0]!;
    }
    const m = arc.manifest();
    const props = {
      ...manifestPublisherProps(m, { primary: healthChecks.primary, secondary: healthChecks.secondary }),
      // Only us-east-1 gets it here, so the tool must look past the Regions that lack it.
      ParameterRegions: ['us-east-1'],
      WaitPeriodMs: '0',
    };
    const ports = { cluster: clusterDescriber('us-west-2'), parameters: ssmParameterStore() };
    const published = await runCustomResource(cfnEvent('Create', cfn.url, props), (e) =>
      publishManifest(e, ports, { allowLocalEndpoints: true }),
    );
    expect(published.Status).toBe('SUCCESS');
    delete process.env.AWS_ENDPOINT_URL_ROUTE53_RECOVERY_CONTROL_CONFIG;
  });

  afterAll(async () => {
    await Promise.all([arc.stop(), cfn.close()]);
  });

  it('status: finds the manifest in the next Region and reads the health checks from Route 53', async () => {
    const r = await run(['status', '--name', 'payments', '--ssm-regions', 'eu-west-1,us-east-1', '--json']);
    expect(r.code).toBe(0);
    expect(r.err).toContain(
      'manifest: /privatelink-failover/payments/manifest in eu-west-1 not readable (ParameterNotFound',
    );
    const j = JSON.parse(r.out);
    expect(j).toMatchObject({
      manifestSource: 'SSM /privatelink-failover/payments/manifest (us-east-1)',
      endpointSource: 'published',
      states: { primary: 'On', secondary: 'Off' },
      serving: 'primary',
      healthChecks: {
        primary: { id: healthChecks.primary, status: '1/1 checkers report healthy' },
        secondary: { id: healthChecks.secondary, status: '1/1 checkers report healthy' },
      },
    });
  });

  it('activate and drill with the published endpoint list', async () => {
    expect((await run(['activate', 'secondary', '--name', 'payments', '--ssm-regions', 'us-east-1'])).code).toBe(0);
    expect(arc.states()).toEqual({ primary: 'Off', secondary: 'On' });
    // The manifest's wait period (0 here) sets the drill's default hold.
    const drill = await run(['drill', '--name', 'payments', '--ssm-regions', 'us-east-1', '--json']);
    expect(drill.code).toBe(0);
    expect(JSON.parse(drill.out)).toMatchObject({ from: 'secondary', to: 'primary', holdMs: 1000 });
    expect(arc.states()).toEqual({ primary: 'Off', secondary: 'On' });
  });

  it('manifest: prints the manifest to keep for a bad day; a missing one is an input error', async () => {
    const r = await run(['manifest', '--name', 'payments', '--ssm-regions', 'us-east-1']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toMatchObject({ name: 'payments', clusterEndpoints: arc.clusterEndpoints() });
    const missing = await run(['status', '--name', 'nope', '--ssm-regions', 'us-east-1,us-west-2']);
    expect(missing.code).toBe(2);
    expect(missing.err).toContain(
      'could not read the manifest /privatelink-failover/nope/manifest in us-east-1, us-west-2',
    );
    expect(missing.err).toContain('pass --manifest <file>');
  });
});
