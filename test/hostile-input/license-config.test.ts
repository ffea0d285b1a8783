// Hostile values for the license-orchestration config fields: each is refused with one line that
// names the field (the config loader and `cdk synth` print these lines).
import { describe, expect, it } from 'vitest';
import { ConfigError, validateConfig } from '../../config/load';
import { minimalLicenseSection } from '../license-orchestration/support/config';

const base = minimalLicenseSection;

const product = (fields: Record<string, unknown>) => ({
  products: [{ ...base().products[0], ...fields }],
});

const nested = (depth: number): unknown => (depth === 0 ? {} : [nested(depth - 1)]);

const cases: [string, Record<string, unknown>, RegExp][] = [
  // userIdPattern: the audit's bypasses and their relatives
  [
    'pattern breaking out of its group',
    { userIdPattern: 'x)|(?:[a-z]+@' },
    /^licenseOrchestration\.userIdPattern: .*not a valid regular expression/,
  ],
  ['nested quantifiers', { userIdPattern: '^([a-z]+)+$' }, /userIdPattern: .*nests quantifiers/],
  ['shell characters and a tab', { userIdPattern: '^[A-Za-z0-9<>*\\\\\t]+$' }, /userIdPattern: .*accepts U\+0009/],
  ['overlapping alternatives repeated', { userIdPattern: '^(a|a)*$' }, /userIdPattern: .*repeats a group/],
  ['adjacent overlapping repetitions', { userIdPattern: '^\\w+\\w+$' }, /userIdPattern: .*can match the same text/],
  ['top-level alternation', { userIdPattern: '^[a-z]+$|^.*$' }, /userIdPattern: .*alternation \(\|\) at the top level/],
  ['a right-to-left mark', { userIdPattern: '^[a-z\u202E]+$' }, /userIdPattern: .*accepts U\+202E/],
  ['Cyrillic look-alikes', { userIdPattern: '^[a-z\u0430-\u044F]+$' }, /userIdPattern: .*accepts U\+0430/],
  ['a comma (the list separator)', { userIdPattern: '^[a-z]+,[a-z]+$' }, /userIdPattern: .*accepts "," /],
  ['a lookbehind', { userIdPattern: '^(?<=a)[a-z]+$' }, /userIdPattern: .*assertion \(\?<=a\)/],
  ['a back-reference', { userIdPattern: '^([a-z])\\1$' }, /userIdPattern: .*back-reference/],
  ['an empty pattern', { userIdPattern: '' }, /^licenseOrchestration\.userIdPattern: .*(at least 1|too small)/i],
  ['a whitespace-only pattern', { userIdPattern: '   ' }, /userIdPattern: .*not anchored/],
  ['a number', { userIdPattern: 42 }, /userIdPattern: expected string, got 42|userIdPattern: .*string/],
  ['an oversized pattern', { userIdPattern: `^${'a'.repeat(300)}$` }, /userIdPattern: .*(at most 200|too big)/i],
  // product commands and names
  [
    'a command that adds a case branch',
    product({ command: 'true\n;;\n*) reboot' }),
    /^licenseOrchestration\.products\[0\]\.command: expected a command bash can parse, but line 2/,
  ],
  [
    'a command with an unbalanced quote',
    product({ command: "echo 'x" }),
    /products\[0\]\.command: expected a command bash can parse/,
  ],
  ['a command with a carriage return', product({ command: 'xlc\r\n' }), /products\[0\]\.command: .*U\+000D/],
  ['a binary command', product({ command: '\u0000\u0001\u00ff' }), /products\[0\]\.command: .*U\+0000/],
  ['an empty command', product({ command: '' }), /products\[0\]\.command: .*(at least 1|too small)/i],
  [
    'an oversized command',
    product({ command: `echo ${'x'.repeat(4000)}` }),
    /products\[0\]\.command: .*(at most 4000|too big)/i,
  ],
  ['a number as command', product({ command: 7 }), /products\[0\]\.command: .*string/],
  [
    'a product name with a right-to-left mark',
    product({ name: 'cad\u202Esuite' }),
    /products\[0\]\.name: expected a product name/,
  ],
  [
    'a product name with Cyrillic look-alikes',
    product({ name: 'c\u0430d-suite' }),
    /products\[0\]\.name: expected a product name/,
  ],
  ['a whitespace-only product name', product({ name: '   ' }), /products\[0\]\.name: expected a product name/],
  ['seats as a string', product({ seats: '5' }), /products\[0\]\.seats: .*number/],
  ['no products', { products: [] }, /^licenseOrchestration\.products: /],
  ['deeply nested products', { products: nested(200) }, /^licenseOrchestration\.products\[0\]: .*object/],
  // tag keys
  [
    'a tag key in the aws: namespace',
    { tags: { ownerId: 'aws:owner', type: 'type' } },
    /tags\.ownerId: expected an EC2 tag key/,
  ],
  ['an empty tag key', { tags: { ownerId: '', type: 'type' } }, /tags\.ownerId: expected an EC2 tag key/],
  [
    'a tag key with a right-to-left mark',
    { tags: { ownerId: 'owner', type: 'type\u202E' } },
    /tags\.type: expected an EC2 tag key/,
  ],
  [
    'an oversized tag key',
    { tags: { ownerId: 'o'.repeat(129), type: 'type' } },
    /tags\.ownerId: expected an EC2 tag key/,
  ],
  ['a number as tag key', { tags: { ownerId: 'owner', type: 42 } }, /tags\.type: .*string/],
];

describe('license-orchestration config: hostile values', () => {
  it.each(cases)('refuses %s', (_name, fields, message) => {
    let error: unknown;
    try {
      validateConfig({ shared: {}, licenseOrchestration: { ...base(), ...fields } });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems;
    // One line per problem; a renamed or missing product also leaves workbenchTypes pointing at it.
    expect(problems.length).toBeGreaterThanOrEqual(1);
    for (const p of problems) expect(p).not.toContain('\n');
    expect(problems[0]).toMatch(message);
  });

  it('checks a hostile pattern quickly (no catastrophic backtracking while judging it)', () => {
    const started = Date.now();
    expect(() =>
      validateConfig({ shared: {}, licenseOrchestration: { ...base(), userIdPattern: `^${'(a+)+'.repeat(30)}$` } }),
    ).toThrow(ConfigError);
    expect(Date.now() - started).toBeLessThan(2000);
  });
});
