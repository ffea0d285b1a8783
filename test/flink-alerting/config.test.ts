import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, validateConfig } from '../../config/load';
import { durationMs } from '../../config/schema';
import { REPO_ROOT } from '../helpers/app';
import { alertingConfig, alertingSection, PAGER_URL_SECRET } from './fixtures';

function problemsOf(section: Record<string, unknown>): readonly string[] {
  try {
    validateConfig({ shared: {}, flinkAlerting: section });
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as ConfigError).problems;
  }
  throw new Error('config was accepted');
}

const pythonDir = (): string =>
  readdirSync(join(REPO_ROOT, '.venv/lib')).find((d) => d.startsWith('python3')) ?? 'python3';

const monitor = (alertingSection().monitors as Array<Record<string, unknown>>)[0];

describe('flinkAlerting config', () => {
  it('accepts the example config and fills defaults', () => {
    const config = loadConfig(join(REPO_ROOT, 'config/example.yaml')).flinkAlerting;
    expect(config?.monitors.map((m) => m.id)).toEqual(['vdi-latency-high', 'vdi-cpu-queue-p95', 'vdi-latency-anomaly']);
    const minimal = alertingConfig();
    expect(minimal.network).toEqual({
      vpcCidr: '10.40.0.0/16',
      availabilityZones: ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'],
    });
    expect(minimal.kafka.cluster).toMatchObject({ kafkaVersion: '3.9.x.kraft', brokersPerAz: 1 });
    expect(minimal.kafka.topics.monitors).toEqual({
      name: 'monitors',
      partitions: 1,
      replicationFactor: 3,
      retention: 'P3650D',
    });
    expect(minimal.flink.alertJob.consumerGroupId).toBe('alerting-alert-job');
    expect(minimal.monitors[0]).toMatchObject({ enabled: true, groupBy: ['desktopPool'] });
  });

  it('parses ISO-8601 durations the way the jobs do', () => {
    expect(durationMs('PT30S')).toBe(30_000);
    expect(durationMs('PT5M')).toBe(300_000);
    expect(durationMs('P28D')).toBe(28 * 86_400_000);
    expect(durationMs('P1DT2H3M4.5S')).toBe(86_400_000 + 7_200_000 + 180_000 + 4500);
    expect(durationMs('PT0.2S')).toBe(200);
    expect(durationMs('30s')).toBeNaN();
    expect(durationMs('PT')).toBeNaN();
    expect(durationMs('P')).toBeNaN();
  });

  it('names a monitor field that breaks the contract', () => {
    expect(problemsOf(alertingSection({ monitors: [{ ...monitor, window: { size: '30s' } }] }))).toEqual([
      'flinkAlerting.monitors[0].window.size: expected an ISO-8601 duration such as "PT30S", "PT5M" or "P28D", got "30s"',
    ]);
    expect(problemsOf(alertingSection({ monitors: [{ ...monitor, aggregation: 'median' }] }))).toEqual([
      'flinkAlerting.monitors[0].aggregation: expected one of "avg", "min", "max", "sum", "count", "p95", got "median"',
    ]);
    expect(
      problemsOf(
        alertingSection({
          monitors: [{ ...monitor, condition: { type: 'baseline', direction: 'up', deviations: 3 } }],
        }),
      ),
    ).toEqual(['flinkAlerting.monitors[0].condition.direction: expected one of "above", "below", got "up"']);
  });

  it('rejects duplicate monitor ids, a slide longer than the window and repeated groupBy', () => {
    expect(problemsOf(alertingSection({ monitors: [monitor, monitor] }))).toEqual([
      'flinkAlerting.monitors[1].id: expected an id no other monitor has, got "vdi-latency-high"',
    ]);
    expect(
      problemsOf(alertingSection({ monitors: [{ ...monitor, window: { size: 'PT30S', slide: 'PT1M' } }] })),
    ).toEqual(['flinkAlerting.monitors[0].window.slide: expected at most window.size (PT30S), got "PT1M"']);
    expect(problemsOf(alertingSection({ monitors: [{ ...monitor, groupBy: ['a', 'a'] }] }))).toEqual([
      'flinkAlerting.monitors[0].groupBy: expected distinct dimension names, got "a, a"',
    ]);
  });

  it('needs at least one notification channel, https webhooks and unique webhook names', () => {
    expect(problemsOf(alertingSection({ notifier: {} }))).toEqual([
      'flinkAlerting.notifier: expected at least one channel: notifier.email or a notifier.webhooks entry, got nothing',
    ]);
    // A URL in config would sit in plain text in the template and the function's environment.
    expect(
      problemsOf(
        alertingSection({
          notifier: { webhooks: [{ name: 'a', urlSecretArn: PAGER_URL_SECRET, url: 'https://h.example.com/?t=1' }] },
        }),
      ),
    ).toEqual([
      'flinkAlerting.notifier.webhooks[0].url: unknown key: give urlSecretArn, the ARN of a Secrets Manager secret holding the URL (a URL here would sit in plain text in the template)',
    ]);
    expect(problemsOf(alertingSection({ notifier: { webhooks: [{ name: 'a' }] } }))[0]).toMatch(
      /^flinkAlerting\.notifier\.webhooks\[0\]\.urlSecretArn: /,
    );
    expect(
      problemsOf(
        alertingSection({
          notifier: {
            webhooks: [
              {
                name: 'a',
                urlSecretArn: PAGER_URL_SECRET,
                secretArn: 'arn:aws:secretsmanager:eu-west-1:111111111111:secret:hook',
              },
            ],
          },
        }),
      ),
    ).toEqual([
      'flinkAlerting.notifier.webhooks[0].secretArn: expected the complete ARN of a Secrets Manager secret (ending in -<6 characters>), got "arn:aws:secretsmanager:eu-west-1:111111111111:secret:hook"',
    ]);
    expect(
      problemsOf(
        alertingSection({
          notifier: { email: { from: 'a@example.com', to: ['b@example.com'], subjectPrefix: 'x\nBcc: c@example.com' } },
        }),
      ),
    ).toEqual([
      'flinkAlerting.notifier.email.subjectPrefix: expected text without control characters (it starts the mail subject), got "x\\nBcc: c@example.com"',
    ]);
    const hook = { name: 'a', urlSecretArn: PAGER_URL_SECRET };
    expect(problemsOf(alertingSection({ notifier: { webhooks: [hook, hook] } }))).toEqual([
      'flinkAlerting.notifier.webhooks[1].name: expected a name no other webhook has, got "a"',
    ]);
  });

  it('checks an existing cluster against the network and the stack environment', () => {
    const existingCluster = {
      arn: 'arn:aws:kafka:eu-west-1:111111111111:cluster/shared/abc-1',
      securityGroupId: 'sg-0123456789abcdef0',
    };
    expect(problemsOf(alertingSection({ kafka: { existingCluster } }))).toEqual([
      "flinkAlerting.network.existingVpc: expected the existing cluster's VPC (the Flink applications and the Kafka admin function must run in it), got nothing",
    ]);
    const existingVpc = {
      vpcId: 'vpc-0123456789abcdef0',
      availabilityZones: ['eu-west-1a', 'eu-west-1b'],
      privateSubnetIds: ['subnet-0aaaaaaaaaaaaaaaa', 'subnet-0bbbbbbbbbbbbbbbb', 'subnet-0cccccccccccccccc'],
    };
    expect(
      problemsOf(
        alertingSection({
          network: { existingVpc },
          kafka: {
            existingCluster: { ...existingCluster, arn: existingCluster.arn.replace('eu-west-1', 'us-east-1') },
          },
        }),
      ),
    ).toEqual([
      'flinkAlerting.kafka.existingCluster.arn: expected a cluster in 111111111111/eu-west-1, where the stack lands, got "arn:aws:kafka:us-east-1:111111111111:cluster/shared/abc-1"',
      'flinkAlerting.network.existingVpc.privateSubnetIds: expected one subnet per Availability Zone (2), got an array of 3',
    ]);
    expect(
      problemsOf(
        alertingSection({
          kafka: { cluster: {}, existingCluster },
          network: {
            existingVpc: { ...existingVpc, privateSubnetIds: ['subnet-0aaaaaaaaaaaaaaaa', 'subnet-0bbbbbbbbbbbbbbbb'] },
          },
        }),
      ),
    ).toEqual([
      'flinkAlerting.kafka.cluster: expected no settings for a created cluster when kafka.existingCluster is set, got an object',
    ]);
  });

  it('keeps replication within the created cluster and topics and consumer groups apart', () => {
    expect(
      problemsOf(
        alertingSection({
          network: { availabilityZones: ['eu-west-1a', 'eu-west-1b'] },
          kafka: { topics: { alerts: { replicationFactor: 3 } } },
        }),
      ),
    ).toEqual(["flinkAlerting.kafka.topics.alerts.replicationFactor: expected at most the cluster's 2 brokers, got 3"]);
    // Unset replication factors follow a smaller cluster.
    const twoZones = alertingConfig({ network: { availabilityZones: ['eu-west-1a', 'eu-west-1b'] } });
    expect(twoZones.kafka.topics.telemetry.replicationFactor).toBe(2);
    expect(problemsOf(alertingSection({ kafka: { topics: { alerts: { name: 'telemetry' } } } }))).toEqual([
      'flinkAlerting.kafka.topics.alerts.name: expected a topic of its own (kafka.topics.telemetry.name has it), got "telemetry"',
    ]);
    expect(problemsOf(alertingSection({ flink: { baselineJob: { consumerGroupId: 'alerting-alert-job' } } }))).toEqual([
      'flinkAlerting.flink.baselineJob.consumerGroupId: expected a consumer group of its own (flink.alertJob.consumerGroupId has it), got "alerting-alert-job"',
    ]);
  });

  it('keeps the job properties the stack sets out of the free-form properties', () => {
    expect(
      problemsOf(
        alertingSection({
          flink: { alertJob: { properties: { 'topic.alerts': 'x', 'kafka.client.linger.ms': '5' } } },
        }),
      ),
    ).toEqual([
      'flinkAlerting.flink.alertJob.properties: expected only keys the stack does not set itself (it sets job, kafka.bootstrap.servers, kafka.msk-iam, kafka.group-id, topic.* and the flink.* settings), got "topic.alerts"',
    ]);
  });

  it('rejects a property key the Flink job does not know, naming the key and the keys it knows', () => {
    expect(
      problemsOf(
        alertingSection({
          flink: { alertJob: { properties: { 'windw.size': 'PT1M', 'watermark.interval': 'PT1S' } } },
        }),
      ),
    ).toEqual([
      'flinkAlerting.flink.alertJob.properties.windw.size: unknown key (the Flink job refuses to start with it); known: watermark.interval, kafka.client.*',
    ]);
    // A bare prefix is no Kafka client property.
    expect(problemsOf(alertingSection({ flink: { baselineJob: { properties: { 'kafka.client.': '5' } } } }))).toEqual([
      'flinkAlerting.flink.baselineJob.properties.kafka.client.: unknown key (the Flink job refuses to start with it); known: watermark.interval, kafka.client.*',
    ]);
  });

  it('rejects checkpoint.interval in the properties: the application owns checkpoints on Managed Flink', () => {
    expect(
      problemsOf(alertingSection({ flink: { alertJob: { properties: { 'checkpoint.interval': 'PT10S' } } } })),
    ).toEqual([
      'flinkAlerting.flink.alertJob.properties.checkpoint.interval: expected flinkAlerting.flink.alertJob.checkpointInterval instead (on Managed Flink the application sets checkpoints, and the job refuses to start with this key), got "PT10S"',
    ]);
  });

  it('takes exactly two Availability Zones for a created cluster in us-west-1, where MSK accepts only two client subnets', () => {
    // AWS's ClientSubnets documentation, as shipped in aws-cdk-lib's CfnCluster types (from the
    // CloudFormation resource specification), and botocore's name of the Region it means.
    const spec = readFileSync(join(REPO_ROOT, 'node_modules/aws-cdk-lib/aws-msk/lib/msk.generated.d.ts'), 'utf8');
    const region = /If you use the (.+?) Region, specify exactly two subnets\./.exec(spec)?.[1];
    const endpoints = JSON.parse(
      readFileSync(join(REPO_ROOT, '.venv/lib', pythonDir(), 'site-packages/botocore/data/endpoints.json'), 'utf8'),
    ) as { partitions: Array<{ regions: Record<string, { description: string }> }> };
    const named = endpoints.partitions.flatMap((p) =>
      Object.entries(p.regions)
        .filter(([, r]) => r.description === region)
        .map(([code]) => code),
    );
    expect(named).toEqual(['us-west-1']);

    const twoZones = ['us-west-1a', 'us-west-1c'];
    expect(alertingConfig({ region: 'us-west-1', network: { availabilityZones: twoZones } }).network).toMatchObject({
      availabilityZones: twoZones,
    });
    const why =
      "expected exactly two Availability Zones in us-west-1, where MSK takes only two client subnets (this account's zones: aws ec2 describe-availability-zones --region us-west-1)";
    expect(problemsOf(alertingSection({ region: 'us-west-1' }))).toEqual([
      `flinkAlerting.network.availabilityZones: ${why}, got nothing`,
    ]);
    expect(
      problemsOf(alertingSection({ region: 'us-west-1', network: { availabilityZones: [...twoZones, 'us-west-1b'] } })),
    ).toEqual([`flinkAlerting.network.availabilityZones: ${why}, got an array of 3`]);
    const existingVpc = {
      vpcId: 'vpc-0123456789abcdef0',
      availabilityZones: ['us-west-1a', 'us-west-1b', 'us-west-1c'],
      privateSubnetIds: ['subnet-0aaaaaaaaaaaaaaaa', 'subnet-0bbbbbbbbbbbbbbbb', 'subnet-0cccccccccccccccc'],
    };
    expect(problemsOf(alertingSection({ region: 'us-west-1', network: { existingVpc } }))).toEqual([
      `flinkAlerting.network.existingVpc.availabilityZones: ${why}, got an array of 3`,
    ]);
    // An existing cluster already has its subnets.
    expect(
      alertingConfig({
        account: '111111111111',
        region: 'us-west-1',
        network: { existingVpc },
        kafka: {
          existingCluster: {
            arn: 'arn:aws:kafka:us-west-1:111111111111:cluster/alerting/0123abcd-0123-4567-89ab-0123456789ab-1',
            securityGroupId: 'sg-0123456789abcdef0',
          },
        },
      }).kafka.cluster,
    ).toBeUndefined();
  });
});
