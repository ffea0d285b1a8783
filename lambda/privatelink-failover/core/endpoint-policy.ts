// Which cluster endpoints may carry signed routing control requests: only ARC cluster endpoints
// (https://<id>.route53-recovery-cluster.<region>.<domain suffix>/v1, as DescribeCluster returns them:
// https://docs.aws.amazon.com/r53recovery/latest/dg/getting-started-cli-routing.control-state.html).
// The manifest publisher refuses to publish any other entry and the failover tool refuses to call
// one, so a list is held to the same rule where it is written and where it is read. Pure, and free
// of aws-cdk-lib, so the publisher's bundle stays small.
import { isAwsRegion, regionDomainSuffix } from '../../shared/aws-regions';
import type { ClusterEndpoint } from './manifest';

const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/i;

/** True for a URL on a loopback host (a local test peer). */
export function isLoopbackUrl(value: string | undefined): boolean {
  if (!value) return false;
  try {
    return LOOPBACK.test(new URL(value).hostname);
  } catch {
    return false;
  }
}

function knownRegionProblem(region: string): string | undefined {
  return isAwsRegion(region) ? undefined : 'expected an AWS Region such as us-east-1';
}

/**
 * Why `e` is not an endpoint that may be called, or undefined when it is one. With `allowLocal`
 * (local test peers), http or https on a loopback host is accepted as well, with any Region label.
 * @param regionProblem why a Region label is not a known Region (the failover tool passes the
 * config's check, which adds hints for look-alikes); by default the published list's membership.
 */
export function clusterEndpointProblem(
  e: ClusterEndpoint,
  allowLocal: boolean,
  regionProblem: (region: string) => string | undefined = knownRegionProblem,
): string | undefined {
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
  const suffix = regionDomainSuffix(e.region);
  if (regionIssue || !suffix) {
    return `region: ${regionIssue ?? knownRegionProblem(e.region)}, got ${JSON.stringify(e.region)}`;
  }
  const host = new RegExp(
    `^[a-z0-9-]{1,63}\\.route53-recovery-cluster\\.${e.region}\\.${suffix.replace(/\./g, '\\.')}$`,
  );
  if (!host.test(url.hostname)) {
    return `expected a host <id>.route53-recovery-cluster.${e.region}.${suffix} (an ARC cluster endpoint in its Region ${e.region}), got ${JSON.stringify(url.hostname)}`;
  }
  return undefined;
}
