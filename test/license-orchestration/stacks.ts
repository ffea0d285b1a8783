// Builds this system's stacks from a config section, as the app does, for template tests.
import { validateConfig } from '../../config/load';
import type { LicenseOrchestrationConfig } from '../../config/schema';
import { addLicenseOrchestrationStacks, type LicenseOrchestrationStacks } from '../../lib/license-orchestration';
import { enableComplianceChecks } from '../../lib/shared';
import { testApp, testOperations } from '../helpers/app';

export const SECTION = {
  licenseServer: {
    account: '111111111111',
    region: 'eu-west-1',
    instanceId: 'i-0123456789abcdef0',
    instanceRoleName: 'license-server',
  },
  workbenchAccounts: [
    { account: '222222222222', regions: ['eu-west-1', 'us-east-1'] },
    { account: '333333333333', regions: ['eu-west-1'] },
  ],
  products: [
    { name: 'cad-suite', seats: 50, command: '/opt/xlc assign --product cad-suite --file "$LICENSE_USERS_FILE"' },
    { name: 'sim-tool', seats: 20, command: '/opt/xlc assign --product sim-tool --file "$LICENSE_USERS_FILE"' },
  ],
  workbenchTypes: { 'cad-engineering': ['cad-suite', 'sim-tool'], simulation: ['sim-tool'] },
};

export function licenseConfig(overrides: Record<string, unknown> = {}): LicenseOrchestrationConfig {
  const config = validateConfig({
    shared: {},
    licenseOrchestration: { ...SECTION, ...overrides },
  }).licenseOrchestration;
  if (!config) throw new Error('no section');
  return config;
}

export function buildStacks(
  overrides: Record<string, unknown> = {},
  options: { compliance?: boolean; bundling?: boolean } = {},
): LicenseOrchestrationStacks {
  const app = testApp({ bundling: options.bundling });
  if (options.compliance) enableComplianceChecks(app);
  return addLicenseOrchestrationStacks(app, licenseConfig(overrides), testOperations());
}
