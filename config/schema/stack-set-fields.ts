// Schemas of the StackSet settings that the config and the functions that call StackSets
// (lambda/license-orchestration/adapters/stack-set-settings.ts) both check, so each is stated
// once. Only zod: the functions bundle this module, and aws-cdk-lib would add megabytes.
import * as z from 'zod';

/** Whom a StackSets API call acts as: the management account or a delegated administrator. */
export const STACK_SET_CALL_AS = ['SELF', 'DELEGATED_ADMIN'] as const;

export const stackSetCallAs = z.enum(STACK_SET_CALL_AS);

export type StackSetCallAs = z.infer<typeof stackSetCallAs>;
