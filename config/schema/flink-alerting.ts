import * as z from 'zod';
import jobPropertyKeys from '../../flink/src/main/resources/alerting-job-properties.json';
import {
  accountId,
  boundedDuration,
  durationMs,
  durationOfCount,
  isoDuration,
  isoDurationOf,
  positiveDuration,
  region,
} from './common';
import * as fields from './flink-alerting-fields';

// The `flinkAlerting` section: one alerting stack (MSK, two Managed Flink applications, the
// notifier) in one account and Region, plus the monitors it publishes at deploy time. The
// monitor shape is contract v1, the same the Flink jobs parse (README, Flink alerting).

const operator = z.enum(['>', '>=', '<', '<=', '==', '!=']);
const identifier = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/, {
  message: 'expected 1-128 letters, digits and . _ : - starting with a letter or digit',
});

/** Monitor contract v1. */
export const monitorConfig = z.strictObject({
  id: identifier,
  source: z.string().min(1),
  metric: z.string().min(1),
  aggregation: z.enum(['avg', 'min', 'max', 'sum', 'count', 'p95']),
  groupBy: z.array(z.string().min(1)).default([]),
  window: z.strictObject({ size: positiveDuration, slide: positiveDuration.optional() }),
  condition: z.discriminatedUnion('type', [
    z.strictObject({ type: z.literal('threshold'), operator, value: z.number() }),
    z.strictObject({
      type: z.literal('baseline'),
      direction: z.enum(['above', 'below']),
      deviations: z.number().positive(),
      minSamples: z.number().int().positive().default(20),
      fallback: z.strictObject({ operator, value: z.number() }).optional(),
    }),
  ]),
  for: isoDuration.default('PT0S'),
  recoverAfter: isoDuration.optional(),
  severity: z.string().min(1),
  enabled: z.boolean().default(true),
});
export type MonitorConfig = z.infer<typeof monitorConfig>;

const topicName = z.string().regex(/^[A-Za-z0-9._-]{1,249}$/, {
  message: 'expected a Kafka topic name (letters, digits, . _ -, at most 249)',
});
const consumerGroupId = z.string().regex(/^[A-Za-z0-9._-]{1,200}$/, {
  message: 'expected a consumer group ID (letters, digits, . _ -, at most 200)',
});

function topic(name: string, partitions: number, retention: string) {
  return z
    .strictObject({
      name: topicName.default(name),
      partitions: z.number().int().min(1).max(1000).default(partitions),
      /** Default: 3, or the broker count of a smaller created cluster. */
      replicationFactor: z.number().int().min(1).max(5).optional(),
      /** How long records are kept (delete topics; compacted topics keep the latest record per key forever). */
      retention: positiveDuration.default(retention),
    })
    .prefault({});
}

const topics = z
  .strictObject({
    telemetry: topic('telemetry', 12, 'P7D'),
    /** Compacted: the latest definition per monitor id. */
    monitors: topic('monitors', 1, 'P3650D'),
    /** Compacted: the latest baseline per monitor, group and hour-of-week. */
    baselines: topic('baselines', 6, 'P3650D'),
    alerts: topic('alerts', 6, 'P7D'),
    deadLetters: topic('alerting-dead-letters', 3, 'P14D'),
    lateEvents: topic('alerting-late-events', 3, 'P7D'),
  })
  .prefault({});

const createdCluster = z.strictObject({
  /** MSK Kafka version; KRaft metadata mode. */
  kafkaVersion: z
    .string()
    .regex(/^\d+\.\d+\.(\d+|x)(\.kraft)?$/)
    .default('3.9.x.kraft'),
  instanceType: z
    .string()
    .regex(/^(express\.)?kafka\.[a-z0-9]+\.[a-z0-9]+$/)
    .default('kafka.m7g.large'),
  /** Brokers in each Availability Zone of the network. */
  brokersPerAz: z.number().int().min(1).max(10).default(1),
  volumeSizeGiB: z.number().int().min(1).max(16384).default(100),
  /** MSK enhanced monitoring level (consumer lag metrics are part of DEFAULT). */
  enhancedMonitoring: z
    .enum(['DEFAULT', 'PER_BROKER', 'PER_TOPIC_PER_BROKER', 'PER_TOPIC_PER_PARTITION'])
    .default('DEFAULT'),
});

const existingCluster = z.strictObject({
  arn: z.string().regex(/^arn:aws[a-z-]*:kafka:[a-z0-9-]+:\d{12}:cluster\/[A-Za-z0-9-]{1,64}\/[A-Za-z0-9-]+$/, {
    message: 'expected an MSK cluster ARN (arn:aws:kafka:<region>:<account>:cluster/<name>/<uuid>)',
  }),
  /** A security group of the cluster's brokers; the stack lets its clients in on port 9098 (IAM over TLS). */
  securityGroupId: z.string().regex(/^sg-[0-9a-f]{8,17}$/, { message: 'expected a security group ID (sg-...)' }),
});

const azName = z
  .string()
  .regex(/^[a-z]{2}(-[a-z]+)+-\d[a-z]$/, { message: 'expected an Availability Zone name such as eu-west-1a' });

const network = z.strictObject({
  /** CIDR of the VPC the stack creates (isolated subnets only: nothing here needs the internet). */
  vpcCidr: z
    .string()
    .regex(/^\d{1,3}(\.\d{1,3}){3}\/(1[6-9]|2[0-4])$/, { message: 'expected an IPv4 CIDR from /16 to /24' })
    .optional(),
  /**
   * Availability Zones (2 or 3; exactly 2 in us-west-1) of the created VPC; default: the Region's
   * a, b and c zones (none in us-west-1, where they must be named).
   */
  availabilityZones: z.array(azName).min(2).max(3).optional(),
  /** An existing VPC instead of a created one (then vpcCidr and availabilityZones must be absent). */
  existingVpc: z
    .strictObject({
      vpcId: z.string().regex(/^vpc-[0-9a-f]{8,17}$/, { message: 'expected a VPC ID (vpc-...)' }),
      availabilityZones: z.array(azName).min(2).max(3),
      /** One private subnet per Availability Zone, in the same order. */
      privateSubnetIds: z
        .array(z.string().regex(/^subnet-[0-9a-f]{8,17}$/, { message: 'expected a subnet ID' }))
        .min(1),
      /**
       * Create interface endpoints for Lambda, STS and SQS, which the notifier's MSK event source
       * (and its on-failure queue) needs inside the VPC. Set false when the VPC already has them
       * or a NAT gateway.
       */
      createEndpoints: z.boolean().default(true),
    })
    .optional(),
});

/** Regions where MSK accepts exactly two client subnets (elsewhere two or three). */
export const MSK_TWO_SUBNET_REGIONS: readonly string[] = ['us-west-1'];

const logLevel = z.enum(['DEBUG', 'INFO', 'WARN', 'ERROR']);

function flinkJob(group: string) {
  return z
    .strictObject({
      /** Initial parallelism; with autoscaling the service raises it under load and lowers it again. */
      parallelism: z.number().int().min(1).max(1000).default(2),
      parallelismPerKpu: z.number().int().min(1).max(8).default(1),
      autoScaling: z.boolean().default(true),
      consumerGroupId: consumerGroupId.default(group),
      checkpointInterval: positiveDuration.default('PT1M'),
      minPauseBetweenCheckpoints: isoDuration.default('PT5S'),
      logLevel: logLevel.default('INFO'),
      metricsLevel: z.enum(['APPLICATION', 'TASK', 'OPERATOR', 'PARALLELISM']).default('TASK'),
      /** Extra keys for the job's "alerting" property group (for example kafka.client.* settings). */
      properties: z.record(z.string().regex(/^[A-Za-z0-9._-]+$/), z.string()).default({}),
    })
    .prefault({});
}

/** A complete Secrets Manager ARN, with the 6-character suffix IAM policies need to match it. */
const secretArn = z
  .string()
  .regex(/^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[A-Za-z0-9/_+=.@-]+-[A-Za-z0-9]{6}$/, {
    message: 'expected the complete ARN of a Secrets Manager secret (ending in -<6 characters>)',
  });

/** A wait between two notifier attempts: whole milliseconds, as the notifier takes it. */
const retryDelay = durationOfCount(fields.retryDelayMs, 'PT0.001S');

/** Keys of the jobs' "alerting" property group that the stack derives from this section. */
export const RESERVED_JOB_PROPERTIES: readonly string[] = [
  'job',
  'kafka.bootstrap.servers',
  'kafka.msk-iam',
  'kafka.group-id',
  'telemetry.starting-offsets',
  'watermark.out-of-orderness',
  'watermark.idleness',
  'allowed-lateness',
  'baseline.history',
  'baseline.max-samples-per-bucket',
];

const isReservedJobProperty = (key: string): boolean =>
  RESERVED_JOB_PROPERTIES.includes(key) || key.startsWith('topic.');

// The job's own list of the keys it accepts (JobConfig loads the same file and refuses any other
// key at start), so a misspelt key fails here rather than when the application starts.
const isJobPropertyKey = (key: string): boolean =>
  jobPropertyKeys.keys.includes(key) ||
  jobPropertyKeys.prefixes.some((p) => key.startsWith(p) && key.length > p.length);

/** What `flink.<job>.properties` may set: the job's keys the stack leaves alone, and its prefixes. */
const SETTABLE_JOB_PROPERTIES: readonly string[] = [
  ...jobPropertyKeys.keys.filter((k) => !isReservedJobProperty(k) && !jobPropertyKeys.notOnManagedFlink.includes(k)),
  ...jobPropertyKeys.prefixes.map((p) => `${p}*`),
];

type ExistingVpcConfig = NonNullable<z.infer<typeof network>['existingVpc']>;

/** The network section after defaults: an existing VPC, or the VPC to create. */
export type NetworkConfig =
  | { readonly existingVpc: ExistingVpcConfig; readonly vpcCidr?: undefined }
  | { readonly existingVpc?: undefined; readonly vpcCidr: string; readonly availabilityZones: readonly string[] };

function resolveNetwork(n: z.infer<typeof network>, region: string): NetworkConfig {
  if (n.existingVpc) return { existingVpc: n.existingVpc };
  return {
    vpcCidr: n.vpcCidr ?? '10.40.0.0/16',
    availabilityZones: n.availabilityZones ?? ['a', 'b', 'c'].map((z) => `${region}${z}`),
  };
}

interface TopicConfig {
  readonly name: string;
  readonly partitions: number;
  readonly replicationFactor: number;
  readonly retention: string;
}

/** Brokers of the cluster the section creates: Availability Zones times brokers per zone. */
function brokerCount(c: {
  network: { availabilityZones?: readonly string[] } | { existingVpc: { availabilityZones: readonly string[] } };
  kafka: { cluster?: { brokersPerAz: number } };
}): number {
  const zones =
    'existingVpc' in c.network
      ? c.network.existingVpc.availabilityZones.length
      : (c.network.availabilityZones?.length ?? 3);
  return zones * (c.kafka.cluster?.brokersPerAz ?? 1);
}

export const flinkAlertingConfig = z
  .strictObject({
    account: accountId,
    region,
    network: network.prefault({}),
    kafka: z
      .strictObject({
        /** Create this MSK cluster (IAM authentication, TLS) ... */
        cluster: createdCluster.optional(),
        /** ... or use an existing one in `network.existingVpc` (then `cluster` must be absent). */
        existingCluster: existingCluster.optional(),
        topics,
      })
      .prefault({}),
    flink: z
      .strictObject({
        alertJob: flinkJob('alerting-alert-job'),
        baselineJob: flinkJob('alerting-baseline-job'),
        /** Bounded out-of-orderness of telemetry event time. */
        outOfOrderness: isoDuration.default('PT5S'),
        /** A telemetry partition without events for this long stops holding the watermark back. */
        idleness: positiveDuration.default('PT1M'),
        /** Events later than the watermark by more than this go to the late-events topic. */
        allowedLateness: isoDuration.default('PT0S'),
        /** History the seasonal baselines are computed over. */
        baselineHistory: positiveDuration.default('P28D'),
        baselineMaxSamplesPerBucket: z.number().int().min(1).default(1000),
        /** Where a job without committed offsets starts reading telemetry. */
        telemetryStartingOffsets: z
          .enum(['earliest', 'latest', 'committed-or-earliest', 'committed-or-latest'])
          .default('committed-or-latest'),
        /** Start both applications after every deploy (CloudFormation leaves them READY). */
        startAfterDeploy: z.boolean().default(true),
        /** Start even if a snapshot holds state of operators the new version removed. */
        allowNonRestoredState: z.boolean().default(false),
      })
      .prefault({}),
    notifier: z.strictObject({
      email: z
        .strictObject({
          /** A sender address or domain verified in SES in this account and Region. */
          from: fields.emailAddress,
          to: fields.emailRecipients,
          subjectPrefix: fields.subjectPrefix.default(fields.NOTIFIER_DEFAULTS.subjectPrefix),
          configurationSetName: fields.configurationSetName.optional(),
          severities: fields.severities.optional(),
        })
        .optional(),
      webhooks: z
        .array(
          z
            .strictObject({
              name: fields.webhookName,
              /**
               * Complete ARN of a secret whose whole string is the https:// URL. URLs often carry a
               * token, so the stack never holds them: a URL here would sit in the template.
               */
              urlSecretArn: secretArn,
              url: z.unknown().optional(),
              /**
               * Complete ARN (with its 6-character suffix) of a secret holding the HMAC key as its
               * whole string; the stack creates one with a random key when absent.
               */
              secretArn: secretArn.optional(),
              severities: fields.severities.optional(),
            })
            // Not echoed back: the value may hold a token.
            .superRefine((w, ctx) => {
              if (w.url !== undefined)
                ctx.addIssue({
                  code: 'custom',
                  path: ['url'],
                  message:
                    'unknown key: give urlSecretArn, the ARN of a Secrets Manager secret holding the URL (a URL here would sit in plain text in the template)',
                });
            }),
        )
        .default([]),
      consumerGroupId: consumerGroupId.default('alerting-notifier'),
      /** Alerts that arrive within one batch become one email and one POST per webhook. */
      batchSize: z.number().int().min(1).max(10_000).default(100),
      maxBatchingWindow: boundedDuration({ min: 'PT0S', max: 'PT5M' }).default('PT5S'),
      retry: z
        .strictObject({
          attempts: fields.retryAttempts.default(fields.NOTIFIER_DEFAULTS.retryAttempts),
          /** The longest wait before the first retry; it doubles per retry (full jitter), up to maxDelay. */
          baseDelay: retryDelay.default(isoDurationOf(fields.NOTIFIER_DEFAULTS.baseDelayMs)),
          /** The longest wait between two attempts. */
          maxDelay: retryDelay.default(isoDurationOf(fields.NOTIFIER_DEFAULTS.maxDelayMs)),
        })
        .prefault({}),
      /** How long the alert history (for de-duplication and recovery) keeps an alert; whole days. */
      historyTtl: durationOfCount(fields.historyTtlDays, 'P1D').default(
        isoDurationOf(fields.NOTIFIER_DEFAULTS.historyTtlDays * 86_400_000),
      ),
    }),
    alarms: z
      .strictObject({
        /** Committed-offset lag (records) of any consumer group on its input topic. */
        consumerLagRecords: z.number().int().min(1).default(100_000),
        /** How long an application must be down (or not reporting) before the alarm fires; whole minutes. */
        downtime: boundedDuration({ min: 'PT1M', max: 'PT1H', unit: 'PT1M' }).default('PT5M'),
        /** Late telemetry events per 5 minutes above which the alarm fires. */
        lateEventsPer5Minutes: z.number().int().min(0).default(100),
        /** Dead-lettered records per 5 minutes above which the alarm fires (0: the first one). */
        deadLettersPer5Minutes: z.number().int().min(0).default(0),
      })
      .prefault({}),
    monitors: z.array(monitorConfig).default([]),
  })
  .superRefine((c, ctx) => {
    // Each issue carries the offending value as its input: the loader prints it as ", got ...".
    const issue = (path: PropertyKey[], message: string, input: unknown): void => {
      ctx.addIssue({ code: 'custom', path, message, input });
    };
    const existingVpc = c.network.existingVpc;
    if (existingVpc && (c.network.vpcCidr || c.network.availabilityZones)) {
      issue(
        ['network', c.network.vpcCidr ? 'vpcCidr' : 'availabilityZones'],
        'expected no settings for a created VPC when network.existingVpc is set',
        c.network.vpcCidr ?? c.network.availabilityZones,
      );
    }
    const existing = c.kafka.existingCluster;
    if (c.kafka.cluster && existing) {
      issue(
        ['kafka', 'cluster'],
        'expected no settings for a created cluster when kafka.existingCluster is set',
        c.kafka.cluster,
      );
    }
    if (existing) {
      const [, , , arnRegion, arnAccount] = existing.arn.split(':');
      if (arnRegion !== c.region || arnAccount !== c.account) {
        issue(
          ['kafka', 'existingCluster', 'arn'],
          `expected a cluster in ${c.account}/${c.region}, where the stack lands`,
          existing.arn,
        );
      }
      if (!existingVpc) {
        issue(
          ['network', 'existingVpc'],
          "expected the existing cluster's VPC (the Flink applications and the Kafka admin function must run in it)",
          undefined,
        );
      }
    }
    if (existingVpc && existingVpc.privateSubnetIds.length !== existingVpc.availabilityZones.length) {
      issue(
        ['network', 'existingVpc', 'privateSubnetIds'],
        `expected one subnet per Availability Zone (${existingVpc.availabilityZones.length})`,
        existingVpc.privateSubnetIds,
      );
    }
    // MSK takes two or three client subnets, exactly two in us-west-1 (AWS::MSK::Cluster
    // BrokerNodeGroupInfo ClientSubnets). Which two zone names an account has there differs, so
    // none is picked by default: the created cluster gets one subnet per configured zone.
    if (!existing && MSK_TWO_SUBNET_REGIONS.includes(c.region)) {
      const zones = existingVpc ? existingVpc.availabilityZones : c.network.availabilityZones;
      if (zones?.length !== 2) {
        issue(
          existingVpc ? ['network', 'existingVpc', 'availabilityZones'] : ['network', 'availabilityZones'],
          `expected exactly two Availability Zones in ${c.region}, where MSK takes only two client subnets (this account's zones: aws ec2 describe-availability-zones --region ${c.region})`,
          zones,
        );
      }
    }
    if (!existing) {
      const brokers = brokerCount(c);
      for (const [key, t] of Object.entries(c.kafka.topics)) {
        if (t.replicationFactor !== undefined && t.replicationFactor > brokers) {
          issue(
            ['kafka', 'topics', key, 'replicationFactor'],
            `expected at most the cluster's ${brokers} brokers`,
            t.replicationFactor,
          );
        }
      }
    }
    const seenTopics = new Map<string, string>();
    for (const [key, t] of Object.entries(c.kafka.topics)) {
      const other = seenTopics.get(t.name);
      if (other)
        issue(
          ['kafka', 'topics', key, 'name'],
          `expected a topic of its own (kafka.topics.${other}.name has it)`,
          t.name,
        );
      seenTopics.set(t.name, key);
    }
    const groups: Array<[string[], string]> = [
      [['flink', 'alertJob', 'consumerGroupId'], c.flink.alertJob.consumerGroupId],
      [['flink', 'baselineJob', 'consumerGroupId'], c.flink.baselineJob.consumerGroupId],
      [['notifier', 'consumerGroupId'], c.notifier.consumerGroupId],
    ];
    groups.forEach(([path, id], i) => {
      const clash = groups.slice(0, i).find(([, other]) => other === id);
      if (clash) issue(path, `expected a consumer group of its own (${clash[0].join('.')} has it)`, id);
    });
    for (const job of ['alertJob', 'baselineJob'] as const) {
      for (const [key, value] of Object.entries(c.flink[job].properties)) {
        if (isReservedJobProperty(key)) {
          issue(
            ['flink', job, 'properties'],
            'expected only keys the stack does not set itself (it sets job, kafka.bootstrap.servers, kafka.msk-iam, kafka.group-id, topic.* and the flink.* settings)',
            key,
          );
        } else if (jobPropertyKeys.notOnManagedFlink.includes(key)) {
          issue(
            ['flink', job, 'properties', key],
            `expected flinkAlerting.flink.${job}.checkpointInterval instead (on Managed Flink the application sets checkpoints, and the job refuses to start with this key)`,
            value,
          );
        } else if (!isJobPropertyKey(key)) {
          issue(
            ['flink', job, 'properties', key],
            `unknown key (the Flink job refuses to start with it); known: ${SETTABLE_JOB_PROPERTIES.join(', ')}`,
            key,
          );
        }
      }
    }
    if (!c.notifier.email && c.notifier.webhooks.length === 0) {
      issue(['notifier'], 'expected at least one channel: notifier.email or a notifier.webhooks entry', undefined);
    }
    c.notifier.webhooks.forEach((w, i) => {
      if (c.notifier.webhooks.findIndex((x) => x.name === w.name) < i) {
        issue(['notifier', 'webhooks', i, 'name'], 'expected a name no other webhook has', w.name);
      }
    });
    c.monitors.forEach((m, i) => {
      if (c.monitors.findIndex((x) => x.id === m.id) < i)
        issue(['monitors', i, 'id'], 'expected an id no other monitor has', m.id);
      if (m.window.slide && durationMs(m.window.slide) > durationMs(m.window.size)) {
        issue(['monitors', i, 'window', 'slide'], `expected at most window.size (${m.window.size})`, m.window.slide);
      }
      if (new Set(m.groupBy).size !== m.groupBy.length) {
        issue(['monitors', i, 'groupBy'], 'expected distinct dimension names', m.groupBy.join(', '));
      }
    });
  })
  // The created cluster's settings are filled in only when no existing cluster is named, and a
  // created VPC gets the Region's a, b and c zones unless others are named.
  .transform((c) => ({
    ...c,
    kafka: {
      ...c.kafka,
      cluster: c.kafka.existingCluster ? undefined : (c.kafka.cluster ?? createdCluster.parse({})),
      topics: Object.fromEntries(
        Object.entries(c.kafka.topics).map(([k, t]) => [
          k,
          { ...t, replicationFactor: t.replicationFactor ?? Math.min(3, c.kafka.existingCluster ? 3 : brokerCount(c)) },
        ]),
      ) as Record<keyof typeof c.kafka.topics, TopicConfig>,
    },
    network: resolveNetwork(c.network, c.region),
  }));
export type FlinkAlertingConfig = z.infer<typeof flinkAlertingConfig>;
