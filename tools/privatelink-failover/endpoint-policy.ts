// Which hosts the failover tool sends signed routing control requests to. The list comes from a
// file, the published manifest or DescribeCluster; whichever it is, an entry that is not an ARC
// cluster endpoint (the rule in lambda/privatelink-failover/core/endpoint-policy.ts, which the manifest
// publisher applies too) is refused before any request, so a tampered list cannot collect the
// caller's signed requests over plain HTTP or on another host.
import { regionProblem } from '../../config/schema/common';
import { clusterEndpointProblem } from '../../lambda/privatelink-failover/core/endpoint-policy';
import type { ClusterEndpoint } from '../../lambda/privatelink-failover/core/manifest';
import { InputError } from './sources';

/** Throws {@link InputError} naming the first endpoint of `endpoints` (from `source`) the tool may not call. */
export function checkClusterEndpoints(
  endpoints: readonly ClusterEndpoint[],
  source: string,
  allowLocal: boolean,
): ClusterEndpoint[] {
  endpoints.forEach((e, i) => {
    const problem = clusterEndpointProblem(e, allowLocal, regionProblem);
    if (problem) {
      const hint = allowLocal ? '' : ' (a local test peer needs --allow-local-endpoints)';
      throw new InputError(`${source}[${i}].endpoint: ${problem}${hint}`);
    }
  });
  return [...endpoints];
}
