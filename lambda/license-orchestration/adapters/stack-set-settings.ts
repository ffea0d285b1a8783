// Settings of the reconciliation's StackSet listing, from environment variables (kept apart from
// ./settings.ts, which every handler bundles, so only the reconciler changes with them).
import { STACK_SET_CALL_AS, stackSetCallAs } from '../../../config/schema/stack-set-fields';
import type { StackSetSource } from './stack-set-scopes';
import { required } from './settings';

export const STACK_SET_ENV = {
  name: 'WORKBENCH_STACK_SET_NAME',
  region: 'WORKBENCH_STACK_SET_REGION',
  callAs: 'WORKBENCH_STACK_SET_CALL_AS',
  listerRoleArn: 'WORKBENCH_STACK_SET_LISTER_ROLE_ARN',
} as const;

type Env = Readonly<Record<string, string | undefined>>;

/** The workbench StackSet whose instances the reconciliation lists, or undefined when none is set. */
export function stackSetFrom(env: Env): StackSetSource | undefined {
  if (!env[STACK_SET_ENV.name]) return undefined;
  const callAs = stackSetCallAs.safeParse(required(env, STACK_SET_ENV.callAs));
  if (!callAs.success) {
    throw new Error(
      `environment variable ${STACK_SET_ENV.callAs}: expected ${STACK_SET_CALL_AS.join(' or ')}, got ${env[STACK_SET_ENV.callAs]}`,
    );
  }
  return {
    name: required(env, STACK_SET_ENV.name),
    region: required(env, STACK_SET_ENV.region),
    callAs: callAs.data,
    listerRoleArn: required(env, STACK_SET_ENV.listerRoleArn),
  };
}
