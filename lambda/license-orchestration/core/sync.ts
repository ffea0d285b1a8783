// The sync: for each product whose desired version is ahead of the applied one, send the complete
// user list to the license server, wait for the result, and record the applied version only on
// success. The desired version is read before the user list, so a change that lands after the
// read raises the desired version again and is picked up by the next cycle: nothing is missed,
// at worst a list is sent twice. One cycle sends at most one command per product.
import { encodeUsers, MAX_USERS_PARAMETER_LENGTH } from './sync-document';

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

/** The license server, reached through SSM Run Command. */
export interface LicenseServer {
  /** Sends the command; returns its ID. */
  send(request: { readonly product: string; readonly users: string; readonly version: number }): Promise<string>;
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
  if (usersBytes > MAX_USERS_PARAMETER_LENGTH) {
    return fail(
      `the user list is ${usersBytes} bytes, more than the ${MAX_USERS_PARAMETER_LENGTH} one command carries`,
    );
  }
  let commandId: string;
  try {
    commandId = await deps.server.send({ product: state.product, users, version: state.desiredVersion });
  } catch (e) {
    return fail(`SendCommand failed: ${(e as Error).message}`);
  }
  const outcome = await deps.server.wait(commandId, deps.clock.now() + settings.commandTimeoutMs);
  if (outcome.status !== 'Success') {
    return fail(
      `command ${commandId} ended ${outcome.status}${outcome.detail ? `: ${outcome.detail}` : ''}`,
      commandId,
    );
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
  return { ...base, action: 'synced', commandId, latencyMs: Math.max(0, atMs - pendingSinceMs) };
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
