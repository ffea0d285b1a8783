import { ArnFormat, CustomResource, Duration, Lazy, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kda from 'aws-cdk-lib/aws-kinesisanalyticsv2';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3assets from 'aws-cdk-lib/aws-s3-assets';
import { Construct } from 'constructs';
import { createHash } from 'node:crypto';
import { type AlarmTopic, houseDefaults } from '../shared';
import type { FlinkApplicationStarter } from './application-starter';
import { acknowledge } from './private/nag';

/** The Managed Flink runtime the jobs are built for (Flink 2.2, Java 17). */
export const FLINK_RUNTIME = 'FLINK-2_2';

export interface ManagedFlinkApplicationProps {
  /** What the application is, for its description and alarm texts. */
  readonly description: string;
  /** The application jar. */
  readonly code: s3assets.Asset;
  /** The VPC the application runs in (it reaches the Kafka cluster there). */
  readonly vpc: ec2.IVpc;
  /** Subnets of the application's network interfaces. */
  readonly subnets: ec2.SubnetSelection;
  /** Runtime property groups (group ID to key/value map) the job reads at start. */
  readonly propertyGroups: Readonly<Record<string, Readonly<Record<string, string>>>>;
  /**
   * Parallelism of the job.
   * @default 1
   */
  readonly parallelism?: number;
  /**
   * Parallel tasks per KPU.
   * @default 1
   */
  readonly parallelismPerKpu?: number;
  /**
   * Whether Managed Flink scales the parallelism with load.
   * @default true
   */
  readonly autoScaling?: boolean;
  /**
   * Time between checkpoints.
   * @default Duration.minutes(1)
   */
  readonly checkpointInterval?: Duration;
  /**
   * Least time between the end of one checkpoint and the start of the next.
   * @default Duration.seconds(5)
   */
  readonly minPauseBetweenCheckpoints?: Duration;
  /**
   * Log level of the application's CloudWatch logging.
   * @default "INFO"
   */
  readonly logLevel?: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';
  /**
   * Granularity of the application's CloudWatch metrics.
   * @default "TASK"
   */
  readonly metricsLevel?: 'APPLICATION' | 'TASK' | 'OPERATOR' | 'PARALLELISM';
  /**
   * Start (and restart) from a snapshot even if it has state of operators the job no longer has.
   * @default false
   */
  readonly allowNonRestoredState?: boolean;
  /**
   * Starts the application after each deploy and waits until it runs.
   * @default - left as CloudFormation leaves it (READY on create)
   */
  readonly starter?: FlinkApplicationStarter;
  /**
   * Where the alarms go.
   * @default - the stack's alarm topic
   */
  readonly alarmTopic?: AlarmTopic;
  /**
   * Retention of the application's log group.
   * @default - the stack's log retention (the config's `shared.logRetentionDays`)
   */
  readonly logRetention?: logs.RetentionDays;
  /**
   * What happens to the application, its log group and snapshots when the stack is deleted.
   * @default - the stack's removal policy (the config's `shared.removalPolicy`)
   */
  readonly removalPolicy?: RemovalPolicy;
  /**
   * Period of the downtime alarm: it fires when the job restarted (after a failure) within it, or,
   * with a starter, when the application reported no metrics for all of it.
   * @default 5
   */
  readonly downtimeMinutes?: number;
}

/**
 * A Managed Service for Apache Flink application (runtime {@link FLINK_RUNTIME}) in the VPC, with
 * checkpoints, snapshots (restored from on every restart), autoscaling, CloudWatch logging, a
 * least-privilege service role, and alarms on restarts or silence and on failed checkpoints.
 */
export class ManagedFlinkApplication extends Construct {
  public readonly application: kda.CfnApplication;
  public readonly applicationName: string;
  public readonly role: iam.Role;
  public readonly securityGroup: ec2.SecurityGroup;
  public readonly logGroup: logs.LogGroup;
  public readonly downtimeAlarm: cloudwatch.Alarm;
  public readonly failedCheckpointsAlarm: cloudwatch.Alarm;
  /** The start custom resource, when a starter was given. */
  public readonly start?: CustomResource;

  constructor(scope: Construct, id: string, props: ManagedFlinkApplicationProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const removalPolicy = props.removalPolicy ?? houseDefaults(this).removalPolicy;

    this.securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: props.vpc,
      description: `${props.description}: Managed Flink ENIs (egress to MSK only)`,
      allowAllOutbound: false,
    });

    this.logGroup = new logs.LogGroup(this, 'LogGroup', {
      retention: props.logRetention ?? houseDefaults(this).logRetention,
      removalPolicy,
    });
    const logStream = new logs.LogStream(this, 'LogStream', { logGroup: this.logGroup, removalPolicy });
    const logStreamArn = stack.formatArn({
      service: 'logs',
      resource: 'log-group',
      resourceName: `${this.logGroup.logGroupName}:log-stream:${logStream.logStreamName}`,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });

    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('kinesisanalytics.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': stack.account } },
      }),
      description: `Service execution role of ${props.description}`,
    });
    const subnetIds = props.vpc.selectSubnets(props.subnets).subnetIds;
    const base = new iam.Policy(this, 'ServicePolicy', {
      statements: [
        // The application's own jar, nothing else of the assets bucket.
        new iam.PolicyStatement({
          actions: ['s3:GetObject', 's3:GetObjectVersion'],
          resources: [props.code.bucket.arnForObjects(props.code.s3ObjectKey)],
        }),
        new iam.PolicyStatement({
          actions: ['logs:PutLogEvents'],
          resources: [logStreamArn],
        }),
        new iam.PolicyStatement({
          actions: ['logs:DescribeLogStreams'],
          resources: [this.logGroup.logGroupArn],
        }),
        // DescribeLogGroups has no resource types in the Service Authorization Reference: only `*`
        // authorizes it.
        new iam.PolicyStatement({ actions: ['logs:DescribeLogGroups'], resources: ['*'] }),
        // VPC access (as documented for Managed Flink): Describe* cannot be scoped to resources.
        new iam.PolicyStatement({
          actions: [
            'ec2:DescribeVpcs',
            'ec2:DescribeSubnets',
            'ec2:DescribeSecurityGroups',
            'ec2:DescribeDhcpOptions',
            'ec2:DescribeNetworkInterfaces',
          ],
          resources: ['*'],
        }),
        new iam.PolicyStatement({
          actions: ['ec2:CreateNetworkInterface'],
          resources: [
            ...subnetIds.map((s) => stack.formatArn({ service: 'ec2', resource: 'subnet', resourceName: s })),
            stack.formatArn({
              service: 'ec2',
              resource: 'security-group',
              resourceName: this.securityGroup.securityGroupId,
            }),
            stack.formatArn({ service: 'ec2', resource: 'network-interface', resourceName: '*' }),
          ],
        }),
        new iam.PolicyStatement({
          actions: ['ec2:CreateNetworkInterfacePermission', 'ec2:DeleteNetworkInterface'],
          resources: [stack.formatArn({ service: 'ec2', resource: 'network-interface', resourceName: '*' })],
        }),
      ],
    });
    base.attachToRole(this.role);
    acknowledge(
      base,
      [
        'AwsSolutions-IAM5[Resource::*]',
        `AwsSolutions-IAM5[Resource::arn:${stack.partition}:ec2:${stack.region}:${stack.account}:network-interface/*]`,
      ],
      'Managed Flink creates its ENIs (IDs unknown until created) in the given subnets and security group; ' +
        'EC2 Describe* actions and logs:DescribeLogGroups have no resource-level permissions.',
    );

    this.application = new kda.CfnApplication(this, 'Application', {
      applicationDescription: props.description,
      runtimeEnvironment: FLINK_RUNTIME,
      serviceExecutionRole: this.role.roleArn,
      applicationConfiguration: {
        applicationCodeConfiguration: {
          codeContentType: 'ZIPFILE',
          codeContent: {
            s3ContentLocation: { bucketArn: props.code.bucket.bucketArn, fileKey: props.code.s3ObjectKey },
          },
        },
        applicationSnapshotConfiguration: { snapshotsEnabled: true },
        applicationSystemRollbackConfiguration: { rollbackEnabled: true },
        environmentProperties: {
          propertyGroups: Object.entries(props.propertyGroups).map(([propertyGroupId, propertyMap]) => ({
            propertyGroupId,
            propertyMap: { ...propertyMap },
          })),
        },
        flinkApplicationConfiguration: {
          checkpointConfiguration: {
            configurationType: 'CUSTOM',
            checkpointingEnabled: true,
            checkpointInterval: (props.checkpointInterval ?? Duration.minutes(1)).toMilliseconds(),
            minPauseBetweenCheckpoints: (props.minPauseBetweenCheckpoints ?? Duration.seconds(5)).toMilliseconds(),
          },
          monitoringConfiguration: {
            configurationType: 'CUSTOM',
            logLevel: props.logLevel ?? 'INFO',
            metricsLevel: props.metricsLevel ?? 'TASK',
          },
          parallelismConfiguration: {
            configurationType: 'CUSTOM',
            parallelism: props.parallelism ?? 1,
            parallelismPerKpu: props.parallelismPerKpu ?? 1,
            autoScalingEnabled: props.autoScaling ?? true,
          },
        },
        vpcConfigurations: [{ subnetIds, securityGroupIds: [this.securityGroup.securityGroupId] }],
      },
      // Every restart the service performs (update, scaling, recovery) resumes from the latest snapshot.
      runConfiguration: {
        applicationRestoreConfiguration: { applicationRestoreType: 'RESTORE_FROM_LATEST_SNAPSHOT' },
        flinkRunConfiguration: { allowNonRestoredState: props.allowNonRestoredState ?? false },
      },
    });
    this.application.applyRemovalPolicy(
      removalPolicy === RemovalPolicy.SNAPSHOT ? RemovalPolicy.RETAIN : removalPolicy,
    );
    // The service checks the role's VPC, S3 and logs permissions when it creates the application.
    this.application.node.addDependency(base);
    this.applicationName = this.application.ref;

    const logging = new kda.CfnApplicationCloudWatchLoggingOption(this, 'Logging', {
      applicationName: this.applicationName,
      cloudWatchLoggingOption: { logStreamArn },
    });

    if (props.starter) {
      for (const handler of props.starter.handlers) this.grantStart(handler.role);
      this.start = new CustomResource(this, 'Start', {
        serviceToken: props.starter.serviceToken,
        resourceType: 'Custom::FlinkApplicationStart',
        properties: {
          ApplicationName: this.applicationName,
          AllowNonRestoredState: String(props.allowNonRestoredState ?? false),
          // Changes with the application's definition, so every deploy that changes it waits for
          // the application to be RUNNING again (and starts it if it was stopped).
          Revision: Lazy.string({
            produce: () =>
              createHash('sha256')
                .update(
                  JSON.stringify(
                    stack.resolve({
                      configuration: this.application.applicationConfiguration,
                      run: this.application.runConfiguration,
                    }),
                  ),
                )
                .digest('hex')
                .slice(0, 16),
          }),
        },
      });
      this.start.node.addDependency(logging);
    }

    const downtimeMinutes = props.downtimeMinutes ?? 5;
    // Managed Flink 2.2 deprecates `downtime` and `uptime` and replaces `fullRestarts` with
    // `numRestarts`, the job's restarts since it was submitted (back to 0 when the service
    // resubmits it). Each period: the restarts in it (0 in the first period after a start, whose
    // DIFF has no previous value), or no value at all when the application reported nothing.
    this.downtimeAlarm = new cloudwatch.MathExpression({
      expression: 'IF(restarts >= 0, FILL(DIFF(restarts), 0), 0)',
      usingMetrics: { restarts: this.metric('numRestarts', { statistic: 'Maximum' }) },
      period: Duration.minutes(downtimeMinutes),
      label: 'job restarts',
    }).createAlarm(this, 'DowntimeAlarm', {
      alarmDescription: `${props.description} (${stack.stackName}) restarted after a failure, or reported no metrics, in the last ${downtimeMinutes} minutes: check its status and log group`,
      threshold: 0,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      // A stopped application reports nothing; when it is meant to run, silence is downtime.
      treatMissingData: props.starter
        ? cloudwatch.TreatMissingData.BREACHING
        : cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    (props.alarmTopic ?? houseDefaults(this).alarmTopic).notify(this.downtimeAlarm);

    // numberOfFailedCheckpoints counts since the job started; its increase is what matters.
    this.failedCheckpointsAlarm = new cloudwatch.MathExpression({
      expression: 'DIFF(failed)',
      usingMetrics: { failed: this.metric('numberOfFailedCheckpoints', { statistic: 'Maximum' }) },
      period: Duration.minutes(5),
      label: 'failed checkpoints',
    }).createAlarm(this, 'FailedCheckpointsAlarm', {
      alarmDescription: `${props.description} (${stack.stackName}) failed a checkpoint: state cannot be recovered past the last good one; see its log group`,
      threshold: 0,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    (props.alarmTopic ?? houseDefaults(this).alarmTopic).notify(this.failedCheckpointsAlarm);
  }

  /**
   * Lets the grantee describe and start this application
   * (kinesisanalytics:DescribeApplication, StartApplication on its ARN).
   */
  public grantStart(grantee: iam.IGrantable): iam.Grant {
    return iam.Grant.addToPrincipal({
      grantee,
      actions: ['kinesisanalytics:DescribeApplication', 'kinesisanalytics:StartApplication'],
      resourceArns: [
        Stack.of(this).formatArn({
          service: 'kinesisanalytics',
          resource: 'application',
          resourceName: this.applicationName,
        }),
      ],
    });
  }

  /** A metric of this application in the AWS/KinesisAnalytics namespace. */
  public metric(name: string, options: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: 'AWS/KinesisAnalytics',
      metricName: name,
      dimensionsMap: { Application: this.applicationName },
      period: Duration.minutes(5),
      ...options,
    });
  }

  /**
   * An alarm on a custom counter of the job summed over every operator that reports it (a Metrics
   * Insights query, since custom metrics carry operator dimensions that change with the job graph).
   */
  public customCounterAlarm(
    id: string,
    counter: string,
    threshold: number,
    description: string,
    alarmTopic: AlarmTopic,
  ): cloudwatch.Alarm {
    const alarm = new cloudwatch.Alarm(this, id, {
      metric: new cloudwatch.MathExpression({
        expression: Lazy.string({
          produce: () =>
            `SELECT SUM(${counter}) FROM "AWS/KinesisAnalytics" WHERE Application = '${this.applicationName}'`,
        }),
        usingMetrics: {},
        period: Duration.minutes(5),
        label: counter,
      }),
      alarmDescription: description,
      threshold,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    alarmTopic.notify(alarm);
    return alarm;
  }
}
