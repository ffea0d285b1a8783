import { join } from 'node:path';
import { PlatformStack, type PlatformStackProps } from '../../lib/shared';
import { REPO_ROOT, testApp, type TestAppOptions, testOperations } from '../helpers/app';

export const ECHO_HANDLER = join(REPO_ROOT, 'test/fixtures/handlers/echo.ts');

/** A PlatformStack in a fresh test app, with the compliance checks on. */
export function testStack(overrides: Partial<PlatformStackProps> = {}, appOptions: TestAppOptions = {}): PlatformStack {
  const app = testApp(appOptions);
  return new PlatformStack(app, {
    env: { account: '111111111111', region: 'eu-west-1' },
    system: 'demo',
    role: 'test',
    operations: testOperations(),
    ...overrides,
  });
}
