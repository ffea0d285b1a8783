// The functions' environment settings accept exactly what the config accepts for every setting the
// stacks copy from the config: a value the config lets through must not stop a function at its
// first invocation, and a value a function would refuse must fail at synth.
import { describe, expect, it } from 'vitest';
import { isoDurationOf } from '../../config/schema/duration';
import { commandTimeoutSeconds } from '../../config/schema/license-orchestration-fields';
import { licenseOrchestrationConfig } from '../../config/schema/license-orchestration';
import {
  catalogFrom,
  commandTimeoutSecondsFrom,
  ENV,
  productsFrom,
  readerRoleNameFrom,
  tagsFrom,
  userIdFrom,
} from '../../lambda/license-orchestration/adapters/settings';
import { STACK_SET_ENV, stackSetFrom } from '../../lambda/license-orchestration/adapters/stack-set-settings';
import { minimalLicenseSection } from './support/config';
import { expectSameVerdicts } from '../helpers/settings-drift';

type Section = ReturnType<typeof minimalLicenseSection> & Record<string, unknown>;

function configAccepts(change: (section: Section) => void): boolean {
  const section: Section = minimalLicenseSection();
  change(section);
  return licenseOrchestrationConfig.safeParse(section).success;
}

function settingsAccept(read: () => unknown): boolean {
  try {
    read();
    return true;
  } catch {
    return false;
  }
}

describe('license functions settings and the config agree', () => {
  // The config takes the timeout as a duration, the function as a number of seconds.
  it('on sync.commandTimeout at its bounds', () => {
    const { minValue: min, maxValue: max } = commandTimeoutSeconds;
    if (min === null || max === null) throw new Error('commandTimeoutSeconds needs both bounds');
    expectSameVerdicts(
      [min - 1, min, min + 0.5, max, max + 1],
      (v) => configAccepts((s) => (s.sync = { commandTimeout: isoDurationOf((v as number) * 1000) })),
      (v) => settingsAccept(() => commandTimeoutSecondsFrom({ [ENV.commandTimeoutSeconds]: String(v) })),
    );
  });

  it('on product names and seats', () => {
    const products = [
      { name: 'cad-suite', seats: 1 },
      { name: 'cad-suite', seats: 0 },
      { name: 'cad-suite', seats: 1.5 },
      { name: 'Cad', seats: 1 },
      { name: `c${'a'.repeat(62)}`, seats: 1 },
      { name: `c${'a'.repeat(63)}`, seats: 1 },
    ];
    expectSameVerdicts(
      products,
      (p) =>
        configAccepts((s) => {
          s.products = [{ ...(p as object), command: 'true' }] as Section['products'];
          s.workbenchTypes = { cad: [(p as { name: string }).name] };
        }),
      (p) => settingsAccept(() => productsFrom({ [ENV.products]: JSON.stringify([p]) })),
    );
  });

  it('on workbench types', () => {
    expectSameVerdicts(
      [
        { cad: ['cad-suite'] },
        { 'team/cad:2': ['cad-suite'] },
        { cad: [] },
        { '-cad': ['cad-suite'] },
        { cad: 'cad-suite' },
      ],
      (t) => configAccepts((s) => (s.workbenchTypes = t as Section['workbenchTypes'])),
      (t) => settingsAccept(() => catalogFrom({ [ENV.workbenchTypes]: JSON.stringify(t) })),
    );
  });

  it('on tag keys and the reader role name', () => {
    const tagKeys = ['vew:workbench:ownerId', 'aws:owner', 'x'.repeat(128), 'x'.repeat(129), 'owner#1'];
    expectSameVerdicts(
      tagKeys,
      (k) => configAccepts((s) => (s.tags = { ownerId: k, type: 'type' })),
      (k) => settingsAccept(() => tagsFrom({ [ENV.ownerTag]: k as string, [ENV.typeTag]: 'type' })),
    );
    const roleNames = ['license-orchestration-reader', 'a'.repeat(64), 'a'.repeat(65), 'has space'];
    expectSameVerdicts(
      roleNames,
      (r) => configAccepts((s) => (s.reconciliation = { readerRoleName: r })),
      (r) => settingsAccept(() => readerRoleNameFrom({ [ENV.readerRoleName]: r as string })),
    );
  });

  it('on the user-ID pattern', () => {
    const patterns = [
      '^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$',
      '^[a-z]+$',
      '[a-z]+',
      '^[a-z ]+$',
      '^(a+)+$',
      '^\\w+\\w+$',
      '^[a-z]*$',
      `^${'a'.repeat(199)}$`,
    ];
    expect(configAccepts((s) => (s.userIdPattern = patterns[0]))).toBe(true);
    expectSameVerdicts(
      patterns,
      (p) => configAccepts((s) => (s.userIdPattern = p)),
      (p) => settingsAccept(() => userIdFrom({ [ENV.userIdPattern]: p as string })),
    );
  });

  it('on the workbench StackSet callAs', () => {
    const withStackSet = (callAs: unknown) => (s: Section) => {
      s.organizationId = 'o-a1b2c3d4e5';
      s.workbenchStackSet = {
        organizationalUnitIds: ['ou-ab12-11111111'],
        regions: ['eu-west-1'],
        admin: { account: '333333333333', region: 'eu-west-1' },
        callAs,
      };
    };
    expect(configAccepts(withStackSet('SELF'))).toBe(true);
    expectSameVerdicts(
      ['SELF', 'DELEGATED_ADMIN', 'self', 'ADMIN', ''],
      (c) => configAccepts(withStackSet(c)),
      (c) =>
        settingsAccept(() =>
          stackSetFrom({
            [STACK_SET_ENV.name]: 'license-workbench',
            [STACK_SET_ENV.region]: 'eu-west-1',
            [STACK_SET_ENV.callAs]: c as string,
            [STACK_SET_ENV.listerRoleArn]: 'arn:aws:iam::333333333333:role/lister',
          }),
        ),
    );
  });
});
