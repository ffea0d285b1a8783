import { Stack } from 'aws-cdk-lib';
import { join } from 'node:path';
import { loadConfig } from '../../config/load';
import { buildPlatform } from '../../lib/platform';
import { REPO_ROOT, testApp } from './app';

/** One synthesized stack of the example config: its name, environment and CloudFormation template. */
export interface ExampleTemplate {
  readonly stackName: string;
  readonly account: string;
  readonly region: string;
  readonly template: { Resources?: Record<string, { Type: string; Properties?: Record<string, unknown> }> } & Record<
    string,
    unknown
  >;
}

let cached: readonly ExampleTemplate[] | undefined;

/**
 * Every stack of config/example.yaml, synthesized once per test file without Lambda bundling
 * (bundling changes code assets only, never the resources or policies that contract tests read).
 */
export function exampleTemplates(): readonly ExampleTemplate[] {
  if (cached) return cached;
  const app = testApp();
  buildPlatform(app, loadConfig(join(REPO_ROOT, 'config', 'example.yaml')));
  const assembly = app.synth();
  cached = app.node.children
    .filter((c): c is Stack => Stack.isStack(c))
    .map((stack) => ({
      stackName: stack.stackName,
      account: stack.account,
      region: stack.region,
      template: assembly.getStackByName(stack.stackName).template,
    }));
  return cached;
}

/** Every resource of the given CloudFormation type across the example config's stacks. */
export function exampleResources(
  type: string,
): { stackName: string; logicalId: string; properties: Record<string, unknown> }[] {
  return exampleTemplates().flatMap((t) =>
    Object.entries(t.template.Resources ?? {})
      .filter(([, r]) => r.Type === type)
      .map(([logicalId, r]) => ({ stackName: t.stackName, logicalId, properties: r.Properties ?? {} })),
  );
}
