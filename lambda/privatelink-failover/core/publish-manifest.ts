// Core of the manifest publisher custom resource: resolves the ARC cluster's regional endpoints at
// deploy time (DescribeCluster, waiting while a new cluster is still being deployed) and writes the
// failover manifest and the endpoint list as SSM parameters in several Regions, so that failing
// over never needs the ARC control plane or one particular Region. Pure: AWS is behind the ports.
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import {
  type CustomResourceResult,
  FAILED_CREATE_PREFIX,
  InvalidPropertiesError,
  requiredString,
  requiredStringList,
} from './custom-resource';
import { clusterEndpointProblem } from './endpoint-policy';
import { type ClusterEndpoint, type FailoverManifest, parameterNames } from './manifest';

export interface ClusterDescription {
  readonly status?: string;
  readonly endpoints: readonly ClusterEndpoint[];
}

export interface ClusterDescriber {
  describeCluster(clusterArn: string): Promise<ClusterDescription>;
}

export interface ParameterStore {
  /** Creates or overwrites a String parameter in `region`. */
  put(region: string, name: string, value: string, description: string): Promise<void>;
  /** Deletes a parameter in `region`; a missing parameter is not an error. */
  delete(region: string, name: string): Promise<void>;
}

export interface PublishPorts {
  readonly cluster: ClusterDescriber;
  readonly parameters: ParameterStore;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly log?: (message: string, detail: Record<string, unknown>) => void;
}

export interface PublishOptions {
  /** How often to ask again while the cluster has no endpoints yet. @default 10000 */
  readonly pollIntervalMs?: number;
  /** How long to wait for a new cluster's endpoints. @default 600000 */
  readonly maxWaitMs?: number;
  /** Publish loopback endpoints too (a local test peer of ARC). @default false */
  readonly allowLocalEndpoints?: boolean;
}

interface PublishProperties {
  readonly name: string;
  readonly controlPlaneRegion: string;
  readonly clusterArn: string;
  readonly controlPanelArn: string;
  readonly primary: { arn: string; region: string; healthCheckId: string };
  readonly secondary: { arn: string; region: string; healthCheckId: string };
  readonly atLeastOneOnRuleArn: string;
  readonly atMostOneOnRuleArn: string;
  readonly failoverNames: string[];
  readonly parameterRegions: string[];
  readonly waitPeriodMs?: number;
}

/** Reads the resource properties; errors name the property. */
export function readPublishProperties(props: Record<string, unknown>): PublishProperties {
  const parameterRegions = requiredStringList(props, 'ParameterRegions');
  if (parameterRegions.length === 0)
    throw new InvalidPropertiesError('property ParameterRegions: expected at least one Region');
  return {
    name: requiredString(props, 'Name'),
    controlPlaneRegion: requiredString(props, 'ControlPlaneRegion'),
    clusterArn: requiredString(props, 'ClusterArn'),
    controlPanelArn: requiredString(props, 'ControlPanelArn'),
    primary: {
      arn: requiredString(props, 'PrimaryRoutingControlArn'),
      region: requiredString(props, 'PrimaryRegion'),
      healthCheckId: requiredString(props, 'PrimaryHealthCheckId'),
    },
    secondary: {
      arn: requiredString(props, 'SecondaryRoutingControlArn'),
      region: requiredString(props, 'SecondaryRegion'),
      healthCheckId: requiredString(props, 'SecondaryHealthCheckId'),
    },
    atLeastOneOnRuleArn: requiredString(props, 'AtLeastOneOnRuleArn'),
    atMostOneOnRuleArn: requiredString(props, 'AtMostOneOnRuleArn'),
    failoverNames: requiredStringList(props, 'FailoverNames'),
    parameterRegions: [...new Set(parameterRegions)],
    waitPeriodMs: optionalWholeNumber(props, 'WaitPeriodMs'),
  };
}

/** CloudFormation passes numbers to custom resources as strings. */
function optionalWholeNumber(props: Record<string, unknown>, name: string): number | undefined {
  const raw = props[name];
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) {
    throw new InvalidPropertiesError(`property ${name}: expected a whole number, got ${JSON.stringify(raw)}`);
  }
  return value;
}

/** Waits until the cluster is deployed with endpoints, then returns them. */
export async function resolveClusterEndpoints(
  clusterArn: string,
  ports: PublishPorts,
  options: PublishOptions = {},
): Promise<ClusterEndpoint[]> {
  const sleep = ports.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const interval = options.pollIntervalMs ?? 10_000;
  const deadline = Date.now() + (options.maxWaitMs ?? 600_000);
  for (;;) {
    const description = await ports.cluster.describeCluster(clusterArn);
    if (description.status === 'PENDING_DELETION') {
      throw new Error(`cluster ${clusterArn} is being deleted`);
    }
    if (description.endpoints.length > 0 && (description.status === undefined || description.status === 'DEPLOYED')) {
      return [...description.endpoints];
    }
    if (Date.now() + interval > deadline) {
      throw new Error(
        `cluster ${clusterArn} still has status ${description.status ?? 'unknown'} and ${description.endpoints.length} endpoints; giving up`,
      );
    }
    ports.log?.('waiting for the cluster endpoints', {
      status: description.status,
      endpoints: description.endpoints.length,
    });
    await sleep(interval);
  }
}

export function buildManifest(p: PublishProperties, endpoints: readonly ClusterEndpoint[]): FailoverManifest {
  return {
    version: 1,
    name: p.name,
    controlPlaneRegion: p.controlPlaneRegion,
    clusterArn: p.clusterArn,
    controlPanelArn: p.controlPanelArn,
    clusterEndpoints: endpoints,
    routingControls: { primary: p.primary, secondary: p.secondary },
    safetyRules: { atLeastOneOn: p.atLeastOneOnRuleArn, atMostOneOn: p.atMostOneOnRuleArn },
    failoverNames: p.failoverNames,
    ...(p.waitPeriodMs === undefined ? {} : { waitPeriodMs: p.waitPeriodMs }),
  };
}

async function deleteParameters(p: Pick<PublishProperties, 'name'>, regions: readonly string[], ports: PublishPorts) {
  const names = parameterNames(p.name);
  for (const region of regions) {
    await ports.parameters.delete(region, names.manifest);
    await ports.parameters.delete(region, names.clusterEndpoints);
  }
}

/** Handles one custom resource event. */
export async function publishManifest(
  event: CloudFormationCustomResourceEvent,
  ports: PublishPorts,
  options: PublishOptions = {},
): Promise<CustomResourceResult> {
  if (event.RequestType === 'Delete') {
    if (event.PhysicalResourceId.startsWith(FAILED_CREATE_PREFIX))
      return { physicalResourceId: event.PhysicalResourceId };
    const p = readPublishProperties(event.ResourceProperties);
    await deleteParameters(p, p.parameterRegions, ports);
    return { physicalResourceId: event.PhysicalResourceId };
  }
  const p = readPublishProperties(event.ResourceProperties);
  const names = parameterNames(p.name);
  const endpoints = await resolveClusterEndpoints(p.clusterArn, ports, options);
  // The failover tool refuses to call any other endpoint: publishing one would only fail later, mid-failover.
  endpoints.forEach((e, i) => {
    const problem = clusterEndpointProblem(e, options.allowLocalEndpoints ?? false);
    if (problem) throw new Error(`DescribeCluster ClusterEndpoints[${i}].endpoint: ${problem}; nothing published`);
  });
  const manifest = buildManifest(p, endpoints);
  for (const region of p.parameterRegions) {
    await ports.parameters.put(
      region,
      names.manifest,
      JSON.stringify(manifest),
      `PrivateLink failover manifest of ${p.name}: routing controls, health checks and ARC cluster endpoints`,
    );
    await ports.parameters.put(
      region,
      names.clusterEndpoints,
      JSON.stringify(endpoints),
      `ARC cluster endpoints of ${p.name} (npm run failover -- --cluster-endpoints)`,
    );
  }
  if (event.RequestType === 'Update') {
    // Same physical ID (same name): parameters in Regions no longer listed are this update's to remove.
    try {
      const old = readPublishProperties(event.OldResourceProperties);
      if (old.name === p.name) {
        await deleteParameters(
          old,
          old.parameterRegions.filter((r) => !p.parameterRegions.includes(r)),
          ports,
        );
      }
    } catch (e) {
      if (!(e instanceof InvalidPropertiesError)) throw e;
    }
  }
  return {
    // A new name is a new resource: CloudFormation then deletes the old one (its parameters).
    physicalResourceId: names.manifest,
    data: { ClusterEndpoints: JSON.stringify(endpoints), ManifestParameter: names.manifest },
  };
}
