// AWS Region names, for the config (re-exported by common.ts) and the functions that take Regions
// in their settings, so both accept the same names with the same message. Only zod and the copy
// of aws-cdk-lib's region-info in lambda/shared: region-info itself adds about 1.4 MB to a bundle.
import * as z from 'zod';
import { AWS_REGIONS, isAwsRegion } from '../../lambda/shared/aws-regions';

/**
 * The Regions AWS publishes (https://docs.aws.amazon.com/global-infrastructure/latest/regions/aws-regions.html),
 * as aws-cdk-lib's region-info ships them: a name of the right shape is not enough (`zz-mars-1`).
 * A Region newer than the pinned aws-cdk-lib is refused until aws-cdk-lib is updated.
 */
export const KNOWN_REGIONS: readonly string[] = AWS_REGIONS;

/** Why `value` is not a known Region, or undefined when it is one. */
export function regionProblem(value: string): string | undefined {
  if (isAwsRegion(value)) return undefined;
  const near = value
    .normalize('NFKC')
    .replace(/\p{Cf}/gu, '')
    .trim()
    .toLowerCase();
  const hint =
    near !== value && isAwsRegion(near)
      ? `; did you mean ${near}?`
      : /[^\x20-\x7e]/.test(value)
        ? '; the value has non-ASCII characters (look-alike letters or invisible marks)'
        : '';
  return `expected an AWS Region such as us-east-1 (one of the ${KNOWN_REGIONS.length} in aws-cdk-lib's region-info${hint})`;
}

/** An AWS Region name such as `us-east-1` or `eu-central-2`, checked against the published list. */
export const region = z.string().superRefine((value, ctx) => {
  const problem = regionProblem(value);
  if (problem) ctx.addIssue({ code: 'custom', message: problem, input: value });
});
