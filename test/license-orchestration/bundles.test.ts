import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HANDLER_ENTRY } from '../../lib/license-orchestration';
import { REPO_ROOT } from '../helpers/app';
import { bundleHandler } from '../helpers/bundle';

/**
 * Bundles a handler like StandardFunction does and places the bundle inside the repository, so its
 * external AWS SDK imports resolve from node_modules as the Lambda runtime provides them.
 */
async function loadBundle(name: string, entry: string): Promise<{ handler?: unknown }> {
  const dir = join(REPO_ROOT, 'node_modules', '.cache', 'license-orchestration-bundles', name);
  mkdirSync(dir, { recursive: true });
  const target = join(dir, 'index.js');
  copyFileSync(await bundleHandler(entry), target);
  delete require.cache[target];
  return require(target) as { handler?: unknown };
}

// Each handler as deployed: loadable without any environment (settings are read at the first
// invocation), exporting `handler`.
describe('handler bundles', () => {
  for (const [name, entry] of Object.entries(HANDLER_ENTRY)) {
    it(`${name} bundles and loads without configuration`, async () => {
      expect(typeof (await loadBundle(name, entry)).handler).toBe('function');
    });
  }

  it('fails the first invocation with the name of a missing setting', async () => {
    const { handler } = (await loadBundle('ledger-missing-env', HANDLER_ENTRY.ledger)) as {
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
