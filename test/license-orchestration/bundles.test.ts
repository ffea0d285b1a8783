import { describe, expect, it } from 'vitest';
import { HANDLER_ENTRY } from '../../lib/license-orchestration';
import { bundleHandler } from '../helpers/bundle';

async function loadBundle(entry: string): Promise<{ handler?: unknown }> {
  return require(await bundleHandler(entry)) as { handler?: unknown };
}

// Each handler as deployed: loadable without any environment (settings are read at the first
// invocation), exporting `handler`.
describe('handler bundles', () => {
  for (const [name, entry] of Object.entries(HANDLER_ENTRY)) {
    it(`${name} bundles and loads without configuration`, async () => {
      expect(typeof (await loadBundle(entry)).handler).toBe('function');
    });
  }

  it('fails the first invocation with the name of a missing setting', async () => {
    const { handler } = (await loadBundle(HANDLER_ENTRY.ledger)) as {
      handler: (e: unknown) => Promise<unknown>;
    };
    const saved = process.env.LEDGER_TABLE_NAME;
    delete process.env.LEDGER_TABLE_NAME;
    try {
      await expect(handler({})).rejects.toThrow('environment variable LEDGER_TABLE_NAME is not set');
    } finally {
      if (saved !== undefined) process.env.LEDGER_TABLE_NAME = saved;
    }
  });
});
