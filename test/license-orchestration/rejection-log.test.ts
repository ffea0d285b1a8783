// Rejected events' reasons (and a handed-over user list the sync could not delete) as CloudWatch
// receives them: Powertools JSON on stdout, where the key `message` is reserved (an extra key of
// that name is dropped with a warning).
import { Logger } from '@aws-lambda-powertools/logger';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createLedgerHandler } from '../../lambda/license-orchestration/handlers/ledger';
import { createPublisherHandler } from '../../lambda/license-orchestration/handlers/publisher';
import { createSyncHandler } from '../../lambda/license-orchestration/handlers/sync';
import { userIdMatcher } from '../../lambda/license-orchestration/core/contract';
import { capturedLogLines } from '../helpers/log-lines';
import { MemoryLedger } from '../../testing/license-orchestration/memory-ledger';
import { testTelemetry } from './support/telemetry';

afterEach(() => {
  vi.restoreAllMocks();
});

async function logLines(run: (logger: Logger) => Promise<unknown>): Promise<Record<string, unknown>[]> {
  // One JSON line per entry, as in Lambda (dev mode, which testTelemetry turns on, pretty-prints).
  vi.stubEnv('POWERTOOLS_DEV', 'false');
  const logger = new Logger({ logLevel: 'WARN', serviceName: 'license-test' });
  vi.unstubAllEnvs();
  const lines = await capturedLogLines(() => run(logger));
  return lines.filter((l) => l.message === 'event rejected');
}

describe('rejected events keep their reason in the log line', () => {
  it('publisher', async () => {
    const lines = await logLines(async (logger) => {
      const handler = createPublisherHandler(() => ({
        ...testTelemetry(),
        logger,
        tagsOf: async () => undefined,
        publish: async () => undefined,
        reject: async () => undefined,
        settings: { ownerTag: 'owner', typeTag: 'type', userId: userIdMatcher('[a-z]+') },
      }));
      await handler({ nonsense: true });
    });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ reason: 'malformed-event', detail: expect.stringMatching(/.+/) });
  });

  it('ledger', async () => {
    const lines = await logLines(async (logger) => {
      const handler = createLedgerHandler(() => ({
        ...testTelemetry(),
        logger,
        store: new MemoryLedger(),
        reject: async () => undefined,
        catalog: { cad: ['cad-suite'] },
        userId: userIdMatcher('[a-z]+'),
      }));
      await handler({ nonsense: true });
    });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ detail: expect.stringMatching(/.+/) });
  });
});

describe('a handed-over user list left behind is named in the log', () => {
  it('sync', async () => {
    vi.stubEnv('POWERTOOLS_DEV', 'false');
    const logger = new Logger({ logLevel: 'WARN', serviceName: 'license-test' });
    vi.unstubAllEnvs();
    const ledger = new MemoryLedger();
    // Enough 64-character IDs to exceed one users parameter.
    for (let i = 0; i < 600; i++) {
      const user = `u${String(i).padStart(4, '0')}`.padEnd(64, 'x');
      ledger.holdings.set(`cad-suite\u0000${user}`, {
        product: 'cad-suite',
        userId: user,
        instances: new Set(['i-1']),
      });
    }
    ledger.bumpDesiredVersion('cad-suite', 0);
    const handler = createSyncHandler(() => ({
      ...testTelemetry(),
      logger,
      store: ledger,
      server: { send: async () => 'cmd-1', wait: async () => ({ status: 'Success' }) },
      userLists: {
        put: async (list) => ({ key: list.key, versionId: 'v1' }),
        remove: async () => {
          throw new Error('AccessDenied');
        },
      },
      clock: { now: () => 0 },
      products: [{ name: 'cad-suite', seats: 600 }],
      userId: userIdMatcher('^[a-z0-9]{1,64}$'),
      commandTimeoutMs: 1000,
    }));
    const lines = await capturedLogLines(() => handler({ Records: [] }));
    const warning = lines.find(
      (l) => l.message === 'handed-over user list not deleted; the bucket lifecycle rule expires it',
    );
    expect(warning).toMatchObject({
      level: 'WARN',
      product: 'cad-suite',
      usersObject: expect.stringMatching(/^user-lists\/cad-suite\/1-[0-9a-f]{64}$/),
      error: 'AccessDenied',
    });
  });
});
