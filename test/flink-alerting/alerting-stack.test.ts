import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseNotifierSettings } from '../../lambda/flink-alerting/core/notifier-settings';
import { alertingStack, PAGER_URL_SECRET } from './fixtures';

type Resources = Record<string, { Type: string; Properties: Record<string, unknown>; DependsOn?: string[] }>;

function resourcesOf(template: Template, type: string): Resources {
  return template.findResources(type) as Resources;
}

function only<T>(record: Record<string, T>): [string, T] {
  const entries = Object.entries(record);
  expect(entries).toHaveLength(1);
  return entries[0];
}

/** Every IAM statement of every policy, flattened. */
function statements(template: Template): Array<{ Action: string | string[]; Resource: unknown; policy: string }> {
  return Object.entries(resourcesOf(template, 'AWS::IAM::Policy')).flatMap(([policy, r]) =>
    (
      (r.Properties.PolicyDocument as { Statement: Array<{ Action: string | string[]; Resource: unknown }> })
        .Statement ?? []
    ).map((s) => ({ ...s, policy })),
  );
}

const actionsOf = (s: { Action: string | string[] }): string[] => (Array.isArray(s.Action) ? s.Action : [s.Action]);

/** The resources of the statements of policies starting with `policy` that grant `action`, as JSON. */
function eniGrants(template: Template, policy: string, action: string): string[] {
  return statements(template)
    .filter((s) => s.policy.startsWith(policy) && actionsOf(s).includes(action))
    .flatMap((s) => [s.Resource].flat().map((r) => JSON.stringify(r)));
}

describe('Flink alerting stack (created VPC and cluster)', () => {
  let template: Template;
  beforeAll(() => {
    template = Template.fromStack(alertingStack());
  });

  it('pins the logical IDs of its stateful resources', () => {
    for (const [type, id] of [
      ['AWS::MSK::Cluster', 'KafkaCluster21A1BE89'],
      ['AWS::KMS::Key', 'KafkaKey6F570603'],
      ['AWS::KinesisAnalyticsV2::Application', 'AlertJobApplication59E29810'],
      ['AWS::KinesisAnalyticsV2::Application', 'BaselineJobApplication61900A69'],
      ['AWS::DynamoDB::Table', 'NotifierHistory8F56EDA4'],
      ['AWS::SQS::Queue', 'NotifierDeadLettersQueueB9FCFB1B'],
      ['AWS::SecretsManager::Secret', 'NotifierWebhookSecretpagerE022DB4C'],
    ]) {
      expect(Object.keys(resourcesOf(template, type)), type).toContain(id);
    }
  });

  it('creates an MSK cluster with IAM authentication only, TLS everywhere and no public access', () => {
    template.hasResource('AWS::MSK::Cluster', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({
        KafkaVersion: '3.9.x.kraft',
        NumberOfBrokerNodes: 3,
        ClientAuthentication: { Sasl: { Iam: { Enabled: true } }, Unauthenticated: { Enabled: false } },
        EncryptionInfo: {
          EncryptionAtRest: { DataVolumeKMSKeyId: { 'Fn::GetAtt': ['KafkaKey6F570603', 'Arn'] } },
          EncryptionInTransit: { ClientBroker: 'TLS', InCluster: true },
        },
        BrokerNodeGroupInfo: Match.objectLike({
          InstanceType: 'kafka.m7g.large',
          ConnectivityInfo: { PublicAccess: { Type: 'DISABLED' } },
          ClientSubnets: [
            { Ref: Match.stringLikeRegexp('^NetworkVpcprivateSubnet1') },
            { Ref: Match.stringLikeRegexp('^NetworkVpcprivateSubnet2') },
            { Ref: Match.stringLikeRegexp('^NetworkVpcprivateSubnet3') },
          ],
        }),
        LoggingInfo: { BrokerLogs: { CloudWatchLogs: { Enabled: true, LogGroup: Match.anyValue() } } },
      }),
    });
    template.resourceCountIs('AWS::EC2::NatGateway', 0);
  });

  it('opens the brokers on 9098 to its clients only', () => {
    const ingress = Object.values(resourcesOf(template, 'AWS::EC2::SecurityGroupIngress')).map((r) => r.Properties);
    const toBrokers = ingress.filter(
      (p) => JSON.stringify(p.GroupId).includes('KafkaSecurityGroup') && p.FromPort === 9098,
    );
    const sources = toBrokers.map((p) => JSON.stringify(p.SourceSecurityGroupId));
    expect(sources).toHaveLength(4);
    for (const client of [
      'AlertJobSecurityGroup',
      'BaselineJobSecurityGroup',
      'KafkaAdminSecurityGroup',
      'KafkaSecurityGroup',
    ]) {
      expect(sources.filter((s) => s.includes(`"${client}`))).toHaveLength(1);
    }
    expect(ingress.every((p) => p.CidrIp === undefined || p.CidrIp !== '0.0.0.0/0')).toBe(true);
  });

  it('reads the IAM bootstrap brokers with GetBootstrapBrokers at deploy time', () => {
    const [, resource] = only(resourcesOf(template, 'Custom::AWS'));
    const create = JSON.stringify(resource.Properties.Update ?? resource.Properties.Create);
    expect(create).toContain('GetBootstrapBrokers');
    expect(create).toContain('KafkaCluster21A1BE89');
    expect(create).toContain('BootstrapBrokerStringSaslIam');
  });

  it('creates the six topics at deploy time, compacting monitors and baselines', () => {
    const [, topics] = only(resourcesOf(template, 'Custom::KafkaTopics'));
    expect(topics.Properties.Kind).toBe('Topics');
    expect(topics.Properties.BootstrapBrokers).toEqual({
      'Fn::GetAtt': ['KafkaBootstrapBrokers10225061', 'BootstrapBrokerStringSaslIam'],
    });
    const byName = Object.fromEntries(
      (topics.Properties.Topics as Array<{ Name: string; Configs: Record<string, string> }>).map((t) => [t.Name, t]),
    );
    expect(Object.keys(byName).sort()).toEqual(
      ['alerting-dead-letters', 'alerting-late-events', 'alerts', 'baselines', 'monitors', 'telemetry'].sort(),
    );
    expect(byName.telemetry).toEqual({
      Name: 'telemetry',
      Partitions: 12,
      ReplicationFactor: 3,
      Configs: { 'cleanup.policy': 'delete', 'retention.ms': String(7 * 86_400_000), 'min.insync.replicas': '2' },
    });
    expect(byName.monitors.Configs['cleanup.policy']).toBe('compact');
    expect(byName.baselines.Configs['cleanup.policy']).toBe('compact');
  });

  it('publishes the configured monitors (contract v1) after the topics exist', () => {
    const [id, monitors] = only(resourcesOf(template, 'Custom::KafkaMonitors'));
    expect(monitors.Properties.MonitorTopic).toBe('monitors');
    expect(JSON.parse(monitors.Properties.Monitors as string)).toEqual([
      {
        id: 'vdi-latency-high',
        source: 'vdi',
        metric: 'networkLatencyMs',
        aggregation: 'avg',
        groupBy: ['desktopPool'],
        window: { size: 'PT30S', slide: 'PT30S' },
        condition: { type: 'threshold', operator: '>', value: 300 },
        for: 'PT5M',
        severity: 'critical',
        enabled: true,
      },
    ]);
    expect(template.toJSON().Resources[id].DependsOn).toEqual(expect.arrayContaining(['KafkaAdminTopics3DCCE187']));
  });

  it('runs the Kafka admin function in the VPC, bundling all its dependencies', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('Creates Kafka topics'),
      VpcConfig: {
        SubnetIds: Match.arrayWith([{ Ref: Match.stringLikeRegexp('^NetworkVpcprivateSubnet1') }]),
        SecurityGroupIds: [{ 'Fn::GetAtt': [Match.stringLikeRegexp('^KafkaAdminSecurityGroup'), 'GroupId'] }],
      },
      Environment: { Variables: Match.objectLike({ KAFKA_SECURITY: 'iam' }) },
    });
  });

  it('deploys both jobs on Managed Flink FLINK-2_2 in the VPC with checkpoints, snapshots and autoscaling', () => {
    for (const [id, job, parallelism] of [
      ['AlertJobApplication59E29810', 'alert', 2],
      ['BaselineJobApplication61900A69', 'baseline', 2],
    ] as const) {
      const app = template.toJSON().Resources[id].Properties;
      expect(app.RuntimeEnvironment).toBe('FLINK-2_2');
      const c = app.ApplicationConfiguration;
      expect(c.ApplicationCodeConfiguration).toEqual({
        CodeContentType: 'ZIPFILE',
        CodeContent: {
          S3ContentLocation: {
            BucketARN: expect.stringContaining('cdk-hnb659fds-assets'),
            FileKey: expect.stringMatching(/^[0-9a-f]{64}\.(zip|jar)$/),
          },
        },
      });
      expect(c.ApplicationSnapshotConfiguration).toEqual({ SnapshotsEnabled: true });
      expect(c.FlinkApplicationConfiguration).toEqual({
        CheckpointConfiguration: {
          ConfigurationType: 'CUSTOM',
          CheckpointingEnabled: true,
          CheckpointInterval: 60_000,
          MinPauseBetweenCheckpoints: 5000,
        },
        MonitoringConfiguration: { ConfigurationType: 'CUSTOM', LogLevel: 'INFO', MetricsLevel: 'TASK' },
        ParallelismConfiguration: {
          ConfigurationType: 'CUSTOM',
          Parallelism: parallelism,
          ParallelismPerKPU: 1,
          AutoScalingEnabled: true,
        },
      });
      expect(c.VpcConfigurations).toEqual([
        {
          SubnetIds: [
            { Ref: expect.stringMatching(/^NetworkVpcprivateSubnet1/) },
            { Ref: expect.stringMatching(/^NetworkVpcprivateSubnet2/) },
            { Ref: expect.stringMatching(/^NetworkVpcprivateSubnet3/) },
          ],
          SecurityGroupIds: [{ 'Fn::GetAtt': [expect.stringMatching(/SecurityGroup/), 'GroupId'] }],
        },
      ]);
      expect(app.RunConfiguration.ApplicationRestoreConfiguration).toEqual({
        ApplicationRestoreType: 'RESTORE_FROM_LATEST_SNAPSHOT',
      });
      const [group] = c.EnvironmentProperties.PropertyGroups;
      expect(group.PropertyGroupId).toBe('alerting');
      expect(group.PropertyMap).toMatchObject({
        job,
        'kafka.bootstrap.servers': { 'Fn::GetAtt': ['KafkaBootstrapBrokers10225061', 'BootstrapBrokerStringSaslIam'] },
        'kafka.msk-iam': 'true',
        'kafka.group-id': `alerting-${job}-job`,
        'topic.telemetry': 'telemetry',
        'topic.monitors': 'monitors',
        'topic.baselines': 'baselines',
        'topic.alerts': 'alerts',
        'watermark.out-of-orderness': 'PT5S',
        'baseline.history': 'P28D',
      });
    }
    template.resourceCountIs('AWS::KinesisAnalyticsV2::ApplicationCloudWatchLoggingOption', 2);
  });

  it('scopes each job to its own topics and consumer groups', () => {
    const all = statements(template);
    const kafkaOf = (policyPrefix: string) =>
      all.filter((s) => s.policy.startsWith(policyPrefix) && actionsOf(s).some((a) => a.startsWith('kafka-cluster:')));
    const resourcesFor = (policyPrefix: string, action: string) =>
      kafkaOf(policyPrefix)
        .filter((s) => actionsOf(s).includes(action))
        .flatMap((s) => (Array.isArray(s.Resource) ? s.Resource : [s.Resource]))
        .map((r) => JSON.stringify(r));
    const names = (arns: string[]) => arns.map((a) => /\/([A-Za-z0-9._-]+)"\]\]\}$/.exec(a)?.[1] ?? a).sort();

    expect(names(resourcesFor('AlertJobKafkaPolicy', 'kafka-cluster:ReadData'))).toEqual(
      ['baselines', 'monitors', 'telemetry'].sort(),
    );
    expect(names(resourcesFor('AlertJobKafkaPolicy', 'kafka-cluster:WriteData'))).toEqual(
      ['alerting-dead-letters', 'alerting-late-events', 'alerts'].sort(),
    );
    expect(names(resourcesFor('AlertJobKafkaPolicy', 'kafka-cluster:AlterGroup'))).toEqual(
      ['alerting-alert-job', 'alerting-alert-job-baselines', 'alerting-alert-job-monitors'].sort(),
    );
    expect(names(resourcesFor('BaselineJobKafkaPolicy', 'kafka-cluster:ReadData'))).toEqual(['monitors', 'telemetry']);
    expect(names(resourcesFor('BaselineJobKafkaPolicy', 'kafka-cluster:WriteData'))).toEqual(['baselines']);
    expect(names(resourcesFor('NotifierEventSourcePolicy', 'kafka-cluster:ReadData'))).toEqual(['alerts']);
    expect(names(resourcesFor('NotifierEventSourcePolicy', 'kafka-cluster:AlterGroup'))).toEqual(['alerting-notifier']);
    expect(names(resourcesFor('KafkaAdminMonitorsPolicy', 'kafka-cluster:WriteData'))).toEqual(['monitors']);
    // Topic ARNs are built from the cluster's name and UUID, never a wildcard.
    for (const s of all.filter((x) => actionsOf(x).some((a) => a.startsWith('kafka-cluster:')))) {
      expect(JSON.stringify(s.Resource)).not.toContain('*');
      expect(actionsOf(s).every((a) => !a.includes('*'))).toBe(true);
    }
    expect(resourcesFor('AlertJobKafkaPolicy', 'kafka-cluster:ReadData')[0]).toContain(':topic/');
    expect(resourcesFor('AlertJobKafkaPolicy', 'kafka-cluster:Connect')[0]).toContain('KafkaCluster21A1BE89');
  });

  it('lets each application read only its own jar', () => {
    const s3 = statements(template).filter(
      (s) => s.policy.startsWith('AlertJobServicePolicy') && actionsOf(s)[0].startsWith('s3:'),
    );
    expect(s3).toHaveLength(1);
    expect(actionsOf(s3[0])).toEqual(['s3:GetObject', 's3:GetObjectVersion']);
    expect(JSON.stringify(s3[0].Resource)).toMatch(/[0-9a-f]{64}\.(zip|jar)/);
  });

  it('starts both applications after deploy and waits for RUNNING', () => {
    const starts = resourcesOf(template, 'Custom::FlinkApplicationStart');
    expect(Object.values(starts).map((s) => s.Properties.ApplicationName)).toEqual([
      { Ref: 'AlertJobApplication59E29810' },
      { Ref: 'BaselineJobApplication61900A69' },
    ]);
    for (const s of Object.values(starts)) {
      expect(s.Properties.AllowNonRestoredState).toBe('false');
      expect(s.Properties.Revision).toMatch(/^[0-9a-f]{16}$/);
    }
    const startGrants = statements(template).filter((s) => actionsOf(s).includes('kinesisanalytics:StartApplication'));
    expect(startGrants.map((s) => JSON.stringify(s.Resource)).join()).toContain('AlertJobApplication59E29810');
    expect(startGrants.every((s) => !JSON.stringify(s.Resource).includes('"*"'))).toBe(true);
    // The provider polls isComplete through a logged Step Functions waiter.
    template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      LoggingConfiguration: Match.objectLike({ Level: 'ALL' }),
    });
  });

  it('consumes the alerts topic with an MSK event source mapping that dead-letters to the alarmed queue', () => {
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: { 'Fn::GetAtt': ['KafkaCluster21A1BE89', 'Arn'] },
      Topics: ['alerts'],
      StartingPosition: 'TRIM_HORIZON',
      BatchSize: 100,
      MaximumBatchingWindowInSeconds: 5,
      AmazonManagedKafkaEventSourceConfig: { ConsumerGroupId: 'alerting-notifier' },
      DestinationConfig: {
        OnFailure: { Destination: { 'Fn::GetAtt': ['NotifierDeadLettersQueueB9FCFB1B', 'Arn'] } },
      },
    });
  });

  it('configures the notifier: history table, settings, SES identity and webhook secret', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [
        { AttributeName: 'alertId', KeyType: 'HASH' },
        { AttributeName: 'windowEnd', KeyType: 'RANGE' },
      ],
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
    });
    const fn = Object.values(resourcesOf(template, 'AWS::Lambda::Function')).find((f) =>
      JSON.stringify(f.Properties.Environment ?? {}).includes('NOTIFIER_SETTINGS'),
    );
    // 30 s plus, per channel (email, one webhook), 4 attempts of a 5 s timeout and a 5 s backoff.
    expect(fn?.Properties.Timeout).toBe(110);
    const env = (fn?.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
    const raw = env.NOTIFIER_SETTINGS as { 'Fn::Join': [string, unknown[]] };
    // The secret ARN is a reference; substitute it to validate the rest as the handler will.
    const text = raw['Fn::Join'][1].map((p) => (typeof p === 'string' ? p : 'arn:aws:secretsmanager:x')).join('');
    const settings = parseNotifierSettings(text);
    expect(settings.email).toMatchObject({ from: 'alerts@example.com', to: ['oncall@example.com'] });
    expect(settings.webhooks).toEqual([
      { name: 'pager', urlSecretArn: PAGER_URL_SECRET, secretArn: 'arn:aws:secretsmanager:x' },
    ]);
    const ses = statements(template).find((s) => actionsOf(s).includes('ses:SendEmail'));
    expect(JSON.stringify(ses?.Resource)).toContain('identity/alerts@example.com');
    expect(JSON.stringify(ses?.Resource)).toContain('identity/example.com');
  });

  it('scopes the ENI actions of the Kafka admin function and the MSK event source like the Flink applications', () => {
    for (const policy of ['KafkaAdminVpcAccessPolicy', 'NotifierEventSourcePolicy']) {
      for (const action of ['ec2:CreateNetworkInterface', 'ec2:DeleteNetworkInterface']) {
        const grants = eniGrants(template, policy, action);
        expect(grants.length, `${policy} ${action}`).toBeGreaterThan(0);
        expect(grants, `${policy} ${action}`).not.toContain('"*"');
      }
      const create = eniGrants(template, policy, 'ec2:CreateNetworkInterface').join(' ');
      expect(create).toContain(':network-interface/*');
      expect(create).toMatch(/:subnet\/"[^*]*Subnet/);
      expect(create).toContain(':security-group/');
      expect(create).not.toMatch(/:(subnet|security-group)\/\*/);
    }
    expect(eniGrants(template, 'KafkaAdminVpcAccessPolicy', 'ec2:AssignPrivateIpAddresses').join(' ')).toContain(
      ':network-interface/*',
    );
  });

  it('keeps webhook URLs out of the template: the notifier reads them from their secret', () => {
    const fn = Object.values(resourcesOf(template, 'AWS::Lambda::Function')).find((f) =>
      JSON.stringify(f.Properties.Environment ?? {}).includes('NOTIFIER_SETTINGS'),
    );
    expect(JSON.stringify(fn?.Properties.Environment)).not.toMatch(/https?:\/\//);
    expect(JSON.stringify(template.toJSON())).not.toContain('hooks.example.com');
    const read = statements(template).filter((s) => actionsOf(s).includes('secretsmanager:GetSecretValue'));
    expect(read.flatMap((s) => [s.Resource].flat())).toContainEqual(PAGER_URL_SECRET);
  });

  it('alarms on restarts or silence, failed checkpoints, consumer lag, late events and dead letters', () => {
    for (const app of ['AlertJobApplication59E29810', 'BaselineJobApplication61900A69']) {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Metrics: Match.arrayWith([
          Match.objectLike({ Expression: 'IF(restarts >= 0, FILL(DIFF(restarts), 0), 0)' }),
          Match.objectLike({
            Id: 'restarts',
            MetricStat: Match.objectLike({
              Metric: {
                Namespace: 'AWS/KinesisAnalytics',
                MetricName: 'numRestarts',
                Dimensions: [{ Name: 'Application', Value: { Ref: app } }],
              },
              Period: 300,
              Stat: 'Maximum',
            }),
          }),
        ]),
        EvaluationPeriods: 1,
        Threshold: 0,
        ComparisonOperator: 'GreaterThanThreshold',
        TreatMissingData: 'breaching',
        AlarmActions: [{ Ref: Match.stringLikeRegexp('^AlarmTopic') }],
      });
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Metrics: Match.arrayWith([
          Match.objectLike({ Expression: 'DIFF(failed)' }),
          Match.objectLike({
            MetricStat: Match.objectLike({
              Metric: Match.objectLike({
                MetricName: 'numberOfFailedCheckpoints',
                Dimensions: [{ Name: 'Application', Value: { Ref: app } }],
              }),
            }),
          }),
        ]),
      });
    }
    for (const [group, topic] of [
      ['alerting-alert-job', 'telemetry'],
      ['alerting-baseline-job', 'telemetry'],
      ['alerting-notifier', 'alerts'],
    ]) {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'AWS/Kafka',
        MetricName: 'SumOffsetLag',
        Threshold: 100_000,
        Dimensions: Match.arrayWith([
          { Name: 'Consumer Group', Value: group },
          { Name: 'Topic', Value: topic },
        ]),
      });
    }
    const insights = Object.values(resourcesOf(template, 'AWS::CloudWatch::Alarm'))
      .map((a) => JSON.stringify(a.Properties.Metrics ?? ''))
      .filter((m) => m.includes('SELECT SUM('));
    expect(insights.filter((m) => m.includes('lateEvents'))).toHaveLength(2);
    expect(insights.filter((m) => m.includes('deadLetters') && m.includes('AlertJobApplication59E29810'))).toHaveLength(
      1,
    );
  });
});

/** An existing VPC in two zones whose interface endpoints the operator provides. */
const EXISTING_VPC = {
  vpcId: 'vpc-0123456789abcdef0',
  availabilityZones: ['eu-west-1a', 'eu-west-1b'],
  privateSubnetIds: ['subnet-0aaaaaaaaaaaaaaaa', 'subnet-0bbbbbbbbbbbbbbbb'],
  createEndpoints: false,
};

describe('Flink alerting stack (existing VPC and cluster)', () => {
  const existingArn =
    'arn:aws:kafka:eu-west-1:111111111111:cluster/shared-kafka/1a2b3c4d-aaaa-bbbb-cccc-0123456789ab-7';
  const existingSecret = 'arn:aws:secretsmanager:eu-west-1:111111111111:secret:alerting/pager-AbCdEf';
  let template: Template;
  beforeAll(() => {
    template = Template.fromStack(
      alertingStack({
        network: {
          existingVpc: EXISTING_VPC,
        },
        kafka: {
          existingCluster: { arn: existingArn, securityGroupId: 'sg-0123456789abcdef0' },
          topics: { telemetry: { replicationFactor: 2 } },
        },
        flink: { startAfterDeploy: false },
        notifier: { webhooks: [{ name: 'pager', urlSecretArn: PAGER_URL_SECRET, secretArn: existingSecret }] },
      }),
    );
  });

  it('creates no cluster, VPC or endpoints and lets its clients into the existing brokers', () => {
    template.resourceCountIs('AWS::MSK::Cluster', 0);
    template.resourceCountIs('AWS::EC2::VPC', 0);
    template.resourceCountIs('AWS::EC2::VPCEndpoint', 0);
    template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      GroupId: 'sg-0123456789abcdef0',
      FromPort: 9098,
      ToPort: 9098,
      SourceSecurityGroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^AlertJobSecurityGroup'), 'GroupId'] },
    });
    template.hasResourceProperties('AWS::KinesisAnalyticsV2::Application', {
      ApplicationConfiguration: Match.objectLike({
        VpcConfigurations: [
          { SubnetIds: ['subnet-0aaaaaaaaaaaaaaaa', 'subnet-0bbbbbbbbbbbbbbbb'], SecurityGroupIds: Match.anyValue() },
        ],
      }),
    });
  });

  it('builds topic and group ARNs from the existing cluster name and UUID', () => {
    const read = statements(template).find(
      (s) => s.policy.startsWith('AlertJobKafkaPolicy') && actionsOf(s).includes('kafka-cluster:ReadData'),
    );
    expect(JSON.stringify(read?.Resource)).toContain(
      'topic/shared-kafka/1a2b3c4d-aaaa-bbbb-cccc-0123456789ab-7/telemetry',
    );
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', { EventSourceArn: existingArn });
  });

  it("keeps the event source's ENIs in the existing cluster's VPC (its subnets are unknown at synth)", () => {
    const create = statements(template).filter(
      (s) => s.policy.startsWith('NotifierEventSourcePolicy') && actionsOf(s).includes('ec2:CreateNetworkInterface'),
    );
    expect(create.flatMap((s) => [s.Resource].flat())).not.toContain('*');
    const inVpc = create.find((s) => JSON.stringify(s.Resource).includes(':subnet/*')) as
      { Condition?: Record<string, Record<string, unknown>> } | undefined;
    expect(JSON.stringify(inVpc?.Condition?.ArnEquals?.['ec2:Vpc'])).toContain('vpc/vpc-0123456789abcdef0');
  });

  it('signs with the given webhook secret instead of creating one', () => {
    template.resourceCountIs('AWS::SecretsManager::Secret', 0);
    const read = statements(template).find((s) => actionsOf(s).includes('secretsmanager:GetSecretValue'));
    expect(read?.Resource).toEqual([existingSecret, PAGER_URL_SECRET]);
  });

  it('does not start the applications when startAfterDeploy is false, and does not alarm on their silence', () => {
    template.resourceCountIs('Custom::FlinkApplicationStart', 0);
    template.resourceCountIs('AWS::StepFunctions::StateMachine', 0);
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Metrics: Match.arrayWith([
        Match.objectLike({ MetricStat: Match.objectLike({ Metric: Match.objectLike({ MetricName: 'numRestarts' }) }) }),
      ]),
      TreatMissingData: 'notBreaching',
    });
  });
});

describe('Flink alerting stack (existing VPC without created endpoints, created cluster)', () => {
  let template: Template;
  beforeAll(() => {
    template = Template.fromStack(
      alertingStack({
        network: {
          existingVpc: EXISTING_VPC,
        },
        kafka: { topics: { telemetry: { replicationFactor: 2 } } },
        flink: { startAfterDeploy: false },
      }),
    );
  });

  it("lets the event source poller out on HTTPS to the VPC's own endpoints or NAT gateway", () => {
    // https://docs.aws.amazon.com/lambda/latest/dg/with-msk-cluster-network.html: the poller
    // reaches Lambda and STS (and the on-failure queue) from the cluster's security group; security
    // groups match the final destination, so a NAT path needs HTTPS out to any address.
    template.resourceCountIs('AWS::EC2::VPCEndpoint', 0);
    const [, cluster] = only(resourcesOf(template, 'AWS::MSK::Cluster'));
    const [group] = (cluster.Properties.BrokerNodeGroupInfo as { SecurityGroups: unknown[] }).SecurityGroups;
    const groupId = (group as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
    const egress = (resourcesOf(template, 'AWS::EC2::SecurityGroup')[groupId].Properties.SecurityGroupEgress ??
      []) as Record<string, unknown>[];
    expect(egress).toContainEqual(
      expect.objectContaining({ CidrIp: '0.0.0.0/0', IpProtocol: 'tcp', FromPort: 443, ToPort: 443 }),
    );
  });
});
