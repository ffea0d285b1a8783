// Where the failover tool finds what it operates: the manifest (routing control ARNs, health
// checks, safety rules) and the cluster's regional endpoints. Everything here honours the SDK's
// standard endpoint and credential settings.
import {
  DescribeClusterCommand,
  Route53RecoveryControlConfigClient,
} from '@aws-sdk/client-route53-recovery-control-config';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { readFileSync } from 'node:fs';
import {
  type ClusterEndpoint,
  type FailoverManifest,
  parseClusterEndpoints,
  parseManifest,
} from '../../lambda/privatelink-failover/manifest';
import { configuredEndpoint } from '../../lambda/privatelink-failover/standard-endpoint';

/** A problem with the tool's inputs (exit code 2). */
export class InputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InputError';
  }
}

function readJson(path: string, what: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new InputError(`cannot read the ${what} file ${path}: ${(e as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new InputError(`${what} file ${path} is not JSON: ${(e as Error).message}`);
  }
}

export function manifestFromFile(path: string): FailoverManifest {
  try {
    return parseManifest(readJson(path, 'manifest'));
  } catch (e) {
    throw e instanceof InputError ? e : new InputError(`manifest file ${path}: ${(e as Error).message}`);
  }
}

export function endpointsFromFile(path: string): ClusterEndpoint[] {
  try {
    return parseClusterEndpoints(readJson(path, 'cluster endpoints'));
  } catch (e) {
    throw e instanceof InputError ? e : new InputError(`cluster endpoints file ${path}: ${(e as Error).message}`);
  }
}

/** Runs `fn` with an abort signal that fires after `ms`. */
async function withTimeout<T>(ms: number, fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), ms);
  try {
    return await fn(controller.signal);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Reads the published manifest from SSM, trying the Regions in turn (the routing control stack
 * writes it in the ARC Region and in both provider Regions).
 */
export async function manifestFromSsm(
  parameterName: string,
  regions: readonly string[],
  timeoutMs: number,
  log: (line: string) => void,
): Promise<{ manifest: FailoverManifest; region: string }> {
  const problems: string[] = [];
  for (const region of regions) {
    const client = new SSMClient({ region, maxAttempts: 2 });
    try {
      const out = await withTimeout(timeoutMs, (abortSignal) =>
        client.send(new GetParameterCommand({ Name: parameterName }), { abortSignal }),
      );
      const manifest = parseManifest(JSON.parse(out.Parameter?.Value ?? 'null'));
      return { manifest, region };
    } catch (e) {
      const reason = `${(e as Error).name}: ${(e as Error).message}`;
      problems.push(`${region}: ${reason}`);
      log(`manifest: ${parameterName} in ${region} not readable (${reason}), trying the next Region`);
    } finally {
      client.destroy();
    }
  }
  throw new InputError(
    `could not read the manifest ${parameterName} in ${regions.join(', ')} (${problems.join('; ')}); pass --manifest <file>`,
  );
}

/** DescribeCluster on the ARC control plane: the last resort for the endpoint list. */
export async function endpointsFromDescribeCluster(
  clusterArn: string,
  region: string,
  timeoutMs: number,
): Promise<ClusterEndpoint[]> {
  // Pinned at 3.332.0, this client predates the standard endpoint variables, so they are read here.
  const client = new Route53RecoveryControlConfigClient({
    region,
    endpoint: configuredEndpoint('ROUTE53_RECOVERY_CONTROL_CONFIG'),
    maxAttempts: 2,
  });
  try {
    const out = await withTimeout(timeoutMs, (abortSignal) =>
      client.send(new DescribeClusterCommand({ ClusterArn: clusterArn }), { abortSignal }),
    );
    return parseClusterEndpoints(out.Cluster?.ClusterEndpoints ?? [], 'DescribeCluster.ClusterEndpoints');
  } finally {
    client.destroy();
  }
}
