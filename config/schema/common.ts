import { z } from 'zod';

/** A 12-digit AWS account ID. */
export const accountId = z.string().regex(/^\d{12}$/, { message: 'expected a 12-digit AWS account ID' });

/** An AWS Region name such as `us-east-1` or `eu-central-2`. */
export const region = z
  .string()
  .regex(/^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d$/, { message: 'expected an AWS Region name such as us-east-1' });

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
