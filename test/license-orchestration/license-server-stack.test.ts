import { Match, Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { buildStacks } from './stacks';

const CONTRACT = {
  'events:source': ['license-orchestration.workbench'],
  'events:detail-type': ['Workbench State Change'],
};

describe('license server stack', () => {
  const { server } = buildStacks({ cloudTrailDataEvents: true });
  const template = Template.fromStack(server);

  it('is named and placed from config', () => {
    expect(server.stackName).toBe('license-server-111111111111-eu-west-1');
    expect(`${server.account}/${server.region}`).toBe('111111111111/eu-west-1');
  });

  it('keeps the logical IDs of its stateful resources', () => {
    const ids = (type: string) => Object.keys(template.findResources(type));
    expect(ids('AWS::DynamoDB::Table')).toEqual(['LedgerTable9343E4AA']);
    expect(ids('AWS::Events::EventBus')).toEqual(['Bus95A03305']);
    expect(ids('AWS::Events::Archive')).toEqual(['BusArchiveDBBF46CD']);
    expect(ids('AWS::S3::Bucket').sort()).toEqual(['DataEventsLogs3AB099F1', 'SyncUserListsBucket04588E76']);
    expect(ids('AWS::KMS::Key').sort()).toEqual([
      'AlarmTopicKeyBA1A4AA7',
      'DataEventsKey27C0F709',
      'LedgerTableKeyFC43AB9B',
      'SyncUserListsKeyC1FC0FE4',
    ]);
  });

  describe('bus', () => {
    it('has the contract name and accepts only contract events from the workbench accounts', () => {
      template.hasResourceProperties('AWS::Events::EventBus', { Name: 'license-orchestration' });
      template.resourceCountIs('AWS::Events::EventBusPolicy', 1);
      template.hasResourceProperties('AWS::Events::EventBusPolicy', {
        EventBusName: { Ref: 'Bus95A03305' },
        Statement: {
          Sid: Match.stringLikeRegexp('AllowWorkbenchEventsFromWorkbenchAccounts'),
          Effect: 'Allow',
          Action: 'events:PutEvents',
          Principal: { AWS: ['arn:aws:iam::222222222222:root', 'arn:aws:iam::333333333333:root'] },
          Resource: { 'Fn::GetAtt': ['Bus95A03305', 'Arn'] },
          Condition: { StringEquals: CONTRACT },
        },
      });
    });

    it('accepts the whole organization instead when an organization ID is configured', () => {
      const org = Template.fromStack(buildStacks({ organizationId: 'o-a1b2c3d4e5' }).server);
      org.hasResourceProperties('AWS::Events::EventBusPolicy', {
        Statement: {
          Principal: { AWS: '*' },
          Action: 'events:PutEvents',
          Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-a1b2c3d4e5', ...CONTRACT } },
        },
      });
    });

    it('archives workbench events and logs everything', () => {
      template.hasResourceProperties('AWS::Events::Archive', {
        SourceArn: { 'Fn::GetAtt': ['Bus95A03305', 'Arn'] },
        EventPattern: { source: ['license-orchestration.workbench'] },
        RetentionDays: 30,
      });
      template.hasResourceProperties('AWS::Events::Rule', {
        EventBusName: { Ref: 'Bus95A03305' },
        EventPattern: { source: [{ prefix: '' }] },
        Targets: [
          Match.objectLike({
            Arn: Match.objectLike({ 'Fn::Join': Match.anyValue() }),
            RetryPolicy: { MaximumRetryAttempts: 185, MaximumEventAgeInSeconds: 86400 },
            DeadLetterConfig: { Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^BusDeliveryDlq'), 'Arn'] } },
          }),
        ],
      });
      template.hasResourceProperties('AWS::Logs::LogGroup', {
        LogGroupName: '/aws/events/license-server-111111111111-eu-west-1/license-orchestration',
      });
      template.hasResourceProperties('AWS::Logs::ResourcePolicy', {
        PolicyDocument: Match.objectLike({
          'Fn::Join': ['', Match.arrayWith([Match.stringLikeRegexp('events.amazonaws.com')])],
        }),
      });
    });

    it('gives every target of every rule a retry policy and a dead-letter queue', () => {
      const rules = Object.values(template.findResources('AWS::Events::Rule')) as {
        Properties: { Targets: { RetryPolicy?: unknown; DeadLetterConfig?: unknown }[] };
      }[];
      expect(rules.length).toBe(4); // workbench events, catch-all log, sync safety net, reconciliation
      for (const rule of rules) {
        for (const target of rule.Properties.Targets) {
          expect(target.RetryPolicy).toBeDefined();
          expect(target.DeadLetterConfig).toBeDefined();
        }
      }
    });
  });

  describe('ledger', () => {
    it('is an encrypted, point-in-time-recoverable table with a new-and-old-images stream', () => {
      template.hasResource('AWS::DynamoDB::Table', {
        DeletionPolicy: 'Retain',
        Properties: {
          KeySchema: [
            { AttributeName: 'pk', KeyType: 'HASH' },
            { AttributeName: 'sk', KeyType: 'RANGE' },
          ],
          BillingMode: 'PAY_PER_REQUEST',
          StreamSpecification: { StreamViewType: 'NEW_AND_OLD_IMAGES' },
          PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
          SSESpecification: {
            SSEEnabled: true,
            SSEType: 'KMS',
            KMSMasterKeyId: { 'Fn::GetAtt': ['LedgerTableKeyFC43AB9B', 'Arn'] },
          },
          DeletionProtectionEnabled: true,
        },
      });
    });

    it('receives workbench events through a rule with retries and a dead-letter queue', () => {
      template.hasResourceProperties('AWS::Events::Rule', {
        EventBusName: { Ref: 'Bus95A03305' },
        EventPattern: { source: ['license-orchestration.workbench'], 'detail-type': ['Workbench State Change'] },
        Targets: [
          Match.objectLike({
            Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^LedgerFunction'), 'Arn'] },
            RetryPolicy: { MaximumRetryAttempts: 185, MaximumEventAgeInSeconds: 86400 },
            DeadLetterConfig: { Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^BusDeliveryDlq'), 'Arn'] } },
          }),
        ],
      });
    });

    it('maps workbench types to products from config and may only read and write items', () => {
      template.hasResourceProperties('AWS::Lambda::Function', {
        Environment: {
          Variables: Match.objectLike({
            WORKBENCH_TYPES: JSON.stringify({ 'cad-engineering': ['cad-suite', 'sim-tool'], simulation: ['sim-tool'] }),
            LEDGER_TABLE_NAME: { Ref: 'LedgerTable9343E4AA' },
            REJECTED_QUEUE_URL: { Ref: Match.stringLikeRegexp('^LedgerRejectedEvents') },
          }),
        },
      });
      template.hasResourceProperties('AWS::IAM::Policy', {
        Roles: [{ Ref: Match.stringLikeRegexp('^LedgerRole') }],
        PolicyDocument: {
          Statement: Match.arrayWith([
            {
              Action: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
              Effect: 'Allow',
              Resource: { 'Fn::GetAtt': ['LedgerTable9343E4AA', 'Arn'] },
            },
          ]),
        },
      });
    });
  });

  describe('change detection', () => {
    it('reads only holdings from the stream, with batch item failures, bisect, bounded retries and an on-failure queue', () => {
      template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
        EventSourceArn: { 'Fn::GetAtt': ['LedgerTable9343E4AA', 'StreamArn'] },
        FunctionName: { Ref: Match.stringLikeRegexp('^ChangeDetectionDetectorFunction') },
        StartingPosition: 'TRIM_HORIZON',
        BatchSize: 100,
        BisectBatchOnFunctionError: true,
        MaximumRetryAttempts: 10,
        MaximumRecordAgeInSeconds: 86400,
        FunctionResponseTypes: ['ReportBatchItemFailures'],
        DestinationConfig: {
          OnFailure: {
            Destination: { 'Fn::GetAtt': [Match.stringLikeRegexp('^ChangeDetectionStreamFailures'), 'Arn'] },
          },
        },
        FilterCriteria: {
          Filters: [{ Pattern: JSON.stringify({ dynamodb: { Keys: { sk: { S: [{ prefix: 'U#' }] } } } }) }],
        },
      });
    });
  });

  describe('sync', () => {
    it('is single-flight: reserved concurrency 1, fed by a FIFO queue with a dead-letter queue', () => {
      template.hasResourceProperties('AWS::Lambda::Function', {
        ReservedConcurrentExecutions: 1,
        Timeout: 420,
        Environment: {
          Variables: Match.objectLike({
            PRODUCTS: JSON.stringify([
              { name: 'cad-suite', seats: 50 },
              { name: 'sim-tool', seats: 20 },
            ]),
            SYNC_DOCUMENT_NAME: { Ref: 'SyncDocument053D85D2' },
            LICENSE_SERVER_INSTANCE_ID: 'i-0123456789abcdef0',
            COMMAND_TIMEOUT_SECONDS: '120',
          }),
        },
      });
      template.hasResourceProperties('AWS::SQS::Queue', {
        FifoQueue: true,
        ContentBasedDeduplication: true,
        VisibilityTimeout: 2520,
        RedrivePolicy: {
          deadLetterTargetArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^SyncTriggerDlq'), 'Arn'] },
          maxReceiveCount: 5,
        },
      });
      template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
        EventSourceArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^SyncTriggers'), 'Arn'] },
        BatchSize: 10,
      });
    });

    it('runs on a schedule as a safety net, through the same FIFO queue', () => {
      template.hasResourceProperties('AWS::Events::Rule', {
        ScheduleExpression: 'rate(5 minutes)',
        Targets: [
          Match.objectLike({
            Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^SyncTriggers'), 'Arn'] },
            SqsParameters: { MessageGroupId: 'license-sync' },
            RetryPolicy: Match.anyValue(),
            DeadLetterConfig: { Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^SyncScheduleDlq'), 'Arn'] } },
          }),
        ],
      });
    });

    it('has an SSM document whose parameters are validated and passed as environment variables', () => {
      const documents = template.findResources('AWS::SSM::Document');
      const doc = Object.values(documents)[0] as {
        Properties: {
          DocumentType: string;
          Content: {
            schemaVersion: string;
            parameters: Record<string, { type: string; allowedPattern: string; interpolationType: string }>;
            mainSteps: { action: string; inputs: { runCommand: string[]; timeoutSeconds: string } }[];
          };
        };
      };
      expect(doc.Properties.DocumentType).toBe('Command');
      expect(doc.Properties.Content.schemaVersion).toBe('2.2');
      expect(doc.Properties.Content.parameters).toEqual({
        product: expect.objectContaining({
          type: 'String',
          allowedPattern: '^(cad-suite|sim-tool)$',
          interpolationType: 'ENV_VAR',
        }),
        users: expect.objectContaining({
          type: 'String',
          allowedPattern: '^users:(([A-Za-z0-9][A-Za-z0-9._@-]{0,63})(,([A-Za-z0-9][A-Za-z0-9._@-]{0,63}))*)?$',
          interpolationType: 'ENV_VAR',
        }),
        usersObject: expect.objectContaining({
          type: 'String',
          default: '',
          allowedPattern: '^(user-lists/(cad-suite|sim-tool)/[0-9]{1,15}-[0-9a-f]{64})?$',
          interpolationType: 'ENV_VAR',
        }),
        usersSha256: expect.objectContaining({
          type: 'String',
          default: '',
          allowedPattern: '^([0-9a-f]{64})?$',
          interpolationType: 'ENV_VAR',
        }),
        version: expect.objectContaining({
          type: 'String',
          allowedPattern: '^[0-9]{1,15}$',
          interpolationType: 'ENV_VAR',
        }),
      });
      const step = doc.Properties.Content.mainSteps[0];
      expect(step.action).toBe('aws:runShellScript');
      expect(step.inputs.timeoutSeconds).toBe('120');
      const script = step.inputs.runCommand.join('\n');
      expect(script).not.toContain('{{');
      // The command travels base64-encoded, so it cannot change the script around it.
      expect(script).toContain(
        `command_base64='${Buffer.from('/opt/xlc assign --product cad-suite --file "$LICENSE_USERS_FILE"').toString('base64')}'`,
      );
      expect(script).toContain('"$SSM_product"');
    });

    it('hands long lists over through a versioned, KMS-encrypted, TLS-only bucket whose objects expire after a day', () => {
      const bucket = 'SyncUserListsBucket04588E76';
      template.hasResourceProperties('AWS::S3::Bucket', {
        BucketEncryption: {
          ServerSideEncryptionConfiguration: [
            {
              BucketKeyEnabled: false,
              ServerSideEncryptionByDefault: {
                SSEAlgorithm: 'aws:kms',
                KMSMasterKeyID: { 'Fn::GetAtt': ['SyncUserListsKeyC1FC0FE4', 'Arn'] },
              },
            },
          ],
        },
        PublicAccessBlockConfiguration: {
          BlockPublicAcls: true,
          BlockPublicPolicy: true,
          IgnorePublicAcls: true,
          RestrictPublicBuckets: true,
        },
        VersioningConfiguration: { Status: 'Enabled' },
        LifecycleConfiguration: {
          Rules: [
            {
              Status: 'Enabled',
              ExpirationInDays: 1,
              NoncurrentVersionExpiration: { NoncurrentDays: 1 },
              AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 },
            },
            { Status: 'Enabled', ExpiredObjectDeleteMarker: true },
          ],
        },
      });
      template.hasResourceProperties('AWS::KMS::Key', {
        Description: Match.stringLikeRegexp('user lists'),
        EnableKeyRotation: true,
      });
      template.hasResourceProperties('AWS::S3::BucketPolicy', {
        Bucket: { Ref: bucket },
        PolicyDocument: {
          Statement: [
            Match.objectLike({
              Effect: 'Deny',
              Action: 's3:*',
              Condition: { Bool: { 'aws:SecureTransport': 'false' } },
            }),
          ],
        },
      });
      const fn = Object.values(template.findResources('AWS::Lambda::Function')).find(
        (f) =>
          (f as { Properties: { Environment?: { Variables?: object } } }).Properties.Environment?.Variables &&
          'USER_LISTS_BUCKET' in
            (f as { Properties: { Environment: { Variables: object } } }).Properties.Environment.Variables,
      ) as { Properties: { Environment: { Variables: Record<string, unknown> } } };
      expect(fn.Properties.Environment.Variables).toMatchObject({
        USER_LISTS_BUCKET: { Ref: bucket },
        USER_LISTS_KEY_ARN: { 'Fn::GetAtt': ['SyncUserListsKeyC1FC0FE4', 'Arn'] },
      });
      // The document reads the bucket named at deploy, in the stack's Region.
      const doc = Object.values(template.findResources('AWS::SSM::Document'))[0] as {
        Properties: { Content: { mainSteps: { inputs: { runCommand: unknown[] } }[] } };
      };
      expect(JSON.stringify(doc.Properties.Content.mainSteps[0].inputs.runCommand)).toContain(
        `get-object --region 'eu-west-1' --bucket '\",{\"Ref\":\"${bucket}\"}`,
      );
    });

    it('lets the sync write and delete, and the license server read, only list objects and only through S3', () => {
      const objects = { 'Fn::Join': ['', [{ 'Fn::GetAtt': ['SyncUserListsBucket04588E76', 'Arn'] }, '/user-lists/*']] };
      const viaS3 = {
        StringEquals: { 'kms:ViaService': { 'Fn::Join': ['', ['s3.eu-west-1.', { Ref: 'AWS::URLSuffix' }]] } },
        StringLike: { 'kms:EncryptionContext:aws:s3:arn': objects },
      };
      const key = { 'Fn::GetAtt': ['SyncUserListsKeyC1FC0FE4', 'Arn'] };
      template.hasResourceProperties('AWS::IAM::Policy', {
        Roles: [{ Ref: Match.stringLikeRegexp('^SyncRole') }],
        PolicyDocument: {
          Statement: [
            {
              Effect: 'Allow',
              Action: ['s3:DeleteObject', 's3:DeleteObjectVersion', 's3:PutObject'],
              Resource: objects,
            },
            { Effect: 'Allow', Action: 'kms:GenerateDataKey', Resource: key, Condition: viaS3 },
          ],
        },
      });
      template.hasResourceProperties('AWS::IAM::Policy', {
        Roles: ['license-server'],
        PolicyDocument: {
          Statement: [
            { Effect: 'Allow', Action: 's3:GetObject', Resource: objects },
            { Effect: 'Allow', Action: 'kms:Decrypt', Resource: key, Condition: viaS3 },
          ],
        },
      });
      // No other grant names the bucket or its key.
      const mentions = Object.entries(template.findResources('AWS::IAM::Policy')).filter(([, p]) =>
        /SyncUserLists(Bucket|Key)/.test(JSON.stringify(p)),
      );
      expect(mentions.map(([id]) => id).sort()).toEqual([
        expect.stringMatching(/^SyncUserListsReadPolicy/),
        expect.stringMatching(/^SyncUserListsWritePolicy/),
      ]);
    });

    it('may send commands only with its document to the license server, and read their results', () => {
      template.hasResourceProperties('AWS::IAM::Policy', {
        PolicyDocument: {
          Statement: [
            {
              Action: 'ssm:SendCommand',
              Effect: 'Allow',
              Resource: [
                'arn:aws:ec2:eu-west-1:111111111111:instance/i-0123456789abcdef0',
                { 'Fn::Join': ['', ['arn:aws:ssm:eu-west-1:111111111111:document/', { Ref: 'SyncDocument053D85D2' }]] },
              ],
            },
          ],
        },
      });
      template.hasResourceProperties('AWS::IAM::Policy', {
        PolicyDocument: { Statement: [{ Action: 'ssm:GetCommandInvocation', Effect: 'Allow', Resource: '*' }] },
      });
    });
  });

  describe('reconciliation', () => {
    it('runs on a schedule with a fixed role name that may assume only the reader roles', () => {
      template.hasResourceProperties('AWS::IAM::Role', { RoleName: 'license-orchestration-reconciler-eu-west-1' });
      template.hasResourceProperties('AWS::IAM::Policy', {
        PolicyDocument: {
          Statement: [
            {
              Action: 'sts:AssumeRole',
              Effect: 'Allow',
              Resource: [
                'arn:aws:iam::222222222222:role/license-orchestration-reader',
                'arn:aws:iam::333333333333:role/license-orchestration-reader',
              ],
            },
          ],
        },
      });
      template.hasResourceProperties('AWS::Lambda::Function', {
        Environment: {
          Variables: Match.objectLike({
            WORKBENCH_SCOPES: '222222222222/eu-west-1 222222222222/us-east-1 333333333333/eu-west-1',
            READER_ROLE_NAME: 'license-orchestration-reader',
          }),
        },
      });
      template.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'rate(1 hour)' });
    });

    it('is absent when disabled', () => {
      const off = Template.fromStack(buildStacks({ reconciliation: { enabled: false } }).server);
      expect(JSON.stringify(off.toJSON())).not.toContain('license-orchestration-reconciler');
    });
  });

  describe('observability', () => {
    it("alarms when demand exceeds a product's seats and when a sync fails", () => {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'LicenseOrchestration',
        MetricName: 'UsersHolding',
        Dimensions: Match.arrayWith([
          { Name: 'product', Value: 'cad-suite' },
          { Name: 'service', Value: 'license-sync' },
        ]),
        Threshold: 50,
        ComparisonOperator: 'GreaterThanThreshold',
        AlarmActions: [{ Ref: Match.stringLikeRegexp('^AlarmTopic') }],
      });
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        MetricName: 'UsersHolding',
        Dimensions: Match.arrayWith([{ Name: 'product', Value: 'sim-tool' }]),
        Threshold: 20,
      });
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'LicenseOrchestration',
        MetricName: 'SyncFailures',
        Dimensions: [{ Name: 'service', Value: 'license-sync' }],
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      });
    });

    it('has a dashboard with demand, seats, latency, repairs and dead-lettered events', () => {
      const dashboards = template.findResources('AWS::CloudWatch::Dashboard');
      const body = JSON.stringify(Object.values(dashboards)[0]);
      for (const title of [
        'Users holding each product',
        'Seats configured per product',
        'Sync latency',
        'Reconciliation repairs',
        'Dead-lettered events',
      ]) {
        expect(body).toContain(title);
      }
      expect(body).toContain('Repairs');
    });

    it("records the table's data events in CloudTrail when configured", () => {
      template.hasResourceProperties('AWS::CloudTrail::Trail', {
        IsLogging: true,
        EnableLogFileValidation: true,
        AdvancedEventSelectors: [
          {
            FieldSelectors: [
              { Field: 'eventCategory', Equals: ['Data'] },
              { Field: 'resources.type', Equals: ['AWS::DynamoDB::Table'] },
              { Field: 'resources.ARN', Equals: [{ 'Fn::GetAtt': ['LedgerTable9343E4AA', 'Arn'] }] },
            ],
          },
        ].map((s) => Match.objectLike(s)),
      });
      Template.fromStack(buildStacks().server).resourceCountIs('AWS::CloudTrail::Trail', 0);
    });
  });

  it('passes the cdk-nag checks (synth with compliance on)', () => {
    const stacks = buildStacks({ cloudTrailDataEvents: true, organizationId: 'o-a1b2c3d4e5' }, { compliance: true });
    expect(() => (stacks.server.node.root as import('aws-cdk-lib').App).synth()).not.toThrow();
  });
});
