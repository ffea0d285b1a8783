// Custom resource handler: publishes the failover manifest (see core/publish-manifest.ts).
// Thin adapters only: ARC control-config DescribeCluster and SSM parameters in several Regions.
import type { CloudFormationCustomResourceEvent, Context } from 'aws-lambda';
import { createLogger, type Powertools, powertoolsHandler } from '../../shared/powertools';
import { clusterDescriber } from '../adapters/arc-cluster';
import { runCustomResource } from '../adapters/custom-resource';
import { ssmParameterStore } from '../adapters/ssm-parameters';
import { configuredEndpoint } from '../adapters/standard-endpoint';
import { isLoopbackUrl } from '../core/endpoint-policy';
import {
  type ClusterDescriber,
  type ParameterStore,
  publishManifest,
  type PublishPorts,
} from '../core/publish-manifest';

export interface PublishManifestDeps extends Powertools {
  /** DescribeCluster in the given control plane Region. */
  readonly cluster: (region: string) => ClusterDescriber;
  readonly parameters: ParameterStore;
  /** The function's Region, for a resource that names no control plane Region. */
  readonly region?: string;
  /** Loopback endpoints only when the control plane itself is a local peer (never so in Lambda). */
  readonly allowLocalEndpoints: boolean;
}

export function createPublishManifestHandler(buildDeps: () => PublishManifestDeps) {
  return powertoolsHandler(
    buildDeps,
    async (event: CloudFormationCustomResourceEvent, deps, context: Context): Promise<void> => {
      const { logger } = deps;
      logger.info('manifest publisher event', { requestType: event.RequestType, logicalId: event.LogicalResourceId });
      const ports: PublishPorts = {
        cluster: deps.cluster(String(event.ResourceProperties.ControlPlaneRegion ?? deps.region)),
        parameters: deps.parameters,
        log: (message, detail) => logger.info(message, detail),
      };
      await runCustomResource(
        event,
        (e) => publishManifest(e, ports, { allowLocalEndpoints: deps.allowLocalEndpoints }),
        {
          deadlineMs: context.getRemainingTimeInMillis() - 15_000,
          log: (message, detail) => logger.error(message, detail),
        },
      );
    },
  );
}

export const handler = createPublishManifestHandler(() => ({
  logger: createLogger(),
  cluster: clusterDescriber,
  parameters: ssmParameterStore(),
  region: process.env.AWS_REGION,
  allowLocalEndpoints: isLoopbackUrl(configuredEndpoint('ROUTE53_RECOVERY_CONTROL_CONFIG')),
}));
