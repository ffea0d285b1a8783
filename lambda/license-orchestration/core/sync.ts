// The sync: for each product whose desired version is ahead of the applied one, send the complete
// user list to the license server, wait for the result, and record the applied version only on
// success. The desired version is read before the user list, so a change that lands after the
// read raises the desired version again and is picked up by the next cycle: nothing is missed,
// at worst a list is sent twice. One cycle sends at most one command per product. A list too long
// for the command's users parameter is handed over as an S3 object named by its sha256, deleted
// once the command succeeded; after a failure it is kept (the command may still be running on
// the server when the sync stops waiting) and the bucket's lifecycle rule expires it.
import { createHash } from 'node:crypto';
import {
  encodeUserListObject,
  encodeUsers,
  MAX_USERS_PARAMETER_LENGTH,
  USERS_PREFIX,
  userListKey,
} from './sync-document';

/** The single message group of the sync's FIFO queue: FIFO delivers one batch of a group at a time. */
export const SYNC_MESSAGE_GROUP = 'license-sync';

export interface ProductSyncState {
  readonly product: string;
  readonly desiredVersion: number;
  readonly appliedVersion: number;
  /** When the oldest change not yet applied was detected (ms since the epoch). */
  readonly pendingSinceMs?: number;
}

export interface SyncStore {
  /** Sync state of each product (desired and applied 0 when the product has none yet). */
  getSyncStates(products: readonly string[]): Promise<ProductSyncState[]>;
  /** Every user holding the product now (strongly consistent). */
  listUsers(product: string): Promise<string[]>;
  /**
   * Records `version` as applied unless a newer version already is; clears the pending-since
   * time when nothing newer than `version` is desired.
   */
  recordApplied(update: {
    readonly product: string;
    readonly version: number;
    readonly commandId: string;
    readonly atMs: number;
    readonly pendingSinceMs: number;
  }): Promise<void>;
  recordFailure(update: {
    readonly product: string;
    readonly version: number;
    readonly commandId?: string;
    readonly atMs: number;
    readonly error: string;
  }): Promise<void>;
}

export type CommandStatus = 'Success' | 'Failed' | 'TimedOut' | 'Cancelled' | 'Undeliverable';

export interface CommandOutcome {
  readonly status: CommandStatus;
  readonly detail?: string;
}

/** A list handed over as an object, as the store wrote it. */
export interface StoredUserList {
  readonly key: string;
  /** The object version written (the bucket is versioned), so the delete removes exactly it. */
  readonly versionId?: string;
}

/** Where lists too long for the users parameter are handed to the license server. */
export interface UserListStore {
  put(list: { readonly key: string; readonly body: string; readonly sha256: string }): Promise<StoredUserList>;
  remove(list: StoredUserList): Promise<void>;
}

export interface SyncRequest {
  readonly product: string;
  /** `users:` and the list, or only `users:` when the list is handed over as `usersObject`. */
  readonly users: string;
  readonly version: number;
  readonly usersObject?: { readonly key: string; readonly sha256: string };
}

/** The license server, reached through SSM Run Command. */
export interface LicenseServer {
  /** Sends the command; returns its ID. */
  send(request: SyncRequest): Promise<string>;
  /** Waits for the command to end, up to `deadlineMs` (then `TimedOut`). */
  wait(commandId: string, deadlineMs: number): Promise<CommandOutcome>;
}

export interface Clock {
  now(): number;
}

export interface SyncSettings {
  readonly products: readonly { readonly name: string; readonly seats: number }[];
  readonly userId: RegExp;
  /** How long one command may take before the cycle gives up on it. */
  readonly commandTimeoutMs: number;
  /** No new cycle starts after this time (ms since the epoch), so the function never times out mid-command. */
  readonly deadlineMs: number;
  /** Upper bound on cycles per invocation. */
  readonly maxCycles: number;
}

export type ProductAction = 'none' | 'synced' | 'failed';

export interface ProductReport {
  readonly product: string;
  readonly seats: number;
  readonly users: number;
  readonly desiredVersion: number;
  readonly appliedVersion: number;
  readonly action: ProductAction;
  readonly commandId?: string;
  /** From the first pending change to the recorded success. */
  readonly latencyMs?: number;
  readonly error?: string;
  /** The handed-over list's key, when the list went by S3. */
  readonly usersObject?: string;
  /** Why a handed-over list could not be deleted after success (the lifecycle rule expires it). */
  readonly cleanupError?: string;
  /** User IDs in the ledger that fail the pattern (never sent). */
  readonly invalidUsers: readonly string[];
}

export interface CycleReport {
  readonly products: readonly ProductReport[];
}

export interface SyncReport {
  readonly cycles: readonly CycleReport[];
  /** Why the loop ended. */
  readonly stopped: 'quiet' | 'failure' | 'deadline' | 'max-cycles';
}

export interface SyncDeps {
  readonly store: SyncStore;
  readonly server: LicenseServer;
  readonly clock: Clock;
  /** Without it, a list longer than the users parameter fails the sync. */
  readonly userLists?: UserListStore;
}

async function syncProduct(
  deps: SyncDeps,
  settings: SyncSettings,
  state: ProductSyncState,
  seats: number,
): Promise<ProductReport> {
  const all = await deps.store.listUsers(state.product);
  const valid = [...new Set(all.filter((u) => settings.userId.test(u)))].sort();
  const invalidUsers = all.filter((u) => !settings.userId.test(u));
  const base = {
    product: state.product,
    seats,
    users: valid.length,
    desiredVersion: state.desiredVersion,
    appliedVersion: state.appliedVersion,
    invalidUsers,
  };
  if (state.desiredVersion <= state.appliedVersion) return { ...base, action: 'none' };

  const fail = async (error: string, commandId?: string): Promise<ProductReport> => {
    await deps.store.recordFailure({
      product: state.product,
      version: state.desiredVersion,
      commandId,
      atMs: deps.clock.now(),
      error,
    });
    return { ...base, action: 'failed', error, commandId };
  };

  const users = encodeUsers(valid);
  // SSM counts bytes (its 64 KB covers the document and the run-time parameters).
  const usersBytes = Buffer.byteLength(users, 'utf8');
  let request: SyncRequest = { product: state.product, users, version: state.desiredVersion };
  let stored: StoredUserList | undefined;
  if (usersBytes > MAX_USERS_PARAMETER_LENGTH) {
    if (!deps.userLists) {
      return fail(
        `the user list is ${usersBytes} bytes, more than the ${MAX_USERS_PARAMETER_LENGTH} one command carries, and no user-list bucket is configured`,
      );
    }
    const body = encodeUserListObject(valid);
    const sha256 = createHash('sha256').update(body, 'utf8').digest('hex');
    const key = userListKey(state.product, state.desiredVersion, sha256);
    try {
      stored = await deps.userLists.put({ key, body, sha256 });
    } catch (e) {
      return fail(`writing the user list to S3 (${key}) failed: ${(e as Error).message}`);
    }
    request = { ...request, users: USERS_PREFIX, usersObject: { key, sha256 } };
  }
  const handedOver = stored ? { usersObject: stored.key } : {};
  let commandId: string;
  try {
    commandId = await deps.server.send(request);
  } catch (e) {
    return { ...(await fail(`SendCommand failed: ${(e as Error).message}`)), ...handedOver };
  }
  const outcome = await deps.server.wait(commandId, deps.clock.now() + settings.commandTimeoutMs);
  if (outcome.status !== 'Success') {
    const report = await fail(
      `command ${commandId} ended ${outcome.status}${outcome.detail ? `: ${outcome.detail}` : ''}`,
      commandId,
    );
    return { ...report, ...handedOver };
  }
  let cleanupError: string | undefined;
  if (stored && deps.userLists) {
    try {
      await deps.userLists.remove(stored);
    } catch (e) {
      cleanupError = (e as Error).message;
    }
  }
  const atMs = deps.clock.now();
  const pendingSinceMs = state.pendingSinceMs ?? atMs;
  await deps.store.recordApplied({
    product: state.product,
    version: state.desiredVersion,
    commandId,
    atMs,
    pendingSinceMs,
  });
  return {
    ...base,
    action: 'synced',
    commandId,
    latencyMs: Math.max(0, atMs - pendingSinceMs),
    ...handedOver,
    ...(cleanupError ? { cleanupError } : {}),
  };
}

/** One cycle: every product is looked at once; due products are synced in parallel. */
export async function runSyncCycle(deps: SyncDeps, settings: SyncSettings): Promise<CycleReport> {
  const names = settings.products.map((p) => p.name);
  const states = await deps.store.getSyncStates(names);
  const byName = new Map(states.map((s) => [s.product, s]));
  const products = await Promise.all(
    settings.products.map((p) =>
      syncProduct(
        deps,
        settings,
        byName.get(p.name) ?? { product: p.name, desiredVersion: 0, appliedVersion: 0 },
        p.seats,
      ),
    ),
  );
  return { products };
}

/**
 * Cycles until nothing is due (quiet), a sync failed (the next trigger or the schedule retries it),
 * the time budget would be exceeded, or `maxCycles` ran.
 */
export async function runSync(deps: SyncDeps, settings: SyncSettings): Promise<SyncReport> {
  const cycles: CycleReport[] = [];
  for (;;) {
    if (cycles.length >= settings.maxCycles) return { cycles, stopped: 'max-cycles' };
    if (cycles.length > 0 && deps.clock.now() + settings.commandTimeoutMs > settings.deadlineMs) {
      return { cycles, stopped: 'deadline' };
    }
    const cycle = await runSyncCycle(deps, settings);
    cycles.push(cycle);
    if (cycle.products.some((p) => p.action === 'failed')) return { cycles, stopped: 'failure' };
    if (cycle.products.every((p) => p.action === 'none')) return { cycles, stopped: 'quiet' };
  }
}
