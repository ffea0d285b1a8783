import { Stack } from 'aws-cdk-lib';
import { AwsSolutionsChecks, type IApplyRule } from 'cdk-nag';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/load';
import { buildPlatform } from '../../lib/platform';
import { unloadedExports, withUnloadedCfnClassesSkipped } from '../../lib/shared/unloaded-cfn-classes';
import { REPO_ROOT, testApp } from '../helpers/app';

const CDK_LIB_DIR = dirname(require.resolve('aws-cdk-lib/package.json'));

/** cdk-nag's AwsSolutions rules, recording every rule's answer for every resource (acknowledged or not). */
class RecordedChecks extends AwsSolutionsChecks {
  readonly answers: string[] = [];

  protected override applyRule(params: IApplyRule): void {
    let answer: unknown;
    try {
      answer = params.rule(params.node);
    } catch (e) {
      answer = `threw ${String(e)}`;
    }
    this.answers.push(
      `${params.ruleSuffixOverride ?? params.rule.name} ${params.node.node.path} ${JSON.stringify(answer)}`,
    );
  }
}

describe('withUnloadedCfnClassesSkipped', () => {
  it('answers instanceof for a service not loaded without loading it, reads anything else from it, and puts it back', () => {
    // A service nothing here uses: requiring it loads only its entry module.
    const gamelift = require('aws-cdk-lib/aws-gamelift');
    const generated = join(CDK_LIB_DIR, 'aws-gamelift/lib/gamelift.generated.js');
    expect(require.cache[generated]).toBeUndefined();
    withUnloadedCfnClassesSkipped(() => {
      expect({} instanceof gamelift.CfnFleet).toBe(false);
      expect(require.cache[generated]).toBeUndefined();
      expect(gamelift.CfnFleet.CFN_RESOURCE_TYPE_NAME).toBe('AWS::GameLift::Fleet');
    });
    expect(Object.getOwnPropertyDescriptor(gamelift, 'CfnFleet')?.get).toBeTypeOf('function');
    const fleet = new gamelift.CfnFleet(new Stack(), 'Fleet', { name: 'f' });
    // Now in use: left alone.
    withUnloadedCfnClassesSkipped(() => expect(fleet instanceof gamelift.CfnFleet).toBe(true));
  });

  it("gives cdk-nag's rules the same answers on every resource of the example app", () => {
    const app = testApp();
    buildPlatform(app, loadConfig(join(REPO_ROOT, 'config', 'example.yaml')));
    // First with the stand-ins, while the services the app does not use are still unloaded.
    expect(unloadedExports().length).toBeGreaterThan(1000);
    const skipped = new RecordedChecks();
    withUnloadedCfnClassesSkipped(() => skipped.validateScope(app));
    const plain = new RecordedChecks();
    plain.validateScope(app);
    expect(skipped.answers.length).toBeGreaterThan(10_000);
    expect(skipped.answers).toEqual(plain.answers);
    expect(plain.answers.some((a) => a.endsWith('"Compliant"'))).toBe(true);
    expect(plain.answers.some((a) => a.endsWith('"Non-Compliant"'))).toBe(true);
  });
});
