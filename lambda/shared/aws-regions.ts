// The Regions AWS publishes (https://docs.aws.amazon.com/global-infrastructure/latest/regions/aws-regions.html)
// with each one's DNS domain suffix: a copy of aws-cdk-lib's region-info, which the config and the
// functions check Regions against (config/schema/region.ts), because importing region-info adds
// about 1.4 MB to a bundle.
// test/sms-monitor/settings-regions.test.ts fails when the copy and region-info differ;
// `npx tsx scripts/write-aws-regions.ts` rewrites it.
// Not aws-regions.json: Node's require would take it for ./aws-regions when synth loads this module.
import regions from './region-domain-suffixes.json';

const SUFFIXES: Readonly<Record<string, string>> = regions;

/** The known Region names, sorted. */
export const AWS_REGIONS: readonly string[] = Object.keys(SUFFIXES).sort();

/** True when `name` is a Region in the published list (a name of the right shape is not enough). */
export function isAwsRegion(name: string): boolean {
  return Object.hasOwn(SUFFIXES, name);
}

/** The DNS domain suffix of a known Region (`amazonaws.com`, `amazonaws.com.cn`, ...), else undefined. */
export function regionDomainSuffix(name: string): string | undefined {
  return isAwsRegion(name) ? SUFFIXES[name] : undefined;
}
