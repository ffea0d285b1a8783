import { CfnOutput, Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { durationIn, durationMs } from '../../config/schema/common';
import type { FlinkAlertingConfig, MonitorConfig, NetworkConfig } from '../../config/schema/flink-alerting';
import { PlatformStack, type PlatformStackProps } from '../shared';
import { FlinkApplicationStarter } from './application-starter';
import { ManagedFlinkApplication } from './flink-application';
import { FlinkJar } from './flink-jar';
import { KafkaAdmin, type KafkaTopicDefinition } from './kafka-admin';
import { AlertingKafkaCluster } from './kafka-cluster';
import { AlertingNetwork } from './network';
import { AlertNotifier } from './notifier';

export const SYSTEM = 'flink-alerting';

/** The VPC of the stack: an existing one, or the CIDR and Availability Zones of the VPC to create. */
export type AlertingNetworkSettings = NetworkConfig;

/** The MSK cluster to create or the existing one to use, and the topics. */
export type AlertingKafkaSettings = FlinkAlertingConfig['kafka'];

/** The settings of the alert and baseline Flink applications and of their jobs (ISO-8601 durations). */
export type FlinkJobsSettings = FlinkAlertingConfig['flink'];

/** Where the notifier sends alerts (email, webhooks), how it batches and retries, and its history TTL. */
export type NotifierSettings = FlinkAlertingConfig['notifier'];

/** Thresholds of the stack's alarms on consumer lag, downtime, late events and dead letters. */
export type AlertingAlarmSettings = FlinkAlertingConfig['alarms'];

export interface FlinkAlertingStackProps extends Omit<PlatformStackProps, 'system' | 'role'> {
  /** The VPC the cluster, the applications and the functions run in. */
  readonly network: AlertingNetworkSettings;
  /** The MSK cluster (created or existing) and its topics. */
  readonly kafka: AlertingKafkaSettings;
  /** The alert and baseline applications and their job settings. */
  readonly flink: FlinkJobsSettings;
  /** The notifier on the alerts topic. */
  readonly notifier: NotifierSettings;
  /** Alarm thresholds. */
  readonly alarms: AlertingAlarmSettings;
  /** The monitors published to the monitors topic. */
  readonly monitors: readonly MonitorConfig[];
  /**
   * The Maven project of the Flink jobs, built into the application jar.
   * @default - the `flink` directory of this repository
   */
  readonly flinkDir?: string;
}

function duration(iso: string): Duration {
  return Duration.millis(durationMs(iso));
}

/**
 * The alerting stack: network, MSK (created or existing) with its topics, the alert and baseline
 * Managed Flink applications started after deploy, the monitors published to their topic, and
 * the notifier on the alerts topic. Composes and wires the constructs of this folder.
 */
export class FlinkAlertingStack extends PlatformStack {
  public readonly cluster: AlertingKafkaCluster;
  public readonly alertApplication: ManagedFlinkApplication;
  public readonly baselineApplication: ManagedFlinkApplication;
  public readonly notifier: AlertNotifier;
  private readonly configuredAzs: readonly string[];

  constructor(scope: Construct, props: FlinkAlertingStackProps) {
    super(scope, { ...props, system: SYSTEM, role: 'main' });
    this.configuredAzs = props.network.existingVpc
      ? props.network.existingVpc.availabilityZones
      : props.network.availabilityZones;

    const network = new AlertingNetwork(this, 'Network', {
      create: props.network.existingVpc
        ? undefined
        : { cidr: props.network.vpcCidr, availabilityZones: props.network.availabilityZones },
      existing: props.network.existingVpc,
    });
    this.cluster = new AlertingKafkaCluster(this, 'Kafka', {
      vpc: network.vpc,
      subnets: network.subnets,
      create: props.kafka.cluster,
      existing: props.kafka.existingCluster,
    });
    this.cluster.acknowledgeProviderFindings();
    const createEndpoints = !props.network.existingVpc || props.network.existingVpc.createEndpoints;
    if (createEndpoints) network.addServiceEndpoints();
    // The notifier's event source poller works from ENIs in the cluster's security group; an
    // existing cluster's group without our endpoints is the operator's to open (docs/flink-alerting.md).
    if (createEndpoints || this.cluster.cluster) {
      network.allowAwsApiAccess(this.cluster.securityGroup, 'MSK event source mapping');
    }

    const t = props.kafka.topics;
    const topics = new KafkaAdmin(this, 'KafkaAdmin', {
      cluster: this.cluster,
      vpc: network.vpc,
      subnets: network.subnets,
    });
    // The MSK IAM signer bundles an STS client (used only for a debug identity check).
    network.allowAwsApiAccess(topics.securityGroup, 'Kafka admin function');
    const definition = (topic: typeof t.telemetry, compacted: boolean): KafkaTopicDefinition => ({
      name: topic.name,
      partitions: topic.partitions,
      replicationFactor: topic.replicationFactor,
      configs: {
        'cleanup.policy': compacted ? 'compact' : 'delete',
        ...(compacted ? {} : { 'retention.ms': String(durationMs(topic.retention)) }),
        'min.insync.replicas': String(topic.replicationFactor >= 3 ? 2 : 1),
      },
    });
    const topicsResource = topics.addTopics('Topics', [
      definition(t.telemetry, false),
      definition(t.monitors, true),
      definition(t.baselines, true),
      definition(t.alerts, false),
      definition(t.deadLetters, false),
      definition(t.lateEvents, false),
    ]);
    const monitors = topics.publishMonitors(
      'Monitors',
      t.monitors.name,
      props.monitors.map(toContract),
      topicsResource,
    );

    const jar = new FlinkJar(this, 'FlinkJar', { flinkDir: props.flinkDir });
    const starter = props.flink.startAfterDeploy ? new FlinkApplicationStarter(this, 'FlinkStarter') : undefined;

    const jobProperties = (
      job: 'alert' | 'baseline',
      settings: typeof props.flink.alertJob,
    ): Record<string, string> => ({
      job,
      'kafka.bootstrap.servers': this.cluster.bootstrapBrokers,
      'kafka.msk-iam': 'true',
      'kafka.group-id': settings.consumerGroupId,
      'topic.telemetry': t.telemetry.name,
      'topic.monitors': t.monitors.name,
      'topic.baselines': t.baselines.name,
      'topic.alerts': t.alerts.name,
      'topic.dead-letters': t.deadLetters.name,
      'topic.late-events': t.lateEvents.name,
      'telemetry.starting-offsets': props.flink.telemetryStartingOffsets,
      'watermark.out-of-orderness': props.flink.outOfOrderness,
      'watermark.idleness': props.flink.idleness,
      'allowed-lateness': props.flink.allowedLateness,
      'baseline.history': props.flink.baselineHistory,
      'baseline.max-samples-per-bucket': String(props.flink.baselineMaxSamplesPerBucket),
      ...settings.properties,
    });
    const application = (
      id: string,
      job: 'alert' | 'baseline',
      settings: typeof props.flink.alertJob,
      description: string,
    ) => {
      const app = new ManagedFlinkApplication(this, id, {
        description,
        code: jar.asset,
        vpc: network.vpc,
        subnets: network.subnets,
        propertyGroups: { alerting: jobProperties(job, settings) },
        parallelism: settings.parallelism,
        parallelismPerKpu: settings.parallelismPerKpu,
        autoScaling: settings.autoScaling,
        checkpointInterval: duration(settings.checkpointInterval),
        minPauseBetweenCheckpoints: duration(settings.minPauseBetweenCheckpoints),
        logLevel: settings.logLevel,
        metricsLevel: settings.metricsLevel,
        allowNonRestoredState: props.flink.allowNonRestoredState,
        starter,
        downtimeMinutes: durationIn(props.alarms.downtime, 'PT1M'),
      });
      this.cluster.allowClient(app.securityGroup, description);
      // Topics exist and monitors are published before a job first reads them.
      app.application.node.addDependency(topicsResource, monitors);
      return app;
    };

    // Alert job: telemetry, monitors and baselines in; alerts, dead letters and late events out.
    const alertGroup = props.flink.alertJob.consumerGroupId;
    this.alertApplication = application('AlertJob', 'alert', props.flink.alertJob, 'Flink alert job');
    this.grantKafka(
      this.alertApplication,
      [t.telemetry.name, t.monitors.name, t.baselines.name],
      [alertGroup, `${alertGroup}-${t.monitors.name}`, `${alertGroup}-${t.baselines.name}`],
      [t.alerts.name, t.deadLetters.name, t.lateEvents.name],
    );
    // Baseline job: telemetry and monitors in; baselines out.
    const baselineGroup = props.flink.baselineJob.consumerGroupId;
    this.baselineApplication = application('BaselineJob', 'baseline', props.flink.baselineJob, 'Flink baseline job');
    this.grantKafka(
      this.baselineApplication,
      [t.telemetry.name, t.monitors.name],
      [baselineGroup, `${baselineGroup}-${t.monitors.name}`],
      [t.baselines.name],
    );

    this.notifier = new AlertNotifier(this, 'Notifier', {
      cluster: this.cluster,
      topic: t.alerts.name,
      consumerGroupId: props.notifier.consumerGroupId,
      email: props.notifier.email,
      webhooks: props.notifier.webhooks.map((w) => ({
        name: w.name,
        urlSecret: secretsmanager.Secret.fromSecretCompleteArn(this, `WebhookUrl-${w.name}`, w.urlSecretArn),
        severities: w.severities,
        secret: w.secretArn
          ? secretsmanager.Secret.fromSecretCompleteArn(this, `WebhookSecret-${w.name}`, w.secretArn)
          : undefined,
      })),
      batchSize: props.notifier.batchSize,
      maxBatchingWindow: duration(props.notifier.maxBatchingWindow),
      retry: {
        attempts: props.notifier.retry.attempts,
        baseDelayMs: durationMs(props.notifier.retry.baseDelay),
        maxDelayMs: durationMs(props.notifier.retry.maxDelay),
      },
      historyTtlDays: durationIn(props.notifier.historyTtl, 'P1D'),
    });
    this.notifier.eventSource.node.addDependency(topicsResource);

    // Consumer lag of every group that reads a growing topic.
    for (const [id, group, topic, who] of [
      ['AlertJobLagAlarm', alertGroup, t.telemetry.name, 'the alert job'],
      ['BaselineJobLagAlarm', baselineGroup, t.telemetry.name, 'the baseline job'],
      ['NotifierLagAlarm', props.notifier.consumerGroupId, t.alerts.name, 'the notifier'],
    ] as const) {
      const alarm = this.cluster.consumerLagMetric(group, topic).createAlarm(this, id, {
        alarmDescription: `${who} (${this.stackName}) is more than ${props.alarms.consumerLagRecords} records behind on ${topic}: check that it runs and keeps up (parallelism)`,
        threshold: props.alarms.consumerLagRecords,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 3,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
      this.alarmTopic.notify(alarm);
    }
    for (const app of [this.alertApplication, this.baselineApplication]) {
      const name = app === this.alertApplication ? 'alert job' : 'baseline job';
      app.customCounterAlarm(
        'LateEventsAlarm',
        'lateEvents',
        props.alarms.lateEventsPer5Minutes,
        `The ${name} (${this.stackName}) received more than ${props.alarms.lateEventsPer5Minutes} late telemetry events in 5 minutes (topic ${t.lateEvents.name}): producers lag or watermark settings are too tight`,
        this.alarmTopic,
      );
    }
    this.alertApplication.customCounterAlarm(
      'DeadLettersAlarm',
      'deadLetters',
      props.alarms.deadLettersPer5Minutes,
      `The alert job (${this.stackName}) dead-lettered more than ${props.alarms.deadLettersPer5Minutes} records in 5 minutes (topic ${t.deadLetters.name}): read them, fix the producer or monitor`,
      this.alarmTopic,
    );

    new CfnOutput(this, 'BootstrapBrokers', {
      value: this.cluster.bootstrapBrokers,
      description: 'MSK bootstrap brokers (IAM auth over TLS, port 9098)',
    });
    new CfnOutput(this, 'AlertApplicationName', { value: this.alertApplication.applicationName });
    new CfnOutput(this, 'BaselineApplicationName', { value: this.baselineApplication.applicationName });
    new CfnOutput(this, 'AlertHistoryTable', { value: this.notifier.history.tableName });
    new CfnOutput(this, 'NotifierDeadLetterQueue', { value: this.notifier.deadLetters.queue.queueUrl });
    for (const [name, secret] of Object.entries(this.notifier.webhookSecrets)) {
      new CfnOutput(this, `WebhookSecret${name.replace(/[^A-Za-z0-9]/g, '')}`, {
        value: secret.secretArn,
        description: `Signing key of webhook ${name}`,
      });
    }
  }

  /** The network's Availability Zones: with an explicit env, CDK would otherwise look them up in the account. */
  override get availabilityZones(): string[] {
    return [...this.configuredAzs];
  }

  private grantKafka(
    app: ManagedFlinkApplication,
    readTopics: readonly string[],
    groups: readonly string[],
    writeTopics: readonly string[],
  ): void {
    const policy = new iam.Policy(app, 'KafkaPolicy', {
      statements: [
        ...this.cluster.consumeStatements(readTopics, groups),
        ...this.cluster.produceStatements(writeTopics),
      ],
    });
    policy.attachToRole(app.role);
    app.application.node.addDependency(policy);
  }
}

/** A config monitor as contract v1 JSON (explicit slide, no absent optionals). */
export function toContract(m: MonitorConfig): object {
  return {
    id: m.id,
    source: m.source,
    metric: m.metric,
    aggregation: m.aggregation,
    groupBy: m.groupBy,
    window: { size: m.window.size, slide: m.window.slide ?? m.window.size },
    condition: m.condition,
    for: m.for,
    ...(m.recoverAfter ? { recoverAfter: m.recoverAfter } : {}),
    severity: m.severity,
    enabled: m.enabled,
  };
}
