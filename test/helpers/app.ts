import { App, type AppProps } from 'aws-cdk-lib';
import { RemovalPolicy } from 'aws-cdk-lib';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { OperationsSettings } from '../../lib/shared';

export const REPO_ROOT = join(__dirname, '..', '..');

/** The feature flags of cdk.json, so tests synthesize exactly as `cdk synth` does. */
export const CDK_JSON_CONTEXT: Record<string, unknown> = JSON.parse(
  readFileSync(join(REPO_ROOT, 'cdk.json'), 'utf8'),
).context;

export interface TestAppOptions extends AppProps {
  /** Bundle Lambda code with esbuild (slow); off by default, as CDK's `aws:cdk:bundling-stacks` allows. */
  readonly bundling?: boolean;
}

/** A CDK app with the project's feature flags, writing to a temporary directory. */
export function testApp(options: TestAppOptions = {}): App {
  const { bundling = false, context, ...rest } = options;
  return new App({
    outdir: mkdtempSync(join(tmpdir(), 'cdk-test-')),
    ...rest,
    context: {
      ...CDK_JSON_CONTEXT,
      ...(bundling ? {} : { 'aws:cdk:bundling-stacks': [] }),
      ...context,
    },
  });
}

/** Operations settings as the example config's shared section gives them. */
export function testOperations(overrides: Partial<OperationsSettings> = {}): OperationsSettings {
  return {
    tags: { owner: 'tests' },
    alarmEmails: ['oncall@example.com'],
    existingAlarmTopicArns: [],
    removalPolicy: RemovalPolicy.RETAIN,
    logRetention: 90,
    logLevel: 'INFO',
    accountAliases: {},
    ...overrides,
  };
}
