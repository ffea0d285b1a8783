// Which hosts the failover tool sends signed routing control requests to. The list comes from a
// file, the published manifest or DescribeCluster; whichever it is, an entry that is not an ARC
// cluster endpoint (https://<id>.route53-recovery-cluster.<region>.amazonaws.com/v1, as DescribeCluster
// returns them: https://docs.aws.amazon.com/r53recovery/latest/dg/getting-started-cli-routing.control-state.html)
// is refused before any request, so a tampered list cannot collect the caller's signed requests
// over plain HTTP or on another host.
import { Fact, FactName } from 'aws-cdk-lib/region-info';
import { regionProblem } from '../../config/schema/common';
import type { ClusterEndpoint } from '../../lambda/privatelink-failover/manifest';
import { InputError } from './sources';

const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/i;

/**
 * Why `e` is not an endpoint the tool may call, or undefined when it is one. With `allowLocal`
 * (`--allow-local-endpoints`, for local test peers), http or https on a loopback host is accepted
 * as well, with any Region label.
 */
export function clusterEndpointProblem(e: ClusterEndpoint, allowLocal: boolean): string | undefined {
  let url: URL;
  try {
    url = new URL(e.endpoint);
  } catch {
    return `expected an https URL, got ${JSON.stringify(e.endpoint)}`;
  }
  if (allowLocal && LOOPBACK.test(url.hostname) && (url.protocol === 'http:' || url.protocol === 'https:')) {
    return undefined;
  }
  if (url.protocol !== 'https:') return `expected https (requests are signed), got ${JSON.stringify(e.endpoint)}`;
  if (url.username || url.password || url.port || url.search || url.hash) {
    return `expected a plain https://host/path URL (no user, port, query or fragment), got ${JSON.stringify(e.endpoint)}`;
  }
  const regionIssue = regionProblem(e.region);
  if (regionIssue) return `region: ${regionIssue}, got ${JSON.stringify(e.region)}`;
  const suffix = Fact.find(e.region, FactName.DOMAIN_SUFFIX) ?? 'amazonaws.com';
  const host = new RegExp(
    `^[a-z0-9-]{1,63}\\.route53-recovery-cluster\\.${e.region}\\.${suffix.replace(/\./g, '\\.')}$`,
  );
  if (!host.test(url.hostname)) {
    return `expected a host <id>.route53-recovery-cluster.${e.region}.${suffix} (an ARC cluster endpoint in its Region ${e.region}), got ${JSON.stringify(url.hostname)}`;
  }
  return undefined;
}

/** Throws {@link InputError} naming the first endpoint of `endpoints` (from `source`) the tool may not call. */
export function checkClusterEndpoints(
  endpoints: readonly ClusterEndpoint[],
  source: string,
  allowLocal: boolean,
): ClusterEndpoint[] {
  endpoints.forEach((e, i) => {
    const problem = clusterEndpointProblem(e, allowLocal);
    if (problem) {
      const hint = allowLocal ? '' : ' (a local test peer needs --allow-local-endpoints)';
      throw new InputError(`${source}[${i}].endpoint: ${problem}${hint}`);
    }
  });
  return [...endpoints];
}
