import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, validateConfig } from '../../config/load';
import { REPO_ROOT } from '../helpers/app';

const base = () => ({
  licenseServer: { account: '111111111111', region: 'eu-west-1', instanceId: 'i-0123456789abcdef0' },
  workbenchAccounts: [{ account: '222222222222', regions: ['eu-west-1'] }],
  products: [{ name: 'cad-suite', seats: 5, command: '/opt/xlc assign --file "$LICENSE_USERS_FILE"' }],
  workbenchTypes: { cad: ['cad-suite'] },
});

function problemsOf(section: unknown): readonly string[] {
  try {
    validateConfig({ shared: {}, licenseOrchestration: section });
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as ConfigError).problems;
  }
  throw new Error('config was accepted');
}

describe('licenseOrchestration config', () => {
  it('accepts the example (two workbench accounts, one license server) and fills defaults', () => {
    const config = loadConfig(join(REPO_ROOT, 'config/example.yaml')).licenseOrchestration;
    expect(config?.licenseServer.account).toBe('111111111111');
    expect(config?.workbenchAccounts.map((w) => w.account)).toEqual(['222222222222', '333333333333']);
    const minimal = validateConfig({ shared: {}, licenseOrchestration: base() }).licenseOrchestration;
    expect(minimal).toMatchObject({
      busName: 'license-orchestration',
      tags: { ownerId: 'vew:workbench:ownerId', type: 'vew:workbench:type' },
      userIdPattern: '[A-Za-z0-9][A-Za-z0-9._@-]{0,63}',
      sync: { scheduleMinutes: 5, commandTimeoutSeconds: 120 },
      reconciliation: { enabled: true, scheduleMinutes: 60, readerRoleName: 'license-orchestration-reader' },
      archiveRetentionDays: 30,
      cloudTrailDataEvents: false,
    });
  });

  it('is optional: without it the system is not deployed', () => {
    expect(validateConfig({ shared: {} }).licenseOrchestration).toBeUndefined();
  });

  it('names a workbench type that maps to an unknown product', () => {
    expect(problemsOf({ ...base(), workbenchTypes: { cad: ['cad-suite', 'cad-suit'] } })).toEqual([
      'licenseOrchestration.workbenchTypes.cad[1]: expected one of the products (cad-suite), got "cad-suit"',
    ]);
  });

  it('names a product listed twice and a non-positive seat count', () => {
    const products = [...base().products, { name: 'sim-tool', seats: -1, command: 'x' }];
    expect(problemsOf({ ...base(), products })).toEqual([
      'licenseOrchestration.products[1].seats: expected a value of at least 1, got -1',
    ]);
    expect(
      problemsOf({ ...base(), products: [...base().products, { name: 'cad-suite', seats: 1, command: 'x' }] }),
    ).toEqual([
      'licenseOrchestration.products[1].name: expected a unique product name ("cad-suite" is listed twice), got "cad-suite"',
    ]);
  });

  it('names a workbench account listed twice and a Region listed twice', () => {
    expect(
      problemsOf({
        ...base(),
        workbenchAccounts: [
          { account: '222222222222', regions: ['eu-west-1', 'eu-west-1'] },
          { account: '222222222222', regions: ['us-east-1'] },
        ],
      }),
    ).toEqual([
      'licenseOrchestration.workbenchAccounts[0].regions: expected each Region once, got an array of 2',
      'licenseOrchestration.workbenchAccounts[1].account: expected each workbench account once (list its Regions under regions), got "222222222222"',
    ]);
  });

  it('refuses user-ID patterns that would let shell or list syntax through', () => {
    expect(problemsOf({ ...base(), userIdPattern: '.+' })).toEqual([
      'licenseOrchestration.userIdPattern: expected a pattern that rejects commas, whitespace, quotes and shell characters (it accepts "a,b"), got ".+"',
    ]);
    expect(problemsOf({ ...base(), userIdPattern: '^[a-z]+$' })[0]).toMatch(/expected a pattern without \^ or \$/);
    expect(problemsOf({ ...base(), userIdPattern: '[a-z' })[0]).toMatch(/expected a valid regular expression/);
  });

  it('refuses a product command with {{ }} (SSM would interpolate it)', () => {
    expect(
      problemsOf({ ...base(), products: [{ name: 'cad-suite', seats: 1, command: 'xlc --users {{users}}' }] }),
    ).toEqual([
      'licenseOrchestration.products[0].command: expected a command without {{ }} (SSM would interpolate it; read the LICENSE_* variables instead), got "xlc --users {{users}}"',
    ]);
  });

  it('names bad identifiers', () => {
    const problems = problemsOf({
      ...base(),
      licenseServer: { account: '1111', region: 'eu-west-1', instanceId: 'server-1' },
      organizationId: 'org-1',
      products: [{ name: 'CAD Suite', seats: 1, command: 'x' }],
      workbenchTypes: {},
    });
    expect(problems).toEqual(
      expect.arrayContaining([
        'licenseOrchestration.licenseServer.account: expected a 12-digit AWS account ID, got "1111"',
        'licenseOrchestration.licenseServer.instanceId: expected an EC2 instance ID, got "server-1"',
        'licenseOrchestration.organizationId: expected an AWS Organizations ID such as o-a1b2c3d4e5, got "org-1"',
        'licenseOrchestration.products[0].name: expected a product name of lowercase letters, digits and hyphens, starting with a letter, got "CAD Suite"',
      ]),
    );
  });

  it('names an empty type mapping and a misspelt field', () => {
    expect(problemsOf({ ...base(), workbenchTypes: {} })).toEqual([
      'licenseOrchestration.workbenchTypes: expected at least one workbench type, got an object',
    ]);
    expect(problemsOf({ ...base(), sync: { scheduleMinute: 5 } })).toEqual([
      'licenseOrchestration.sync.scheduleMinute: unknown field (not part of the config schema: check its spelling or remove it)',
    ]);
  });
});
