// The monitor's settings accept exactly the Regions aws-cdk-lib's region-info has: the config and
// the Lambda check them against a copy of it (lambda/shared/region-domain-suffixes.json).
import { Fact, FactName, RegionInfo } from 'aws-cdk-lib/region-info';
import { describe, expect, it } from 'vitest';
import { KNOWN_REGIONS } from '../../config/schema/common';
import { parseSettings } from '../../lambda/sms-monitor/adapters/settings';
import { AWS_REGIONS, regionDomainSuffix } from '../../lambda/shared/aws-regions';
import { SMS_MONITOR_SETTING_DEFAULTS } from '../../config/schema/sms-monitor';

const settings = (regions: unknown) =>
  JSON.stringify({
    ...SMS_MONITOR_SETTING_DEFAULTS,
    regions,
    timeZone: 'UTC',
    sender: 'monitor@example.com',
    recipients: ['ops@example.com'],
  });

describe('monitor settings: Regions', () => {
  it("the Lambda's Region list is region-info's, with its domain suffixes (else: npx tsx scripts/write-aws-regions.ts)", () => {
    const published = RegionInfo.regions.map((r) => r.name).sort();
    expect(AWS_REGIONS).toEqual(published);
    expect(AWS_REGIONS).toEqual(KNOWN_REGIONS);
    for (const name of published) expect(regionDomainSuffix(name)).toBe(Fact.find(name, FactName.DOMAIN_SUFFIX));
  });

  it.each(RegionInfo.regions.map((r) => r.name))('accepts %s, as the config does', (name) => {
    expect(parseSettings(settings([name])).regions).toEqual([name]);
  });

  it.each([
    ['a Region of the right shape that AWS does not publish', 'zz-mars-1'],
    ['a Cyrillic look-alike letter', 'us-\u0435ast-1'],
    ['a right-to-left mark', 'us-east-1\u200f'],
    ['upper case', 'US-EAST-1'],
    ['an empty string', ''],
    ['an inherited property name', 'constructor'],
    ['a number', 1],
  ])('refuses %s', (_name, value) => {
    expect(() => parseSettings(settings([value]))).toThrow(/^MONITOR_SETTINGS is invalid: regions\.0: .*expected/);
  });
});
