// Handler settings from environment variables. The stacks set these variables (they import the
// names from here); a missing or malformed one stops the function at its first invocation with a
// message naming the variable. Settings from the config are checked with the config's schemas.
import * as z from 'zod';
import * as fields from '../../../config/schema/license-orchestration-fields';
import { userIdMatcher } from '../core/contract';
import type { ProductCatalog } from '../core/ledger';

export const ENV = {
  tableName: 'LEDGER_TABLE_NAME',
  busArn: 'LICENSE_BUS_ARN',
  ownerTag: 'OWNER_TAG',
  typeTag: 'TYPE_TAG',
  userIdPattern: 'USER_ID_PATTERN',
  rejectedQueueUrl: 'REJECTED_QUEUE_URL',
  workbenchTypes: 'WORKBENCH_TYPES',
  products: 'PRODUCTS',
  syncQueueUrl: 'SYNC_QUEUE_URL',
  documentName: 'SYNC_DOCUMENT_NAME',
  licenseServerInstanceId: 'LICENSE_SERVER_INSTANCE_ID',
  userListsBucket: 'USER_LISTS_BUCKET',
  userListsKeyArn: 'USER_LISTS_KEY_ARN',
  commandTimeoutSeconds: 'COMMAND_TIMEOUT_SECONDS',
  pollIntervalMs: 'COMMAND_POLL_INTERVAL_MS',
  workbenchScopes: 'WORKBENCH_SCOPES',
  readerRoleName: 'READER_ROLE_NAME',
  partition: 'AWS_PARTITION_NAME',
} as const;

type Env = Readonly<Record<string, string | undefined>>;

export function required(env: Env, name: string): string {
  const value = env[name];
  if (value === undefined || value === '') throw new Error(`environment variable ${name} is not set`);
  return value;
}

/** `value` as `schema` takes it; else an error naming the variable and every problem. */
function valid<T>(name: string, schema: z.ZodType<T>, value: unknown): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const problems = result.error.issues.map((i) => (i.path.length ? `${i.path.join('.')}: ` : '') + i.message);
  throw new Error(`environment variable ${name}: ${problems.join('; ')}`);
}

function json<T>(env: Env, name: string, schema: z.ZodType<T>): T {
  let parsed: unknown;
  try {
    parsed = JSON.parse(required(env, name));
  } catch (e) {
    throw new Error(`environment variable ${name} is not JSON: ${(e as Error).message}`);
  }
  return valid(name, schema, parsed);
}

/** The user-ID pattern, checked as the config checks it: whatever it accepts reaches the license server's script. */
export function userIdFrom(env: Env): RegExp {
  return userIdMatcher(valid(ENV.userIdPattern, fields.userIdPattern, required(env, ENV.userIdPattern)));
}

export function catalogFrom(env: Env): ProductCatalog {
  return json(env, ENV.workbenchTypes, fields.workbenchTypes);
}

/** The products as the sync needs them (the stack leaves out their commands, which the SSM document has). */
export function productsFrom(env: Env): { name: string; seats: number }[] {
  return json(env, ENV.products, z.array(z.strictObject({ name: fields.productName, seats: fields.productSeats })));
}

export function commandTimeoutSecondsFrom(env: Env): number {
  return valid(
    ENV.commandTimeoutSeconds,
    fields.commandTimeoutSeconds,
    Number(required(env, ENV.commandTimeoutSeconds)),
  );
}

/** Names of the EC2 tags that identify a workbench's owner and type. */
export function tagsFrom(env: Env): { ownerTag: string; typeTag: string } {
  return {
    ownerTag: valid(ENV.ownerTag, fields.tagKey, required(env, ENV.ownerTag)),
    typeTag: valid(ENV.typeTag, fields.tagKey, required(env, ENV.typeTag)),
  };
}

export function readerRoleNameFrom(env: Env): string {
  return valid(ENV.readerRoleName, fields.readerRoleName, required(env, ENV.readerRoleName));
}

/** Workbench scopes as `<account>/<region>` separated by spaces (the stack writes them so). */
export function scopesFrom(env: Env): { account: string; region: string }[] {
  return required(env, ENV.workbenchScopes)
    .split(/\s+/)
    .filter((s) => s !== '')
    .map((s) => {
      const m = /^(\d{12})\/([a-z0-9-]+)$/.exec(s);
      if (!m)
        throw new Error(
          `environment variable ${ENV.workbenchScopes}: expected <account>/<region> items, got ${JSON.stringify(s)}`,
        );
      return { account: m[1], region: m[2] };
    });
}

/** The inverse of {@link scopesFrom}. */
export function formatScopes(scopes: readonly { account: string; region: string }[]): string {
  return scopes.map((s) => `${s.account}/${s.region}`).join(' ');
}

export function positiveInt(env: Env, name: string, fallback?: number): number {
  const raw = env[name];
  if ((raw === undefined || raw === '') && fallback !== undefined) return fallback;
  const n = Number(required(env, name));
  if (!Number.isInteger(n) || n <= 0)
    throw new Error(`environment variable ${name}: expected a positive integer, got ${raw}`);
  return n;
}
