// The failover manifest: everything the failover tool needs to operate the routing controls,
// published by the routing control stack as an SSM parameter (in the ARC Region and in both
// provider Regions) and as a stack output. Pure data and validation: no AWS SDK here.

/** Root of every SSM parameter this system publishes or reads. */
export const PARAMETER_ROOT = '/privatelink-failover';

/** SSM parameter names of one deployment (`name` is the config's `privateLinkFailover.name`). */
export function parameterNames(name: string) {
  const base = `${PARAMETER_ROOT}/${name}`;
  return {
    /** The manifest (JSON), written by the routing control stack's publisher. */
    manifest: `${base}/manifest`,
    /** The cluster's regional endpoints (JSON list), written with the manifest. */
    clusterEndpoints: `${base}/cluster-endpoints`,
    /** The endpoint service name, written by each provider service stack in its own Region. */
    serviceName: `${base}/service-name`,
    /** Read by consumer stacks in their own account and Region when config gives no service names. */
    primaryServiceName: `${base}/primary-service-name`,
    secondaryServiceName: `${base}/secondary-service-name`,
    /** The provider failover zone ID: written by the DNS stack, read by consumer stacks. */
    providerZoneId: `${base}/provider-zone-id`,
  };
}

/** One regional endpoint of an ARC cluster, as DescribeCluster returns it. */
export interface ClusterEndpoint {
  /** URL such as https://abcd1234.route53-recovery-cluster.us-east-1.amazonaws.com/v1 */
  readonly endpoint: string;
  readonly region: string;
}

export type Side = 'primary' | 'secondary';
export const SIDES: readonly Side[] = ['primary', 'secondary'];

export interface ManifestRoutingControl {
  readonly arn: string;
  /** The provider Region this control sends traffic to. */
  readonly region: string;
  /** The RECOVERY_CONTROL health check tied to this control. */
  readonly healthCheckId: string;
}

export interface FailoverManifest {
  readonly version: 1;
  readonly name: string;
  /** Region of the ARC control plane (DescribeCluster). */
  readonly controlPlaneRegion: string;
  readonly clusterArn: string;
  readonly controlPanelArn: string;
  readonly clusterEndpoints: readonly ClusterEndpoint[];
  readonly routingControls: Readonly<Record<Side, ManifestRoutingControl>>;
  readonly safetyRules: { readonly atLeastOneOn: string; readonly atMostOneOn: string };
  /** The safety rules' wait period: after a change, the next change waits this long. */
  readonly waitPeriodMs?: number;
  /** The consumers' failover names (`<consumer>.<domain>`). */
  readonly failoverNames: readonly string[];
}

/** A manifest or endpoint list that cannot be used; the message names the offending field. */
export class ManifestError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ManifestError';
  }
}

function str(value: unknown, field: string): string {
  if (typeof value !== 'string' || value.length === 0) {
    throw new ManifestError(`${field}: expected a non-empty string, got ${JSON.stringify(value) ?? 'nothing'}`);
  }
  return value;
}

/**
 * Reads a list of cluster endpoints from JSON: either `[{endpoint, region}]`, DescribeCluster's
 * `[{Endpoint, Region}]`, or a whole DescribeCluster response (`{Cluster: {ClusterEndpoints}}`).
 */
export function parseClusterEndpoints(data: unknown, field = 'clusterEndpoints'): ClusterEndpoint[] {
  let list = data;
  if (list && typeof list === 'object' && !Array.isArray(list)) {
    const o = list as Record<string, unknown>;
    const cluster = o.Cluster as Record<string, unknown> | undefined;
    list = o.clusterEndpoints ?? o.ClusterEndpoints ?? cluster?.ClusterEndpoints;
  }
  if (!Array.isArray(list) || list.length === 0) {
    throw new ManifestError(`${field}: expected a non-empty list of {endpoint, region}`);
  }
  return list.map((e: Record<string, unknown>, i) => {
    const endpoint = str(e?.endpoint ?? e?.Endpoint, `${field}[${i}].endpoint`);
    if (!/^https?:\/\/[^\s/]+/.test(endpoint)) {
      throw new ManifestError(`${field}[${i}].endpoint: expected an http(s) URL, got ${JSON.stringify(endpoint)}`);
    }
    return { endpoint, region: str(e?.region ?? e?.Region, `${field}[${i}].region`) };
  });
}

/** Validates a parsed manifest; throws {@link ManifestError} naming the first bad field. */
export function parseManifest(data: unknown): FailoverManifest {
  if (!data || typeof data !== 'object') throw new ManifestError('manifest: expected a JSON object');
  const m = data as Record<string, unknown>;
  if (m.version !== 1) throw new ManifestError(`version: expected 1, got ${JSON.stringify(m.version)}`);
  const controls = (m.routingControls ?? {}) as Record<string, Record<string, unknown> | undefined>;
  const control = (side: Side): ManifestRoutingControl => ({
    arn: str(controls[side]?.arn, `routingControls.${side}.arn`),
    region: str(controls[side]?.region, `routingControls.${side}.region`),
    healthCheckId: str(controls[side]?.healthCheckId, `routingControls.${side}.healthCheckId`),
  });
  const rules = (m.safetyRules ?? {}) as Record<string, unknown>;
  const names = m.failoverNames ?? [];
  if (!Array.isArray(names)) throw new ManifestError('failoverNames: expected a list of names');
  return {
    version: 1,
    name: str(m.name, 'name'),
    controlPlaneRegion: str(m.controlPlaneRegion, 'controlPlaneRegion'),
    clusterArn: str(m.clusterArn, 'clusterArn'),
    controlPanelArn: str(m.controlPanelArn, 'controlPanelArn'),
    clusterEndpoints: parseClusterEndpoints(m.clusterEndpoints),
    routingControls: { primary: control('primary'), secondary: control('secondary') },
    safetyRules: {
      atLeastOneOn: str(rules.atLeastOneOn, 'safetyRules.atLeastOneOn'),
      atMostOneOn: str(rules.atMostOneOn, 'safetyRules.atMostOneOn'),
    },
    failoverNames: names.map((n, i) => str(n, `failoverNames[${i}]`)),
    ...(m.waitPeriodMs === undefined ? {} : { waitPeriodMs: waitPeriod(m.waitPeriodMs) }),
  };
}

function waitPeriod(value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    throw new ManifestError(`waitPeriodMs: expected a whole number of milliseconds, got ${JSON.stringify(value)}`);
  }
  return value;
}

/**
 * Which side the failover names resolve to for given routing control states. Route 53 failover
 * routing answers with the primary record while its health check is healthy, with the secondary
 * while only the secondary is healthy, and with the primary again when both are unhealthy; each
 * RECOVERY_CONTROL health check is healthy exactly when its routing control is On. So both Off and
 * both On serve the primary.
 */
export function servingSide(states: Readonly<Record<Side, 'On' | 'Off'>>): Side {
  return states.primary === 'Off' && states.secondary === 'On' ? 'secondary' : 'primary';
}
