// Where the failover tool finds what it operates: the manifest (routing control ARNs, health
// checks, safety rules) and the cluster's regional endpoints. Everything here honours the SDK's
// standard endpoint and credential settings.
import {
  DescribeClusterCommand,
  Route53RecoveryControlConfigClient,
} from '@aws-sdk/client-route53-recovery-control-config';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { readFileSync, statSync } from 'node:fs';
import {
  type ClusterEndpoint,
  type FailoverManifest,
  parseClusterEndpoints,
  parseManifest,
} from '../../lambda/privatelink-failover/core/manifest';
import { configuredEndpoint } from '../../lambda/privatelink-failover/adapters/standard-endpoint';

/** A problem with the tool's inputs (exit code 2). */
export class InputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InputError';
  }
}

/** A manifest or endpoint list is a few kilobytes; a larger file is not one. */
const MAX_INPUT_BYTES = 1024 * 1024;

function readJson(path: string, what: string): unknown {
  let bytes: Buffer;
  try {
    const size = statSync(path).size;
    if (size > MAX_INPUT_BYTES) {
      throw new InputError(`${what} file ${path}: expected at most 1 MiB of JSON, got ${Math.ceil(size / 1024)} KiB`);
    }
    bytes = readFileSync(path);
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw new InputError(`cannot read the ${what} file ${path}: ${(e as Error).message}`);
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new InputError(`${what} file ${path}: expected UTF-8 JSON, got bytes that are not UTF-8 (a binary file?)`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    // V8 quotes the offending text, newlines included: keep the message on one line.
    const reason = (e as Error).message.replace(/\s+/g, ' ');
    throw new InputError(
      `${what} file ${path}: expected JSON, got a file that is not JSON (${reason.length > 120 ? `${reason.slice(0, 117)}...` : reason})`,
    );
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
