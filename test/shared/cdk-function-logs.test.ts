import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/load';
import { join } from 'node:path';
import { REPO_ROOT } from '../helpers/app';
import { exampleTemplates } from '../helpers/example-templates';

// Lambda writes to the log group named in LoggingConfig.LogGroup, or else to /aws/lambda/<name>,
// which it creates on first run with no expiry
// (https://docs.aws.amazon.com/lambda/latest/dg/monitoring-cloudwatchlogs-loggroups.html).
describe("log retention of every function, ours and aws-cdk-lib's", () => {
  const retention = loadConfig(join(REPO_ROOT, 'config/example.yaml')).shared.logRetentionDays;

  it('gives every AWS::Lambda::Function a log group of its stack with the configured retention', () => {
    const functions = exampleTemplates().flatMap((t) => {
      const resources = t.template.Resources ?? {};
      return Object.entries(resources)
        .filter(([, r]) => r.Type === 'AWS::Lambda::Function')
        .map(([id, r]) => {
          const ref = ((r.Properties?.LoggingConfig as { LogGroup?: { Ref?: string } } | undefined)?.LogGroup ?? {})
            .Ref;
          const group = ref === undefined ? undefined : resources[ref];
          return {
            fn: `${t.stackName}/${id}`,
            type: group?.Type,
            retention: group?.Properties?.RetentionInDays,
          };
        });
    });
    // The example has functions of aws-cdk-lib's own (VPC default security group, AwsCustomResource).
    expect(functions.some((f) => f.fn.includes('CustomVpcRestrictDefaultSG'))).toBe(true);
    expect(functions.some((f) => f.fn.includes('AWS679f53fac002430cb0da5b7982bd2287'))).toBe(true);
    expect(functions.filter((f) => f.type !== 'AWS::Logs::LogGroup' || f.retention !== retention)).toEqual([]);
  });
});
