// Rejected events' reasons as CloudWatch receives them: Powertools JSON on stdout, where the key
// `message` is reserved (an extra key of that name is dropped with a warning).
import { Logger } from '@aws-lambda-powertools/logger';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createLedgerHandler } from '../../lambda/license-orchestration/handlers/ledger';
import { createPublisherHandler } from '../../lambda/license-orchestration/handlers/publisher';
import { userIdMatcher } from '../../lambda/license-orchestration/core/contract';
import { capturedLogLines } from '../helpers/log-lines';
import { MemoryLedger } from './support/memory-ledger';
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
      const handler = createPublisherHandler({
        ...testTelemetry(),
        logger,
        tagsOf: async () => undefined,
        publish: async () => undefined,
        reject: async () => undefined,
        settings: { ownerTag: 'owner', typeTag: 'type', userId: userIdMatcher('[a-z]+') },
      });
      await handler({ nonsense: true });
    });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ reason: 'malformed-event', detail: expect.stringMatching(/.+/) });
  });

  it('ledger', async () => {
    const lines = await logLines(async (logger) => {
      const handler = createLedgerHandler({
        ...testTelemetry(),
        logger,
        store: new MemoryLedger(),
        reject: async () => undefined,
        catalog: { cad: ['cad-suite'] },
        userId: userIdMatcher('[a-z]+'),
      });
      await handler({ nonsense: true });
    });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ detail: expect.stringMatching(/.+/) });
  });
});
