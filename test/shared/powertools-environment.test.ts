import { Template } from 'aws-cdk-lib/assertions';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { StandardFunction } from '../../lib/shared';
import { REPO_ROOT } from '../helpers/app';
import { ECHO_HANDLER, testStack } from './fixtures';

/** The compiled code of the Powertools packages the handlers bundle (logger, metrics, commons). */
function powertoolsCode(): string {
  return ['commons', 'logger', 'metrics']
    .flatMap((pkg) => {
      const dir = join(REPO_ROOT, 'node_modules', '@aws-lambda-powertools', pkg, 'lib', 'cjs');
      return readdirSync(dir, { recursive: true, encoding: 'utf8' })
        .filter((f) => f.endsWith('.js'))
        .map((f) => readFileSync(join(dir, f), 'utf8'));
    })
    .join('\n');
}

describe('StandardFunction Powertools environment', () => {
  it('sets only variables the installed Powertools for AWS Lambda reads', () => {
    const stack = testStack();
    new StandardFunction(stack, 'Fn', { entry: ECHO_HANDLER, serviceName: 'demo', alarmTopic: stack.alarmTopic });
    const [fn] = Object.values(Template.fromStack(stack).findResources('AWS::Lambda::Function'));
    const names = Object.keys(fn.Properties.Environment.Variables).filter((n) => n.startsWith('POWERTOOLS_'));
    expect(names.sort()).toEqual(['POWERTOOLS_LOG_LEVEL', 'POWERTOOLS_METRICS_NAMESPACE', 'POWERTOOLS_SERVICE_NAME']);
    const code = powertoolsCode();
    for (const name of names) expect(code, name).toContain(`'${name}'`);
  });
});
