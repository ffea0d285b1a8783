import { join } from 'node:path';
import { validateConfig } from '../../config/load';
import type { FlinkAlertingConfig } from '../../config/schema';
import { addFlinkAlertingStacks, type FlinkAlertingStack } from '../../lib/flink-alerting';
import { enableComplianceChecks } from '../../lib/shared';
import { REPO_ROOT, testApp, type TestAppOptions, testOperations } from '../helpers/app';

export const FIXTURES_DIR = join(REPO_ROOT, 'fixtures', 'alerting');

/** A secret holding the pager webhook's URL (the URL itself is never in config or template). */
export const PAGER_URL_SECRET = 'arn:aws:secretsmanager:eu-west-1:111111111111:secret:alerting/pager-url-AbCdEf';

/** A `flinkAlerting` section as a user would write it (defaults filled by the schema). */
export function alertingSection(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    account: '111111111111',
    region: 'eu-west-1',
    notifier: {
      email: { from: 'alerts@example.com', to: ['oncall@example.com'] },
      webhooks: [{ name: 'pager', urlSecretArn: PAGER_URL_SECRET }],
    },
    monitors: [
      {
        id: 'vdi-latency-high',
        source: 'vdi',
        metric: 'networkLatencyMs',
        aggregation: 'avg',
        groupBy: ['desktopPool'],
        window: { size: 'PT30S', slide: 'PT30S' },
        condition: { type: 'threshold', operator: '>', value: 300 },
        for: 'PT5M',
        severity: 'critical',
      },
    ],
    ...overrides,
  };
}

/** The section validated through the whole config schema, as bin/app.ts would get it. */
export function alertingConfig(overrides: Record<string, unknown> = {}): FlinkAlertingConfig {
  const config = validateConfig({ shared: {}, flinkAlerting: alertingSection(overrides) });
  if (!config.flinkAlerting) throw new Error('flinkAlerting missing');
  return config.flinkAlerting;
}

/** The alerting stack in a fresh test app with the compliance checks on (no bundling, no Maven). */
export function alertingStack(
  overrides: Record<string, unknown> = {},
  appOptions: TestAppOptions = {},
): FlinkAlertingStack {
  const app = testApp(appOptions);
  enableComplianceChecks(app);
  return addFlinkAlertingStacks(app, alertingConfig(overrides), testOperations());
}
