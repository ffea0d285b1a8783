import { describe, expect, it } from 'vitest';
import { userIdMatcher } from '../../lambda/license-orchestration/core/contract';
import { createHash } from 'node:crypto';
import {
  type CommandOutcome,
  type LicenseServer,
  runSync,
  type StoredUserList,
  type SyncRequest,
  type SyncSettings,
  type UserListStore,
} from '../../lambda/license-orchestration/core/sync';
import { decodeUsers } from '../../lambda/license-orchestration/core/sync-document';
import { MemoryLedger } from '../../testing/license-orchestration/memory-ledger';

/** Objects by key, with a version per write, as a versioned bucket keeps them. */
class MemoryUserLists implements UserListStore {
  readonly objects = new Map<string, { body: string; versionId: string }>();
  private writes = 0;
  async put(list: { key: string; body: string }): Promise<StoredUserList> {
    const versionId = `v${++this.writes}`;
    this.objects.set(list.key, { body: list.body, versionId });
    return { key: list.key, versionId };
  }
  async remove(list: StoredUserList): Promise<void> {
    if (this.objects.get(list.key)?.versionId === list.versionId) this.objects.delete(list.key);
  }
}

class FakeServer implements LicenseServer {
  readonly sent: { product: string; users: string[]; version: number }[] = [];
  readonly requests: SyncRequest[] = [];
  outcomes: CommandOutcome['status'][] = [];
  /** Called between SendCommand and the result, to model changes landing meanwhile. */
  during?: () => Promise<void>;
  async send(r: SyncRequest) {
    this.requests.push(r);
    this.sent.push({ product: r.product, users: decodeUsers(r.users), version: r.version });
    return `cmd-${this.sent.length}`;
  }
  async wait(): Promise<CommandOutcome> {
    await this.during?.();
    return { status: this.outcomes.shift() ?? 'Success', detail: 'exit 1' };
  }
}

const PRODUCTS = [
  { name: 'cad-suite', seats: 2 },
  { name: 'sim-tool', seats: 5 },
];

function settings(overrides: Partial<SyncSettings> = {}): SyncSettings {
  return {
    products: PRODUCTS,
    userId: userIdMatcher('[a-z]+'),
    commandTimeoutMs: 1000,
    deadlineMs: Number.MAX_SAFE_INTEGER,
    maxCycles: 10,
    ...overrides,
  };
}

async function holding(ledger: MemoryLedger, product: string, user: string, instance: string) {
  const k = `${product}\u0000${user}`;
  const h = ledger.holdings.get(k) ?? { product, userId: user, instances: new Set<string>() };
  h.instances.add(instance);
  ledger.holdings.set(k, h);
  ledger.bumpDesiredVersion(product, 0);
}

describe('sync', () => {
  it('sends the complete list of each changed product and records it applied', async () => {
    const ledger = new MemoryLedger();
    await holding(ledger, 'cad-suite', 'bob', 'i-2');
    await holding(ledger, 'cad-suite', 'alice', 'i-1');
    const server = new FakeServer();
    const report = await runSync({ store: ledger, server, clock: { now: () => 5000 } }, settings());
    expect(server.sent).toEqual([{ product: 'cad-suite', users: ['alice', 'bob'], version: 2 }]);
    expect(ledger.sync.get('cad-suite')).toMatchObject({ desired: 2, applied: 2, pendingSinceMs: undefined });
    expect(report.stopped).toBe('quiet');
    expect(report.cycles[0].products.find((p) => p.product === 'cad-suite')).toMatchObject({
      action: 'synced',
      users: 2,
      latencyMs: 5000,
    });
  });

  it('stays quiet when nothing changed', async () => {
    const server = new FakeServer();
    const report = await runSync({ store: new MemoryLedger(), server, clock: { now: () => 0 } }, settings());
    expect(server.sent).toEqual([]);
    expect(report).toMatchObject({
      stopped: 'quiet',
      cycles: [{ products: [{ action: 'none' }, { action: 'none' }] }],
    });
  });

  it('leaves the applied version where it was when the command fails', async () => {
    const ledger = new MemoryLedger();
    await holding(ledger, 'sim-tool', 'alice', 'i-1');
    const server = new FakeServer();
    server.outcomes = ['Failed'];
    const report = await runSync({ store: ledger, server, clock: { now: () => 0 } }, settings());
    expect(report.stopped).toBe('failure');
    expect(report.cycles[0].products[1]).toMatchObject({
      action: 'failed',
      error: 'command cmd-1 ended Failed: exit 1',
    });
    expect(ledger.sync.get('sim-tool')).toMatchObject({ desired: 1, applied: 0 });
    // the next run retries it
    await runSync({ store: ledger, server, clock: { now: () => 0 } }, settings());
    expect(server.sent).toHaveLength(2);
    expect(ledger.sync.get('sim-tool')).toMatchObject({ applied: 1 });
  });

  it('picks up a change that lands while a command runs, in the next cycle, one command per product per cycle', async () => {
    const ledger = new MemoryLedger();
    await holding(ledger, 'cad-suite', 'alice', 'i-1');
    const server = new FakeServer();
    let landed = false;
    server.during = async () => {
      if (landed) return;
      landed = true;
      await holding(ledger, 'cad-suite', 'carol', 'i-9');
    };
    const report = await runSync({ store: ledger, server, clock: { now: () => 0 } }, settings());
    expect(server.sent.map((s) => [s.product, s.users, s.version])).toEqual([
      ['cad-suite', ['alice'], 1],
      ['cad-suite', ['alice', 'carol'], 2],
    ]);
    expect(report.cycles).toHaveLength(3);
    for (const cycle of report.cycles) {
      const sentThisCycle = cycle.products.filter((p) => p.action !== 'none').map((p) => p.product);
      expect(new Set(sentThisCycle).size).toBe(sentThisCycle.length);
    }
    expect(ledger.sync.get('cad-suite')).toMatchObject({ desired: 2, applied: 2 });
  });

  it('loses nothing when it crashes between sending and recording: the next run sends again', async () => {
    const ledger = new MemoryLedger();
    await holding(ledger, 'cad-suite', 'alice', 'i-1');
    const server = new FakeServer();
    const crashing = Object.create(ledger) as MemoryLedger;
    crashing.recordApplied = async () => {
      throw new Error('function timed out');
    };
    await expect(runSync({ store: crashing, server, clock: { now: () => 0 } }, settings())).rejects.toThrow(
      'timed out',
    );
    expect(ledger.sync.get('cad-suite')).toMatchObject({ desired: 1, applied: 0 });
    await runSync({ store: ledger, server, clock: { now: () => 0 } }, settings());
    // The same version twice: the license server applies it again (never an older one).
    expect(server.sent.map((c) => c.version)).toEqual([1, 1]);
    expect(ledger.sync.get('cad-suite')).toMatchObject({ desired: 1, applied: 1 });
  });

  it('never sends user IDs that fail the pattern, and reports them', async () => {
    const ledger = new MemoryLedger();
    await holding(ledger, 'cad-suite', 'alice', 'i-1');
    await holding(ledger, 'cad-suite', 'Mallory$(id)', 'i-2');
    const server = new FakeServer();
    const report = await runSync({ store: ledger, server, clock: { now: () => 0 } }, settings());
    expect(server.sent[0].users).toEqual(['alice']);
    expect(report.cycles[0].products[0].invalidUsers).toEqual(['Mallory$(id)']);
  });

  // Letters-only IDs of 8 characters: 4,000 of them make a users parameter of about 36,000 bytes.
  async function longList(ledger: MemoryLedger): Promise<string[]> {
    const id = (i: number) =>
      [0, 1, 2, 3].map((d) => String.fromCharCode(97 + (Math.floor(i / 26 ** d) % 26))).join('');
    const users = Array.from({ length: 4000 }, (_, i) => `user${id(i)}`);
    for (const [i, user] of users.entries()) await holding(ledger, 'cad-suite', user, `i-${i}`);
    return users.sort();
  }

  it('hands a list too long for one parameter over as an object named by its sha256, deleted after success', async () => {
    const ledger = new MemoryLedger();
    const users = await longList(ledger);
    const userLists = new MemoryUserLists();
    const server = new FakeServer();
    const seen: string[] = [];
    server.during = async () => {
      seen.push(...userLists.objects.keys());
    };
    const deps = { store: ledger, server, clock: { now: () => 0 }, userLists };
    const report = await runSync(deps, settings({ userId: /^[a-z]+$/ }));
    const body = users.map((u) => `${u}\n`).join('');
    const sha256 = createHash('sha256').update(body).digest('hex');
    const key = `user-lists/cad-suite/4000-${sha256}`;
    expect(server.requests).toEqual([
      { product: 'cad-suite', users: 'users:', version: 4000, usersObject: { key, sha256 } },
    ]);
    expect(seen).toEqual([key]);
    expect(report.cycles[0].products[0]).toMatchObject({ action: 'synced', usersObject: key });
    expect(userLists.objects.size).toBe(0);
    expect(ledger.sync.get('cad-suite')).toMatchObject({ applied: 4000 });
  });

  it('keeps the handed-over object when the command fails (it may still be running on the server)', async () => {
    const ledger = new MemoryLedger();
    const users = await longList(ledger);
    const userLists = new MemoryUserLists();
    const server = new FakeServer();
    server.outcomes = ['TimedOut'];
    const report = await runSync(
      { store: ledger, server, clock: { now: () => 0 }, userLists },
      settings({ userId: /^[a-z]+$/ }),
    );
    expect(report.stopped).toBe('failure');
    const [key] = [...userLists.objects.keys()];
    expect(report.cycles[0].products[0]).toMatchObject({ action: 'failed', usersObject: key });
    expect(userLists.objects.get(key)?.body).toBe(users.map((u) => `${u}\n`).join(''));
  });

  it('records a handed-over list applied even when deleting it fails, and reports why', async () => {
    const ledger = new MemoryLedger();
    await longList(ledger);
    const userLists = new MemoryUserLists();
    userLists.remove = async () => {
      throw new Error('AccessDenied');
    };
    const server = new FakeServer();
    const report = await runSync(
      { store: ledger, server, clock: { now: () => 0 }, userLists },
      settings({ userId: /^[a-z]+$/ }),
    );
    expect(report.cycles[0].products[0]).toMatchObject({ action: 'synced', cleanupError: 'AccessDenied' });
    expect(ledger.sync.get('cad-suite')).toMatchObject({ applied: 4000 });
  });

  it('sends a list that fits as the users parameter, without touching the store', async () => {
    const ledger = new MemoryLedger();
    await holding(ledger, 'cad-suite', 'alice', 'i-1');
    const userLists = new MemoryUserLists();
    const server = new FakeServer();
    await runSync({ store: ledger, server, clock: { now: () => 0 }, userLists }, settings());
    expect(server.requests).toEqual([{ product: 'cad-suite', users: 'users:alice', version: 1 }]);
    expect(userLists.objects.size).toBe(0);
  });

  it('fails loudly instead of cutting a list too long for one command when there is no user-list store', async () => {
    const ledger = new MemoryLedger();
    await longList(ledger);
    const server = new FakeServer();
    const report = await runSync({ store: ledger, server, clock: { now: () => 0 } }, settings({ userId: /^[a-z]+$/ }));
    expect(server.sent).toEqual([]);
    expect(report.cycles[0].products[0].error).toMatch(/more than the 32000 one command carries/);
  });

  it('starts no new cycle that could overrun the deadline', async () => {
    const ledger = new MemoryLedger();
    await holding(ledger, 'cad-suite', 'alice', 'i-1');
    const server = new FakeServer();
    let now = 0;
    server.during = async () => {
      now += 600;
      ledger.bumpDesiredVersion('cad-suite', 0);
    };
    const report = await runSync({ store: ledger, server, clock: { now: () => now } }, settings({ deadlineMs: 1500 }));
    expect(report.stopped).toBe('deadline');
    expect(server.sent).toHaveLength(1);
  });
});
