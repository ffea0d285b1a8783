// The workbench stack deployed by a service-managed StackSet (config workbenchStackSet): the app
// synthesized from a fixture config as `cdk synth` does (cdk-nag and Control Tower's controls on),
// then the StackSet, the code path to member accounts and the central side read from the assembly,
// and the template gates (cfn-lint, checkov, IAM gate) run over it.
import { App, CfnResource, Stack } from 'aws-cdk-lib';
import type { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, validateConfig } from '../../config/load';
import { buildPlatform } from '../../lib/platform';
import {
  enableControlTowerControls,
  STACK_SET_TEMPLATE_MAX_BYTES,
  StackSetMemberStack,
  StackSetOwnerSynthesizer,
} from '../../lib/shared';
import { REPO_ROOT, testApp, testOperations } from '../helpers/app';
import { runTemplateGates } from '../helpers/template-gates';

const FIXTURE = join(REPO_ROOT, 'test', 'fixtures', 'config', 'license-stackset.yaml');
const ADMIN = '444444444444';
const OWNER = `license-workbench-stackset-${ADMIN}-eu-west-1`;
const SERVER = 'license-server-111111111111-eu-west-1';
const CODE_PREFIX = `license-workbench-code-${ADMIN}`;
const REGIONS = ['eu-west-1', 'us-east-1'];

/** A template as JSON; properties are read loosely, as `Template.findResources` returns them. */
type Template = {
  Resources: Record<string, { Type: string; Properties: Props; Condition?: string }>;
  Conditions?: Record<string, unknown>;
};
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- template properties are arbitrary JSON
type Props = Record<string, any>;
interface Statement {
  Sid?: string;
  Effect: string;
  Principal?: unknown;
  Action: string | string[];
  Resource?: unknown;
  Condition?: unknown;
}
interface AssetManifest {
  files: Record<string, { source: { path: string }; destinations: Record<string, Destination> }>;
}
interface Destination {
  bucketName: string;
  objectKey: string;
  region: string;
  assumeRoleArn: string;
}
/** The parts of the fixture's license section the config tests change. */
interface Section {
  organizationId?: string;
  workbenchStackSet?: {
    callAs: string;
    retainStacksOnAccountRemoval: boolean;
    organizationalUnitIds: string[];
    operationPreferences: { maxConcurrentPercentage: number };
  };
}

function synth(config = loadConfig(FIXTURE)): CloudAssembly {
  const app = testApp();
  buildPlatform(app, config);
  enableControlTowerControls(app);
  return app.synth();
}

function fixtureWith(change: (section: Section) => void) {
  const data = parse(readFileSync(FIXTURE, 'utf8'));
  change(data.licenseOrchestration);
  return validateConfig(data);
}

const resources = (t: Template, type: string) => Object.values(t.Resources).filter((r) => r.Type === type);

describe('workbench StackSet mode', () => {
  // Synth runs cdk-nag and the Control Tower controls: an unacknowledged finding throws here.
  const assembly = synth();
  const owner = assembly.getStackByName(OWNER);
  const ownerTemplate = owner.template as Template;
  const [stackSet] = resources(ownerTemplate, 'AWS::CloudFormation::StackSet');
  const ownerAssets = JSON.parse(readFileSync(join(assembly.directory, `${OWNER}.assets.json`), 'utf8'));
  const memberAssetsId = owner.manifest.dependencies!.find((d) => d !== `${OWNER}.assets` && d.endsWith('.assets'))!;
  const memberTemplateFile = `${memberAssetsId.replace(/\.assets$/, '')}.template.json`;
  const member = JSON.parse(readFileSync(join(assembly.directory, memberTemplateFile), 'utf8')) as Template;

  it('creates a service-managed StackSet that targets the OUs and Regions and deploys to joining accounts', () => {
    expect(stackSet.Properties).toMatchObject({
      StackSetName: 'license-workbench',
      PermissionModel: 'SERVICE_MANAGED',
      CallAs: 'DELEGATED_ADMIN',
      AutoDeployment: { Enabled: true, RetainStacksOnAccountRemoval: false },
      Capabilities: ['CAPABILITY_NAMED_IAM'],
      ManagedExecution: { Active: true },
      OperationPreferences: {
        FailureTolerancePercentage: 10,
        MaxConcurrentPercentage: 25,
        RegionConcurrencyType: 'PARALLEL',
      },
      StackInstancesGroup: [
        {
          DeploymentTargets: { OrganizationalUnitIds: ['ou-ab12-11111111', 'ou-ab12-22222222'] },
          Regions: REGIONS,
        },
      ],
    });
    expect(owner.environment).toMatchObject({ account: ADMIN, region: 'eu-west-1' });
  });

  it("takes its template from the owner's published assets (the member template, under 1 MB)", () => {
    const url = JSON.stringify(stackSet.Properties.TemplateURL);
    const entry = Object.entries((ownerAssets as AssetManifest).files).find(
      ([, f]) => f.source.path === memberTemplateFile,
    );
    expect(entry).toBeDefined();
    const destination = Object.values(entry![1].destinations)[0];
    expect(url).toContain(destination.objectKey);
    expect(url).toContain(`cdk-hnb659fds-assets-${ADMIN}-eu-west-1`);
    expect(readFileSync(join(assembly.directory, memberTemplateFile)).length).toBeLessThan(
      STACK_SET_TEMPLATE_MAX_BYTES,
    );
  });

  it('points the member function at the code bucket of its own Region, and publishes the code to each', () => {
    const [fn] = resources(member, 'AWS::Lambda::Function');
    expect(fn.Properties.Code.S3Bucket).toEqual({ 'Fn::Join': ['', [`${CODE_PREFIX}-`, { Ref: 'AWS::Region' }]] });
    const key: string = fn.Properties.Code.S3Key;
    const manifest = JSON.parse(readFileSync(join(assembly.directory, `${memberAssetsId}.json`), 'utf8'));
    const destinations = Object.values((manifest as AssetManifest).files).flatMap((f) => Object.values(f.destinations));
    expect(destinations.filter((d) => d.objectKey === key).map((d) => [d.bucketName, d.region])).toEqual(
      REGIONS.map((r) => [`${CODE_PREFIX}-${r}`, r]),
    );
    for (const d of destinations) {
      expect(d.assumeRoleArn).toBe(
        `arn:\${AWS::Partition}:iam::${ADMIN}:role/cdk-hnb659fds-file-publishing-role-${ADMIN}-${d.region}`,
      );
    }
    // cdk deploy publishes the member's code, after the buckets exist, before the StackSet deploys.
    expect(owner.manifest.dependencies).toEqual(
      expect.arrayContaining([memberAssetsId, ...REGIONS.map((r) => `license-workbench-code-${ADMIN}-${r}`)]),
    );
  });

  it.each(REGIONS)(
    'lets the organization read the code bucket in %s, and only the CDK publisher write it',
    (region) => {
      const code = assembly.getStackByName(`license-workbench-code-${ADMIN}-${region}`);
      const template = code.template as Template;
      expect(code.environment).toMatchObject({ account: ADMIN, region });
      const [bucket] = resources(template, 'AWS::S3::Bucket');
      expect(bucket.Properties).toMatchObject({
        BucketName: `${CODE_PREFIX}-${region}`,
        BucketEncryption: {
          ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
        },
        PublicAccessBlockConfiguration: { BlockPublicPolicy: true, RestrictPublicBuckets: true },
      });
      const statements = resources(template, 'AWS::S3::BucketPolicy')[0].Properties.PolicyDocument.Statement;
      const read = (statements as Statement[]).find((st) => st.Sid === 'OrganizationReadsCode');
      expect(read).toMatchObject({
        Effect: 'Allow',
        Principal: { AWS: '*' },
        Action: ['s3:GetObject', 's3:GetObjectVersion'],
        Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-a1b2c3d4e5' } },
      });
      const write = (statements as Statement[]).find((st) => st.Sid === 'CdkPublishesCode')!;
      expect(write.Principal).toEqual({
        AWS: `arn:aws:iam::${ADMIN}:role/cdk-hnb659fds-file-publishing-role-${ADMIN}-${region}`,
      });
      expect(write.Action).toContain('s3:PutObject');
    },
  );

  it('creates the reader role only in the first Region (IAM is global), the publisher everywhere', () => {
    const conditioned = Object.values(member.Resources).filter((r) => r.Condition === 'ReaderRoleRegion');
    expect(conditioned.map((r) => r.Type).sort()).toEqual(['AWS::IAM::Policy', 'AWS::IAM::Role']);
    expect(member.Conditions?.ReaderRoleRegion).toEqual({
      'Fn::Equals': [{ Ref: 'AWS::Region' }, 'eu-west-1'],
    });
    const [fn] = resources(member, 'AWS::Lambda::Function');
    // The member has no Region of its own: the partition is the one it is deployed in.
    expect(fn.Properties.Environment.Variables.LICENSE_BUS_ARN).toEqual({
      'Fn::Join': [
        '',
        ['arn:', { Ref: 'AWS::Partition' }, ':events:eu-west-1:111111111111:event-bus/license-orchestration'],
      ],
    });
  });

  const server = assembly.getStackByName(SERVER).template as Template;

  it('accepts workbench events on the central bus from accounts of the OUs (aws:PrincipalOrgPaths)', () => {
    const [policy] = resources(server, 'AWS::Events::EventBusPolicy');
    const statement = policy.Properties.Statement;
    expect(statement).toMatchObject({
      Sid: 'cdk-AllowWorkbenchEventsFromOrganizationalUnits',
      Principal: { AWS: '*' },
      Action: 'events:PutEvents',
      Condition: {
        'ForAnyValue:StringLike': {
          'aws:PrincipalOrgPaths': ['o-a1b2c3d4e5/*/ou-ab12-11111111/*', 'o-a1b2c3d4e5/*/ou-ab12-22222222/*'],
        },
      },
    });
    expect(resources(server, 'AWS::Events::EventBusPolicy')).toHaveLength(1);
  });

  it("lets the reconciliation list the StackSet's instances through a role in the administrator account", () => {
    const reconciler = resources(server, 'AWS::Lambda::Function').find(
      (f) => f.Properties.Environment?.Variables?.WORKBENCH_STACK_SET_NAME,
    )!;
    expect(reconciler.Properties.Environment.Variables).toMatchObject({
      WORKBENCH_STACK_SET_NAME: 'license-workbench',
      WORKBENCH_STACK_SET_REGION: 'eu-west-1',
      WORKBENCH_STACK_SET_CALL_AS: 'DELEGATED_ADMIN',
      WORKBENCH_STACK_SET_LISTER_ROLE_ARN: `arn:aws:iam::${ADMIN}:role/license-workbench-instance-lister`,
    });
    expect(reconciler.Properties.Environment.Variables.WORKBENCH_SCOPES).toBeUndefined();
    const assume = resources(server, 'AWS::IAM::Policy')
      .flatMap((p) => p.Properties.PolicyDocument.Statement)
      .find((st: Statement) => st.Action === 'sts:AssumeRole')!;
    expect(assume.Resource).toEqual([
      'arn:aws:iam::*:role/license-orchestration-reader',
      `arn:aws:iam::${ADMIN}:role/license-workbench-instance-lister`,
    ]);

    const [lister] = resources(ownerTemplate, 'AWS::IAM::Role');
    expect(lister.Properties.RoleName).toBe('license-workbench-instance-lister');
    expect(lister.Properties.AssumeRolePolicyDocument.Statement[0]).toMatchObject({
      Principal: { AWS: 'arn:aws:iam::111111111111:root' },
      Condition: {
        ArnEquals: { 'aws:PrincipalArn': 'arn:aws:iam::111111111111:role/license-orchestration-reconciler-eu-west-1' },
      },
    });
    const listing = resources(ownerTemplate, 'AWS::IAM::Policy')[0].Properties.PolicyDocument.Statement;
    expect(listing).toEqual([
      {
        Effect: 'Allow',
        Action: 'cloudformation:ListStackInstances',
        Resource: 'arn:aws:cloudformation:eu-west-1:*:stackset/license-workbench:*',
      },
      { Effect: 'Allow', Action: 'organizations:ListDelegatedAdministrators', Resource: '*' },
    ]);
  });

  it('takes callAs SELF and keeps stacks of leaving accounts when configured', () => {
    const config = fixtureWith((s) => {
      s.workbenchStackSet!.callAs = 'SELF';
      s.workbenchStackSet!.retainStacksOnAccountRemoval = true;
    });
    const app = testApp();
    buildPlatform(app, config);
    const template = app.synth().getStackByName(OWNER).template as Template;
    expect(resources(template, 'AWS::CloudFormation::StackSet')[0].Properties).toMatchObject({
      CallAs: 'SELF',
      AutoDeployment: { Enabled: true, RetainStacksOnAccountRemoval: true },
    });
    const actions = resources(template, 'AWS::IAM::Policy').flatMap((p) =>
      (p.Properties.PolicyDocument.Statement as Statement[]).map((st) => st.Action),
    );
    expect(actions).toEqual(['cloudformation:ListStackInstances']);
  });

  it('passes the template gates (cfn-lint with the serverless rules, checkov, IAM gate and parliament)', () => {
    const gates = runTemplateGates(assembly.directory, [
      ...assembly.stacks.map((s) => join(assembly.directory, s.templateFile)),
      join(assembly.directory, memberTemplateFile),
    ]);
    expect(gates.templatesRead).toEqual({ cfnLint: 5, iam: 5 });
    expect(gates.findings).toEqual({ cfnLint: [], iam: [], checkov: [] });
  }, 300_000);
});

describe('workbench StackSet config', () => {
  const problems = (change: (section: Section) => void) => {
    try {
      fixtureWith(change);
      return [];
    } catch (e) {
      if (e instanceof ConfigError) return e.lines();
      throw e;
    }
  };

  it('needs the organization ID (the bus accepts the OUs by path)', () => {
    expect(problems((s) => delete s.organizationId)).toEqual([
      '<inline>: licenseOrchestration.organizationId: expected the AWS Organizations ID when workbenchStackSet is set (the bus accepts its OUs by path), got nothing',
    ]);
  });

  it('needs workbench accounts or a StackSet, and takes OU IDs, callAs and percentages of the documented form', () => {
    expect(problems((s) => delete s.workbenchStackSet)).toEqual([
      '<inline>: licenseOrchestration.workbenchAccounts: expected at least one workbench account (or a workbenchStackSet), got an array of 0',
    ]);
    expect(
      problems((s) => {
        s.workbenchStackSet!.organizationalUnitIds = ['r-ab12'];
        s.workbenchStackSet!.callAs = 'ADMIN';
        s.workbenchStackSet!.operationPreferences.maxConcurrentPercentage = 0;
      }),
    ).toEqual([
      '<inline>: licenseOrchestration.workbenchStackSet.organizationalUnitIds[0]: expected an organizational unit ID such as ou-ab12-cd34ef56, got "r-ab12"',
      '<inline>: licenseOrchestration.workbenchStackSet.callAs: expected one of "SELF", "DELEGATED_ADMIN", got "ADMIN"',
      '<inline>: licenseOrchestration.workbenchStackSet.operationPreferences.maxConcurrentPercentage: expected a value of at least 1, got 0',
    ]);
    expect(
      problems((s) => {
        s.workbenchStackSet!.organizationalUnitIds = ['ou-ab12-11111111', 'ou-ab12-11111111'];
      }),
    ).toEqual([
      '<inline>: licenseOrchestration.workbenchStackSet.organizationalUnitIds: expected each value once, got an array of 2',
    ]);
  });
});

describe('StackSet member synthesizer', () => {
  it('refuses a member template over the StackSet template limit', () => {
    const app = new App({ outdir: testApp().outdir });
    const owner = new Stack(app, 'Owner', {
      env: { account: '444444444444', region: 'eu-west-1' },
      synthesizer: new StackSetOwnerSynthesizer(),
    });
    const member = new StackSetMemberStack(owner, 'Member', {
      system: 'test',
      operations: testOperations(),
      description: 'too large',
      code: { bucketNamePrefix: 'code', regions: ['eu-west-1'], account: '444444444444' },
    });
    new CfnResource(member, 'Big', {
      type: 'AWS::SSM::Parameter',
      properties: { Type: 'String', Value: 'x'.repeat(STACK_SET_TEMPLATE_MAX_BYTES) },
    });
    expect(() => app.synth()).toThrow(/the StackSet template has \d+ bytes; CloudFormation takes at most 1048576/);
  });

  it('needs an owner with the StackSet owner synthesizer', () => {
    const owner = new Stack(new App(), 'Owner');
    expect(
      () =>
        new StackSetMemberStack(owner, 'Member', {
          system: 'test',
          operations: testOperations(),
          description: 'x',
          code: { bucketNamePrefix: 'code', regions: ['eu-west-1'], account: '444444444444' },
        }),
    ).toThrow(/needs the StackSetOwnerSynthesizer/);
  });
});
