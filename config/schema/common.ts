import { RegionInfo } from 'aws-cdk-lib/region-info';
import { z } from 'zod';

export {
  boundedDuration,
  durationIn,
  durationOfCount,
  durationMs,
  isoDuration,
  isoDurationOf,
  positiveDuration,
  type DurationBounds,
} from './duration';

/** A 12-digit AWS account ID. */
export const accountId = z.string().regex(/^\d{12}$/, { message: 'expected a 12-digit AWS account ID' });

/**
 * The Regions AWS publishes (https://docs.aws.amazon.com/global-infrastructure/latest/regions/aws-regions.html),
 * as aws-cdk-lib's region-info ships them: a name of the right shape is not enough (`zz-mars-1`).
 * A Region newer than the pinned aws-cdk-lib is refused until aws-cdk-lib is updated.
 */
export const KNOWN_REGIONS: readonly string[] = RegionInfo.regions.map((r) => r.name).sort();

/** Why `value` is not a known Region, or undefined when it is one. */
export function regionProblem(value: string): string | undefined {
  if (KNOWN_REGIONS.includes(value)) return undefined;
  const near = value
    .normalize('NFKC')
    .replace(/\p{Cf}/gu, '')
    .trim()
    .toLowerCase();
  const hint =
    near !== value && KNOWN_REGIONS.includes(near)
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

/** Where a stack lands: one account and one Region. */
export const environment = z.strictObject({
  account: accountId,
  region,
});
export type Environment = z.infer<typeof environment>;

/**
 * Account IDs that are only ever placeholders (documentation examples). The example config uses
 * them so it synthesizes without credentials; deploying them must fail, so the app warns loudly.
 */
export const PLACEHOLDER_ACCOUNTS: readonly string[] = [
  '111111111111',
  '222222222222',
  '333333333333',
  '444444444444',
  '555555555555',
  '123456789012',
];
