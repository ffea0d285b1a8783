import { ESLint } from 'eslint';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/app';

// The handler layers as eslint.config.mjs enforces them: handlers and adapters depend on core,
// core depends on neither. The files linted here are not on disk; ESLint picks the rules by path.

const eslint = new ESLint({ cwd: REPO_ROOT });

async function restrictedImports(path: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: join(REPO_ROOT, path) });
  return result.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

describe('handler layer imports', () => {
  it.each([
    ['a value from adapters/', "import { parseSettings } from '../adapters/settings';"],
    ['a type from adapters/', "import type { MonitorSettings } from '../adapters/settings';"],
    ['from handlers/', "import { handler } from '../handlers/report';"],
  ])('refuses core/ importing %s', async (_what, code) => {
    for (const system of ['sms-monitor', 'flink-alerting', 'license-orchestration', 'privatelink-failover']) {
      const messages = await restrictedImports(`lambda/${system}/core/example.ts`, code);
      expect(messages).toHaveLength(1);
      expect(messages[0]).toContain('core/ must not import from adapters/ or handlers/');
    }
  });

  it('refuses it from a folder inside core/ too', async () => {
    const messages = await restrictedImports(
      'lambda/sms-monitor/core/templates/example.ts',
      "import { parseSettings } from '../../adapters/settings';",
    );
    expect(messages).toHaveLength(1);
  });

  it('lets core/ import core/, and adapters/ and handlers/ import core/', async () => {
    expect(
      await restrictedImports('lambda/sms-monitor/core/example.ts', "import type { X } from './settings';"),
    ).toEqual([]);
    for (const layer of ['adapters', 'handlers']) {
      expect(
        await restrictedImports(
          `lambda/sms-monitor/${layer}/example.ts`,
          "import type { MonitorSettings } from '../core/settings';\nimport { parseSettings } from '../adapters/settings';",
        ),
      ).toEqual([]);
    }
  });
});
