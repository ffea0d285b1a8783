import { CfnGuardValidator } from '@cdklabs/cdk-validator-cfnguard';
import {
  type IPolicyValidationContextBeta1,
  type PolicyValidationPluginReportBeta1,
  Stack,
  Validations,
} from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import {
  applyControlTowerControls,
  ControlTowerValidator,
  controlTowerRules,
  ruleTypes,
} from '../../lib/shared/control-tower-controls';
import { testApp } from '../helpers/app';

/**
 * Synthesizes one stack built by `build` with the Control Tower proactive controls (the real
 * cfn-guard binary and rules of @cdklabs/cdk-validator-cfnguard); `fixes` adds the project's key
 * policy fix and reviewed acknowledgements. Returns the validation output, or '' when synth passes.
 */
function synthWithControls(build: (stack: Stack) => void, fixes = true): string {
  const app = testApp();
  Validations.of(app).addPlugins(new ControlTowerValidator());
  if (fixes) applyControlTowerControls(app);
  build(new Stack(app, 'Controls', { env: { account: '111111111111', region: 'eu-west-1' } }));
  try {
    app.synth();
    return '';
  } catch (e) {
    return String(e instanceof Error ? e.message : e);
  }
}

/** The template of one stack built by `build`, synthesized without any validation plugin. */
function templateOf(build: (stack: Stack) => void): string {
  const app = testApp();
  const stack = new Stack(app, 'Controls', { env: { account: '111111111111', region: 'eu-west-1' } });
  build(stack);
  return join(app.synth().directory, stack.templateFile);
}

/** What CDK gives a validation plugin for one template. */
function contextFor(templatePath: string): IPolicyValidationContextBeta1 {
  return { templatePaths: [templatePath], appConstruct: testApp() } as IPolicyValidationContextBeta1;
}

const rotatingKey = (stack: Stack) => new kms.Key(stack, 'Key', { enableKeyRotation: true });

describe('Control Tower proactive controls at synth', () => {
  it('fails on a KMS key policy that lets any principal create grants (CT.KMS.PR.3)', () => {
    expect(synthWithControls(rotatingKey, false)).toMatch(/kms_create_grant_aws_service_check|CT\.KMS\.PR\.3/);
  });

  it('passes once the key policy limits grants to AWS services', () => {
    expect(synthWithControls(rotatingKey)).toBe('');
  });

  it('fails on a queue without a dead-letter queue, even when another finding is acknowledged', () => {
    const out = synthWithControls((stack) => {
      const acknowledged = new sqs.Queue(stack, 'Acknowledged');
      Validations.of(acknowledged).acknowledge({ id: 'cdk-validator-cfnguard::sqs_dlq_check', reason: 'test' });
      new sqs.Queue(stack, 'Unacknowledged');
    });
    expect(out).toMatch(/sqs_dlq_check|CT\.SQS\.PR\.1/);
    expect(out).toContain('Unacknowledged');
  });

  it('acknowledges a control only on resources its reason holds for (function outside a VPC)', () => {
    const fn = (stack: Stack) =>
      new lambda.Function(stack, 'Fn', {
        runtime: lambda.Runtime.NODEJS_22_X,
        handler: 'index.handler',
        code: lambda.Code.fromInline('exports.handler = async () => {}'),
        logGroup: new logs.LogGroup(stack, 'Logs', { retention: logs.RetentionDays.ONE_MONTH }),
      });
    expect(synthWithControls(fn, false)).toMatch(/lambda_inside_vpc_check|CT\.LAMBDA\.PR\.3/);
    expect(synthWithControls(fn)).toBe('');
  });

  it('finds what cfn-guard finds with every Control Tower rule over the whole template', () => {
    const templatePath = templateOf((stack) => {
      new kms.Key(stack, 'Key');
      const deadLetters = new sqs.Queue(stack, 'DeadLetters');
      new sqs.Queue(stack, 'Queue', { deadLetterQueue: { queue: deadLetters, maxReceiveCount: 3 } });
      const bucket = new s3.Bucket(stack, 'Bucket');
      const fn = new lambda.Function(stack, 'Fn', {
        runtime: lambda.Runtime.NODEJS_22_X,
        handler: 'index.handler',
        code: lambda.Code.fromInline('exports.handler = async () => {}'),
      });
      // A permission whose SourceArn refers to a resource of a type its rule does not name.
      fn.addPermission('FromBucket', {
        principal: new iam.ServicePrincipal('s3.amazonaws.com'),
        sourceArn: bucket.bucketArn,
      });
      fn.addPermission('FromAnyone', { principal: new iam.AnyPrincipal() });
    });
    const everyRule = new CfnGuardValidator().validate(contextFor(templatePath));
    const grouped = new ControlTowerValidator().validate(contextFor(templatePath));
    const sorted = (r: PolicyValidationPluginReportBeta1) =>
      r.violations.map((v) => JSON.stringify({ ...v, severity: v.severity ?? 'error' })).sort();
    expect(everyRule.violations.length).toBeGreaterThan(3);
    expect(everyRule.violations.map((v) => v.ruleName)).toContain('lambda_function_public_access_prohibited_check');
    expect(sorted(grouped)).toEqual(sorted(everyRule));
    expect(grouped.success).toBe(false);
  });

  it('checks several templates in one synth, each finding under its own template', () => {
    const queueTemplate = templateOf((stack) => new sqs.Queue(stack, 'Queue'));
    const keyTemplate = templateOf(rotatingKey);
    const context = {
      templatePaths: [queueTemplate, keyTemplate],
      appConstruct: testApp(),
    } as IPolicyValidationContextBeta1;
    const report = new ControlTowerValidator().validate(context);
    const where = (rule: string) =>
      report.violations
        .filter((v) => v.ruleName === rule)
        .flatMap((v) => v.violatingResources.map((r) => r.templatePath));
    expect(where('sqs_dlq_check')).toEqual([queueTemplate]);
    expect(where('kms_create_grant_aws_service_check')).toEqual([keyTemplate]);
  });

  it('gives an unchanged template its earlier findings back, and validates a changed one again', () => {
    const templatePath = templateOf((stack) => new sqs.Queue(stack, 'Queue'));
    const runs = vi.spyOn(ControlTowerValidator.prototype as unknown as { startChecks: () => unknown }, 'startChecks');
    const first = new ControlTowerValidator().validate(contextFor(templatePath));
    expect(first.violations.map((v) => v.ruleName)).toContain('sqs_dlq_check');
    expect(new ControlTowerValidator().validate(contextFor(templatePath))).toEqual(first);
    expect(runs).toHaveBeenCalledTimes(1);
    const template = JSON.parse(readFileSync(templatePath, 'utf8'));
    template.Resources.Extra = { Type: 'AWS::SQS::Queue', Properties: {} };
    writeFileSync(templatePath, JSON.stringify(template));
    const changed = new ControlTowerValidator().validate(contextFor(templatePath));
    expect(runs).toHaveBeenCalledTimes(2);
    expect(changed.violations.flatMap((v) => v.violatingResources.map((r) => r.resourceLogicalId))).toContain('Extra');
    runs.mockRestore();
  });

  it('reads the types a rule selects apart from those it follows references to', () => {
    const rule = [
      'let QUEUE_TYPE = "AWS::SQS::Queue"',
      '# Resources.*[ Type == "AWS::SNS::Topic" ] in a comment selects nothing',
      'let queues = Resources.*[ Type == %QUEUE_TYPE ]',
      'rule sqs_check when %queues not empty {',
      '  check_local_references(%INPUT_DOCUMENT, KmsMasterKeyId, "AWS::KMS::Key")',
      '}',
    ].join('\n');
    expect(ruleTypes(rule)).toEqual({
      selected: new Set(['AWS::SQS::Queue']),
      named: new Set(['AWS::SQS::Queue', 'AWS::KMS::Key']),
    });
    // A selection by something else than a type variable: every named type counts as selected.
    const other = 'let things = Resources.*[ Type in %SOME_LIST ]\nlet KEY = "AWS::KMS::Key"';
    expect(ruleTypes(other).selected).toEqual(new Set(['AWS::KMS::Key']));
  });

  it('finds nothing with a rule in a template without the types it selects (so such templates are skipped)', () => {
    // Every Control Tower rule that names more types than it selects, run by cfn-guard itself over a
    // template holding one bare resource of each type it only follows references to.
    const narrower = [...controlTowerRules()].filter(([, t]) => t.selected.size < t.named.size);
    expect(narrower.length).toBeGreaterThan(10);
    const dir = mkdtempSync(join(tmpdir(), 'selected-types-'));
    const violations = narrower.flatMap(([rulePath, { selected, named }]) => {
      const others = [...named].filter((t) => !selected.has(t));
      const resources = Object.fromEntries(others.map((Type, i) => [`R${i}`, { Type, Properties: {} }]));
      const templatePath = join(dir, `${narrower.findIndex(([p]) => p === rulePath)}.json`);
      writeFileSync(templatePath, JSON.stringify({ Resources: resources }));
      return new CfnGuardValidator({ controlTowerRulesEnabled: false, rules: [rulePath] }).validate(
        contextFor(templatePath),
      ).violations;
    });
    expect(violations).toEqual([]);
  });
});
