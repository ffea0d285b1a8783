import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, validateConfig } from '../../config/load';
import { REPO_ROOT } from '../helpers/app';
import { minimalLicenseSection } from './support/config';

const base = minimalLicenseSection;

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
      userIdPattern: '^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$',
      sync: { interval: 'PT5M', commandTimeout: 'PT2M' },
      reconciliation: { enabled: true, interval: 'PT1H', readerRoleName: 'license-orchestration-reader' },
      archiveRetention: 'P30D',
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
    expect(problemsOf({ ...base(), userIdPattern: '^.+$' })).toEqual([
      'licenseOrchestration.userIdPattern: expected a pattern anchored as ^...$ that matches only letters, digits and ._@+-, without nested or overlapping repetition, but it accepts U+0000 through . (only letters, digits and ._@+-), got "^.+$"',
    ]);
    expect(problemsOf({ ...base(), userIdPattern: '[a-z]+' })[0]).toMatch(/it is not anchored/);
    expect(problemsOf({ ...base(), userIdPattern: '^[a-z$' })[0]).toMatch(/it is not a valid regular expression/);
  });

  // The patterns an audit got past a list of unsafe strings.
  it.each([
    ['x)|(?:[a-z]+@', /not a valid regular expression/],
    ['^x)|(?:[a-z]+@$', /not a valid regular expression/],
    ['^x$|^[a-z;]+@$', /alternation \(\|\) at the top level/],
    ['([a-z]+)+', /not anchored/],
    ['^([a-z]+)+$', /nests quantifiers in \(\[a-z\]\+\)\+/],
    ['^(a|a)*$', /repeats a group in \(a\|a\)\*/],
    ['^\\w+\\w+$', /repetitions \\w\+ and \\w\+ can match the same text/],
    ['^[A-Za-z0-9<>*\\\\\t]+$', /accepts U\+0009/],
    ['^[A-Za-z0-9<>*]+$', /accepts "\*"/],
    ['^[a-z]+;?[a-z]+$', /accepts ";"/],
    ['^[a-z]*$', /accepts an empty user ID/],
  ])('refuses the user-ID pattern %j', (pattern, message) => {
    const problems = problemsOf({ ...base(), userIdPattern: pattern });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^licenseOrchestration\.userIdPattern: expected a pattern anchored as \^\.\.\.\$/);
    expect(problems[0]).toMatch(message);
  });

  it.each(['^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$', '^[a-z]+(\\.[a-z]+)?@[a-z]+$', '^(?:corp|lab)-[0-9]{1,8}$'])(
    'accepts the user-ID pattern %j',
    (pattern) => {
      expect(validateConfig({ shared: {}, licenseOrchestration: { ...base(), userIdPattern: pattern } })).toBeDefined();
    },
  );

  it('refuses a product command with {{ }} (SSM would interpolate it)', () => {
    expect(
      problemsOf({ ...base(), products: [{ name: 'cad-suite', seats: 1, command: 'xlc --users {{users}}' }] }),
    ).toEqual([
      'licenseOrchestration.products[0].command: expected a command without {{ }} (SSM would interpolate it; read the LICENSE_* variables instead), got "xlc --users {{users}}"',
    ]);
  });

  it.each([
    ['/opt/xlc assign\n;;\n*) reboot', /bash can parse, but line 2: syntax error near unexpected token `;;'/],
    ['/opt/xlc assign "$LICENSE_USERS_FILE', /bash can parse, but .*unexpected EOF/],
    ['/opt/xlc assign\r\n', /bash can parse, but it contains the control character U\+000D/],
    ['/opt/xlc\u0000assign', /bash can parse, but it contains the control character U\+0000/],
  ])('refuses the product command %j', (command, message) => {
    const problems = problemsOf({ ...base(), products: [{ name: 'cad-suite', seats: 1, command }] });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^licenseOrchestration\.products\[0\]\.command: expected a command bash can parse/);
    expect(problems[0]).toMatch(message);
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
