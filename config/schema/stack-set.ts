import * as z from 'zod';
import { accountId, region } from './common';

/** An AWS Organizations organizational unit ID. */
export const organizationalUnitId = z.string().regex(/^ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}$/, {
  message: 'expected an organizational unit ID such as ou-ab12-cd34ef56',
});

/** An AWS Organizations ID. */
export const organizationId = z
  .string()
  .regex(/^o-[a-z0-9]{10,32}$/, { message: 'expected an AWS Organizations ID such as o-a1b2c3d4e5' });

const percentage = (min: number) => z.number().int({ message: 'expected a whole percentage' }).min(min).max(100);

/**
 * Where the stack that owns a service-managed StackSet deploys: the organization's management
 * account (`callAs: SELF`) or a member account registered as a StackSets delegated administrator
 * (`callAs: DELEGATED_ADMIN`).
 */
export const stackSetAdmin = z.strictObject({ account: accountId, region });

export { stackSetCallAs } from './stack-set-fields';

/**
 * Name of a StackSet; also the start of its Lambda code bucket names,
 * `<name>-code-<admin account>-<region>`, which S3 limits to 63 characters.
 */
export const stackSetName = z.string().regex(/^[a-z][a-z0-9-]{0,22}$/, {
  message: 'expected a StackSet name of lowercase letters, digits and hyphens, at most 23, starting with a letter',
});

/** How fast a StackSet operation rolls out and how many failures stop it. */
export const stackSetOperationPreferences = z
  .strictObject({
    /** Failed accounts per Region (as a percentage) after which the operation stops in that Region. */
    failureTolerancePercentage: percentage(0).default(10),
    /** Accounts deployed at once per Region, as a percentage. */
    maxConcurrentPercentage: percentage(1).default(25),
    /** Deploy the Regions one after another or all at once. */
    regionConcurrencyType: z.enum(['SEQUENTIAL', 'PARALLEL']).default('PARALLEL'),
  })
  .default({ failureTolerancePercentage: 10, maxConcurrentPercentage: 25, regionConcurrencyType: 'PARALLEL' });
