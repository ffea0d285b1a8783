import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ECHO_HANDLER } from '../shared/fixtures';
import { bundleHandler } from './bundle';

describe('bundleHandler', () => {
  it('builds a loadable bundle with a source map, as deployed', async () => {
    const bundle = await bundleHandler(ECHO_HANDLER);
    expect(existsSync(`${bundle}.map`)).toBe(true);
    const { handler } = require(bundle) as { handler: (event: unknown) => Promise<unknown> };
    await expect(handler({ hello: 'world' })).resolves.toEqual({ hello: 'world' });
  });
});
