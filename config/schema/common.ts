import * as z from 'zod';
import { region } from './region';

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
export { KNOWN_REGIONS, region, regionProblem } from './region';

/** A 12-digit AWS account ID. */
export const accountId = z.string().regex(/^\d{12}$/, { message: 'expected a 12-digit AWS account ID' });

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
