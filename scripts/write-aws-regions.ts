// npx tsx scripts/write-aws-regions.ts
//
// Rewrites lambda/shared/region-domain-suffixes.json from aws-cdk-lib's region-info (after an aws-cdk-lib
// update, when test/sms-monitor/settings-regions.test.ts reports the copy is stale).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Fact, FactName, RegionInfo } from 'aws-cdk-lib/region-info';

const regions: Record<string, string> = {};
for (const name of RegionInfo.regions.map((r) => r.name).sort()) {
  const suffix = Fact.find(name, FactName.DOMAIN_SUFFIX);
  if (!suffix) throw new Error(`region-info has no domain suffix for ${name}`);
  regions[name] = suffix;
}
writeFileSync(join(__dirname, '../lambda/shared/region-domain-suffixes.json'), `${JSON.stringify(regions, null, 2)}\n`);
