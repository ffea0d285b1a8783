// Custom resource handler: publishes the failover manifest (see publish-manifest-core.ts).
// Thin adapters only: ARC control-config DescribeCluster and SSM parameters in several Regions.
import {
  DescribeClusterCommand,
  Route53RecoveryControlConfigClient,
} from '@aws-sdk/client-route53-recovery-control-config';
import { DeleteParameterCommand, PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import type { CloudFormationCustomResourceEvent, Context } from 'aws-lambda';
import { createLogger } from '../../shared/powertools';
import { runCustomResource } from '../adapters/custom-resource';
import { isLoopbackUrl } from '../core/endpoint-policy';
import {
  type ClusterDescriber,
  type ParameterStore,
  publishManifest,
  type PublishPorts,
} from '../core/publish-manifest';
import { configuredEndpoint } from '../adapters/standard-endpoint';

const logger = createLogger();

/** DescribeCluster in the ARC control plane Region. */
export function clusterDescriber(region: string): ClusterDescriber {
  const client = new Route53RecoveryControlConfigClient({
    region,
    endpoint: configuredEndpoint('ROUTE53_RECOVERY_CONTROL_CONFIG'),
  });
  return {
    async describeCluster(clusterArn) {
      const { Cluster } = await client.send(new DescribeClusterCommand({ ClusterArn: clusterArn }));
      return {
        status: Cluster?.Status,
        endpoints: (Cluster?.ClusterEndpoints ?? []).flatMap((e) =>
          e.Endpoint && e.Region ? [{ endpoint: e.Endpoint, region: e.Region }] : [],
        ),
      };
    },
  };
}

/** SSM parameters in any Region (one client per Region). */
export function ssmParameterStore(): ParameterStore {
  const clients = new Map<string, SSMClient>();
  const client = (region: string) => {
    let c = clients.get(region);
    if (!c) clients.set(region, (c = new SSMClient({ region })));
    return c;
  };
  return {
    async put(region, name, value, description) {
      await client(region).send(
        new PutParameterCommand({
          Name: name,
          Value: value,
          Description: description,
          Type: 'String',
          Overwrite: true,
          // Standard while it fits in 4 KB; a manifest with many consumers may need more.
          Tier: 'Intelligent-Tiering',
        }),
      );
    },
    async delete(region, name) {
      try {
        await client(region).send(new DeleteParameterCommand({ Name: name }));
      } catch (e) {
        if ((e as Error).name !== 'ParameterNotFound') throw e;
      }
    },
  };
}

export async function handler(event: CloudFormationCustomResourceEvent, context: Context): Promise<void> {
  logger.info('manifest publisher event', { requestType: event.RequestType, logicalId: event.LogicalResourceId });
  const region = String(event.ResourceProperties.ControlPlaneRegion ?? process.env.AWS_REGION);
  const ports: PublishPorts = {
    cluster: clusterDescriber(region),
    parameters: ssmParameterStore(),
    log: (message, detail) => logger.info(message, detail),
  };
  // Loopback endpoints only when the control plane itself is a local peer (never so in Lambda).
  const allowLocalEndpoints = isLoopbackUrl(configuredEndpoint('ROUTE53_RECOVERY_CONTROL_CONFIG'));
  await runCustomResource(event, (e) => publishManifest(e, ports, { allowLocalEndpoints }), {
    deadlineMs: context.getRemainingTimeInMillis() - 15_000,
    log: (message, detail) => logger.error(message, detail),
  });
}
