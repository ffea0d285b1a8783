// The SMS monitor deployed by service-managed StackSets (config smsMonitor.stackSet): the app
// synthesized from a fixture config as `cdk synth` does (cdk-nag and Control Tower's controls on),
// then both StackSets and their member templates read from the assembly.
import type { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, validateConfig } from '../../config/load';
import { buildPlatform } from '../../lib/platform';
import { enableControlTowerControls } from '../../lib/shared';
import { sendingAuthorizationPolicy } from '../../lib/sms-monitor';
import { REPO_ROOT, testApp } from '../helpers/app';
import { runTemplateGates } from '../helpers/template-gates';

const FIXTURE = join(REPO_ROOT, 'test', 'fixtures', 'config', 'sms-stackset.yaml');
const ADMIN = '444444444444';
const OWNER = `sms-monitor-stackset-${ADMIN}-eu-west-1`;
const IDENTITY_ARN = 'arn:aws:ses:eu-west-1:555555555555:identity/example.com';

type Template = { Resources: Record<string, { Type: string; Properties: Props }> };
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- template properties are arbitrary JSON
type Props = Record<string, any>;
interface Statement {
  Effect: string;
  Action: string | string[];
  Resource?: unknown;
  Condition?: unknown;
}

function synth(): CloudAssembly {
  const app = testApp();
  buildPlatform(app, loadConfig(FIXTURE));
  enableControlTowerControls(app);
  return app.synth();
}

const resources = (t: Template, type: string) => Object.values(t.Resources).filter((r) => r.Type === type);

describe('SMS monitor StackSet mode', () => {
  // Synth runs cdk-nag and the Control Tower controls: an unacknowledged finding throws here.
  const assembly = synth();
  const owner = assembly.getStackByName(OWNER);
  const ownerTemplate = owner.template as Template;
  const ownerAssets = JSON.parse(readFileSync(join(assembly.directory, `${OWNER}.assets.json`), 'utf8')) as {
    files: Record<string, { source: { path: string }; destinations: Record<string, { objectKey: string }> }>;
  };
  const stackSets: Record<string, Props> = Object.fromEntries(
    resources(ownerTemplate, 'AWS::CloudFormation::StackSet').map((r) => [r.Properties.StackSetName, r.Properties]),
  );
  /** The file of the member template a StackSet's TemplateURL names (a file asset of the owner). */
  const memberFile = (props: Props): string => {
    const url = JSON.stringify(props.TemplateURL);
    const file = Object.values(ownerAssets.files).find((f) =>
      Object.values(f.destinations).some((d) => url.includes(d.objectKey)),
    )!;
    return join(assembly.directory, file.source.path);
  };
  const memberOf = (props: Props): Template => JSON.parse(readFileSync(memberFile(props), 'utf8')) as Template;
  const common = {
    PermissionModel: 'SERVICE_MANAGED',
    CallAs: 'DELEGATED_ADMIN',
    AutoDeployment: { Enabled: true, RetainStacksOnAccountRemoval: false },
    ManagedExecution: { Active: true },
    OperationPreferences: {
      FailureTolerancePercentage: 10,
      MaxConcurrentPercentage: 25,
      RegionConcurrencyType: 'PARALLEL',
    },
  };
  const ous = { OrganizationalUnitIds: ['ou-ab12-11111111', 'ou-ab12-22222222'] };

  it('deploys the monitor to the OUs in the home Region and the forwarder in the other Regions', () => {
    expect(Object.keys(stackSets).sort()).toEqual(['sms-monitor', 'sms-monitor-forwarder']);
    expect(stackSets['sms-monitor']).toMatchObject({
      ...common,
      StackInstancesGroup: [{ DeploymentTargets: ous, Regions: ['eu-west-1'] }],
    });
    expect(stackSets['sms-monitor-forwarder']).toMatchObject({
      ...common,
      StackInstancesGroup: [{ DeploymentTargets: ous, Regions: ['us-east-1', 'eu-central-1'] }],
    });
    expect(owner.environment).toMatchObject({ account: ADMIN, region: 'eu-west-1' });
    expect(owner.manifest.dependencies).toContain(`sms-monitor-code-${ADMIN}-eu-west-1`);
  });

  it('sends mail as the central identity (FromEmailAddressIdentityArn) and may send only on it', () => {
    const member = memberOf(stackSets['sms-monitor']);
    const functions = resources(member, 'AWS::Lambda::Function').filter(
      (f) => f.Properties.Environment?.Variables?.MONITOR_SETTINGS,
    );
    expect(functions.length).toBe(2); // report and alerts
    for (const fn of functions) {
      const settings = JSON.parse(fn.Properties.Environment.Variables.MONITOR_SETTINGS);
      expect(settings).toMatchObject({
        identityArn: IDENTITY_ARN,
        regions: ['eu-west-1', 'us-east-1', 'eu-central-1'],
      });
      expect(fn.Properties.Code.S3Bucket).toEqual({
        'Fn::Join': ['', [`sms-monitor-code-${ADMIN}-`, { Ref: 'AWS::Region' }]],
      });
    }
    const sesStatements = resources(member, 'AWS::IAM::Policy')
      .flatMap((p) => p.Properties.PolicyDocument.Statement as Statement[])
      .filter((st) => [st.Action].flat().some((a) => a.startsWith('ses:')));
    expect(sesStatements.length).toBe(2);
    for (const st of sesStatements) {
      expect(st).toMatchObject({
        Effect: 'Allow',
        Action: 'ses:SendEmail',
        Resource: IDENTITY_ARN,
        Condition: { StringEquals: { 'ses:FromAddress': 'sms-reports@example.com' } },
      });
    }
  });

  it("forwards each Region's status changes to the same account's bus in the home Region", () => {
    const member = memberOf(stackSets['sms-monitor-forwarder']);
    const [rule] = resources(member, 'AWS::Events::Rule');
    expect(rule.Properties.EventPattern.region).toEqual([{ Ref: 'AWS::Region' }]);
    expect(JSON.stringify(rule.Properties.Targets[0].Arn)).toContain(':events:eu-west-1:');
    expect(JSON.stringify(rule.Properties.Targets[0].Arn)).toContain('{"Ref":"AWS::AccountId"}');
    expect(resources(member, 'AWS::Lambda::Function')).toEqual([]);
  });

  it('outputs the identity policy that lets the organization send from the sender only', () => {
    const outputs = (owner.template as { Outputs: Record<string, { Value: string }> }).Outputs;
    const policy = JSON.parse(outputs.SendingAuthorizationPolicy.Value);
    expect(policy).toEqual(sendingAuthorizationPolicy(IDENTITY_ARN, 'o-a1b2c3d4e5', 'sms-reports@example.com'));
    expect(policy.Statement[0]).toMatchObject({
      Principal: { AWS: '*' },
      Action: ['ses:SendEmail', 'ses:SendRawEmail'],
      Resource: IDENTITY_ARN,
      Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-a1b2c3d4e5' } },
    });
  });

  it('passes the template gates (cfn-lint with the serverless rules, checkov, IAM gate and parliament)', () => {
    const gates = runTemplateGates(assembly.directory, [
      ...assembly.stacks.map((st) => join(assembly.directory, st.templateFile)),
      ...Object.values(stackSets).map(memberFile),
    ]);
    expect(gates.templatesRead).toEqual({ cfnLint: 4, iam: 4 });
    expect(gates.findings).toEqual({ cfnLint: [], iam: [], checkov: [] });
  }, 300_000);
});

describe('SMS monitor StackSet config', () => {
  const problems = (change: (section: Props) => void): string[] => {
    const data = parse(readFileSync(FIXTURE, 'utf8'));
    change(data.smsMonitor);
    try {
      validateConfig(data);
      return [];
    } catch (e) {
      if (e instanceof ConfigError) return [...e.problems];
      throw e;
    }
  };

  it('needs the central identity ARN, for the configured identity, in the home Region', () => {
    expect(problems((s) => delete s.email.identityArn)).toEqual([
      expect.stringMatching(/^smsMonitor\.email\.identityArn: expected the ARN of the central SES identity/),
    ]);
    expect(
      problems((s) => (s.email.identityArn = 'arn:aws:ses:us-east-1:555555555555:identity/other.example.com')),
    ).toEqual([
      expect.stringMatching(/^smsMonitor\.email\.identityArn: expected the ARN of the identity example\.com/),
      expect.stringMatching(
        /^smsMonitor\.email\.identityArn: expected an identity in the stackSet's homeRegion eu-west-1/,
      ),
    ]);
  });

  it('needs per-account monitors in the Region of the identity ARN too', () => {
    expect(problems((s) => (s.accounts = [{ account: '111111111111', regions: ['us-east-1'] }]))).toEqual([
      expect.stringMatching(
        /^smsMonitor\.accounts\[0\]\.regions: expected the Region of email\.identityArn, eu-west-1/,
      ),
    ]);
  });

  it('takes each Region once, the home Region not again as a forwarder Region', () => {
    expect(problems((s) => (s.stackSet.forwarderRegions = ['us-east-1', 'eu-west-1']))).toEqual([
      expect.stringMatching(/^smsMonitor\.stackSet\.forwarderRegions\[1\]: expected each Region once/),
    ]);
  });
});
