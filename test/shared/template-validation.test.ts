import { type App, CloudFormationValidatePlugin, Stack, Validations } from 'aws-cdk-lib';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CachedTemplateValidation, startTemplateValidationEngine } from '../../lib/shared';
import { testApp } from '../helpers/app';

/** An app of one queue stack per entry, `DelaySeconds` as given (the schema wants an integer). */
function queueApp(
  outdir: string,
  delays: Record<string, unknown>,
  cached: boolean | CachedTemplateValidation = true,
  region = 'eu-west-1',
): App {
  const app = testApp({ outdir });
  if (cached) Validations.of(app).addPlugins(cached === true ? new CachedTemplateValidation() : cached);
  for (const [name, delay] of Object.entries(delays)) {
    const stack = new Stack(app, name, { env: { account: '111111111111', region } });
    new sqs.CfnQueue(stack, 'Queue').addPropertyOverride('DelaySeconds', delay);
  }
  return app;
}

/** What synth reports, without the report file's path (it names the output directory). */
function synthError(app: App): string {
  try {
    app.synth();
  } catch (e) {
    return (e as Error).message.replace(/A copy of this report can be found in: .*/, '');
  }
  throw new Error('synth passed');
}

const engine = () => vi.spyOn(CloudFormationValidatePlugin.prototype, 'validate');
const validatedTemplates = (spy: ReturnType<typeof engine>) =>
  spy.mock.calls.map(([context]) => context.stackTemplates.map((s) => basename(s.templatePath)));

describe('CachedTemplateValidation', () => {
  afterEach(() => vi.restoreAllMocks());

  it('fails every synth of a template the schema rejects, with the report CDK gives, validating it once', () => {
    const plain = mkdtempSync(join(tmpdir(), 'cfn-validate-'));
    const expected = synthError(queueApp(plain, { Broken: 'soon' }, false));
    expect(expected).toMatch(/DelaySeconds: 'soon' is not of type 'integer'/);

    const outdir = mkdtempSync(join(tmpdir(), 'cfn-validate-'));
    const spy = engine();
    expect(synthError(queueApp(outdir, { Broken: 'soon' }))).toBe(expected);
    expect(synthError(queueApp(outdir, { Broken: 'soon' }))).toBe(expected);
    expect(validatedTemplates(spy)).toEqual([['Broken.template.json']]);
  });

  it('validates again only the templates that changed', () => {
    const outdir = mkdtempSync(join(tmpdir(), 'cfn-validate-'));
    const spy = engine();
    queueApp(outdir, { A: 5, B: 5 }).synth();
    queueApp(outdir, { A: 5, B: 6 }).synth();
    expect(validatedTemplates(spy)).toEqual([['A.template.json', 'B.template.json'], ['B.template.json']]);
    expect(() => queueApp(outdir, { A: 5, B: 'later' }).synth()).toThrow(/'later' is not of type 'integer'/);
  });

  it('stands in for the instance the feature flag adds, so templates are validated once per synth', () => {
    const outdir = mkdtempSync(join(tmpdir(), 'cfn-validate-'));
    const spy = engine();
    queueApp(outdir, { A: 5 }).synth();
    expect(spy.mock.instances).toHaveLength(1);
    expect(spy.mock.instances[0]).toBeInstanceOf(CachedTemplateValidation);
  });

  it('validates on the engine started early, with the report the engine in process gives', () => {
    const plain = mkdtempSync(join(tmpdir(), 'cfn-validate-'));
    const expected = synthError(queueApp(plain, { Good: 5, Broken: 'soon' }));

    const outdir = mkdtempSync(join(tmpdir(), 'cfn-validate-'));
    startTemplateValidationEngine(outdir);
    const spy = engine();
    expect(synthError(queueApp(outdir, { Good: 5, Broken: 'soon' }))).toBe(expected);
    expect(spy.mock.calls.flatMap(([context]) => context.stackTemplates)).toEqual([]);
    // The results are stored as usual: a second synth validates nothing.
    expect(synthError(queueApp(outdir, { Good: 5, Broken: 'soon' }))).toBe(expected);
    expect(spy.mock.calls.flatMap(([context]) => context.stackTemplates)).toEqual([]);
  });

  it('validates in process, with the same report, when the engine process fails', () => {
    const plain = mkdtempSync(join(tmpdir(), 'cfn-validate-'));
    const expected = synthError(queueApp(plain, { Good: 5, Broken: 'soon' }));

    const outdir = mkdtempSync(join(tmpdir(), 'cfn-validate-'));
    // Node refuses the flag, so the engine process exits at once.
    startTemplateValidationEngine(outdir, { nodeFlags: ['--no-such-node-flag'] });
    const spy = engine();
    expect(synthError(queueApp(outdir, { Good: 5, Broken: 'soon' }))).toBe(expected);
    expect(validatedTemplates(spy)).toEqual([['Broken.template.json', 'Good.template.json']]);
  });

  it('validates each template on the engine as it is written, when the stacks are announced before synth', () => {
    const plain = mkdtempSync(join(tmpdir(), 'cfn-validate-'));
    const expected = synthError(queueApp(plain, { Good: 5, Broken: 'soon' }));

    const outdir = mkdtempSync(join(tmpdir(), 'cfn-validate-'));
    startTemplateValidationEngine(outdir);
    const validation = new CachedTemplateValidation();
    const app = queueApp(outdir, { Good: 5, Broken: 'soon' }, validation);
    validation.announce(app);
    const spy = engine();
    expect(synthError(app)).toBe(expected);
    expect(spy.mock.calls.flatMap(([context]) => context.stackTemplates)).toEqual([]);
  });

  it('validates again in process a template announced with another Region than it is synthesized for', () => {
    const plain = mkdtempSync(join(tmpdir(), 'cfn-validate-'));
    const expected = synthError(queueApp(plain, { Good: 5, Broken: 'soon' }, true, 'us-west-2'));

    const outdir = mkdtempSync(join(tmpdir(), 'cfn-validate-'));
    startTemplateValidationEngine(outdir);
    const validation = new CachedTemplateValidation();
    validation.announce(queueApp(outdir, { Good: 5, Broken: 'soon' }, false, 'eu-west-1'));
    const spy = engine();
    expect(synthError(queueApp(outdir, { Good: 5, Broken: 'soon' }, validation, 'us-west-2'))).toBe(expected);
    expect(validatedTemplates(spy)).toEqual([['Broken.template.json', 'Good.template.json']]);
  });

  it('validates in process, without waiting for the engine, when a stack announced is not synthesized', () => {
    const outdir = mkdtempSync(join(tmpdir(), 'cfn-validate-'));
    startTemplateValidationEngine(outdir);
    const validation = new CachedTemplateValidation();
    validation.announce(queueApp(outdir, { A: 5, Gone: 5 }, false));
    const spy = engine();
    expect(() => queueApp(outdir, { A: 'later' }, validation).synth()).toThrow(/'later' is not of type 'integer'/);
    expect(validatedTemplates(spy)).toEqual([['A.template.json']]);
  });

  it('starts no engine early for an assembly directory that holds earlier results', () => {
    const outdir = mkdtempSync(join(tmpdir(), 'cfn-validate-'));
    queueApp(outdir, { A: 5 }).synth();
    startTemplateValidationEngine(outdir);
    const spy = engine();
    queueApp(outdir, { A: 6 }).synth();
    expect(validatedTemplates(spy)).toEqual([['A.template.json']]);
  });
});
