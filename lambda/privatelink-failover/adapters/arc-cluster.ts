import {
  DescribeClusterCommand,
  Route53RecoveryControlConfigClient,
} from '@aws-sdk/client-route53-recovery-control-config';
import type { ClusterDescriber } from '../core/publish-manifest';
import { configuredEndpoint } from './standard-endpoint';

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
