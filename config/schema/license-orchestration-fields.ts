// Schemas of the licenseOrchestration settings that the config and the functions' environment
// settings (lambda/license-orchestration/adapters/settings.ts) both check, so each bound is stated
// once. Only zod and regexpp (through ./user-id-pattern): the functions bundle this module, and
// aws-cdk-lib would add megabytes.
import * as z from 'zod';
import { SAFE_DESCRIPTION, userIdPatternProblem } from './user-id-pattern';

/** Product names end up in SSM document patterns, metric dimensions and DynamoDB keys. */
export const productName = z.string().regex(/^[a-z][a-z0-9-]{0,62}$/, {
  message: 'expected a product name of lowercase letters, digits and hyphens, starting with a letter',
});

/** Named-user licenses bought for a product; demand above it raises an alarm. */
export const productSeats = z.number().int({ message: 'expected a whole number of seats' }).min(1);

/** Workbench types are EC2 tag values. */
const workbenchType = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._:/=+@-]{0,127}$/, {
  message: 'expected a workbench type of letters, digits and ._:/=+@- (a tag value)',
});

/** Products each workbench type needs. */
export const workbenchTypes = z.record(workbenchType, z.array(productName).min(1));

export const tagKey = z.string().regex(/^(?!aws:)[A-Za-z0-9 _.:/=+@-]{1,128}$/, {
  message: 'expected an EC2 tag key (letters, digits, spaces and _.:/=+-@, not starting with aws:)',
});

/** How long the sync waits for the license server's command before it counts as failed. */
export const commandTimeoutSeconds = z.number().int().min(30).max(600);

/** Name of the read-only role in each workbench account (a cross-account contract). */
export const readerRoleName = z.string().regex(/^[A-Za-z0-9+=,.@_-]{1,64}$/, { message: 'expected an IAM role name' });

/**
 * What a valid user ID looks like: an anchored pattern (`^...$`) of safe characters, without
 * repetitions that could make matching slow (checked by ./user-id-pattern).
 */
export const userIdPattern = z
  .string()
  .min(1)
  .max(200)
  .superRefine((pattern, ctx) => {
    if (pattern.length === 0 || pattern.length > 200) return; // said by min and max
    const problem = userIdPatternProblem(pattern);
    if (problem !== undefined) {
      ctx.addIssue({
        code: 'custom',
        message: `expected a pattern anchored as ^...$ that matches only ${SAFE_DESCRIPTION}, without nested or overlapping repetition, but ${problem}`,
        input: pattern,
      });
    }
  });
