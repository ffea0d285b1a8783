import { type CfnResource, Duration, Stack } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sources from 'aws-cdk-lib/aws-lambda-event-sources';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { join } from 'node:path';
import { NOTIFIER_DEFAULTS } from '../../config/schema/flink-alerting-fields';
import type { NotifierSettingsInput } from '../../lambda/flink-alerting/core/notifier-settings';
import { DeadLetterQueue, houseDefaults, skipCheckov, StandardFunction } from '../shared';
import type { AlertingKafkaCluster } from './kafka-cluster';
import { acknowledge } from './private/nag';
import { acknowledgeNetworkInterfaceWildcards, networkInterfaceStatements } from './private/network-interfaces';

export interface NotifierWebhook {
  /** Stable name: part of the delivery record and the secret's description. */
  readonly name: string;
  /**
   * The secret whose string is the https:// URL: URLs often carry a token, so the URL is kept
   * out of the template and the function's environment (the notifier reads it at run time).
   */
  readonly urlSecret: secretsmanager.ISecret;
  /**
   * Secret holding the HMAC key that signs the requests.
   * @default - a generated key
   */
  readonly secret?: secretsmanager.ISecret;
  /**
   * Severities sent to this webhook.
   * @default - every severity
   */
  readonly severities?: readonly string[];
}

export interface NotifierEmail {
  /** Sender address (an SES verified identity). */
  readonly from: string;
  /** Recipients. */
  readonly to: readonly string[];
  /** Prefix of every subject line. */
  readonly subjectPrefix: string;
  /**
   * SES configuration set of the messages.
   * @default - none
   */
  readonly configurationSetName?: string;
  /**
   * Severities sent by email.
   * @default - every severity
   */
  readonly severities?: readonly string[];
}

export interface AlertNotifierProps {
  /** The Kafka cluster holding the alerts topic. */
  readonly cluster: AlertingKafkaCluster;
  /** The alerts topic the notifier consumes. */
  readonly topic: string;
  /** Kafka consumer group of the notifier's event source mapping. */
  readonly consumerGroupId: string;
  /**
   * Email channel: sender, recipients, subject prefix and severities.
   * @default - no email
   */
  readonly email?: NotifierEmail;
  /**
   * Webhook channels, each signed with its own HMAC key.
   * @default - no webhooks
   */
  readonly webhooks?: readonly NotifierWebhook[];
  /**
   * Most alerts per invocation.
   * @default 100
   */
  readonly batchSize?: number;
  /**
   * Longest wait to fill a batch.
   * @default Duration.seconds(5)
   */
  readonly maxBatchingWindow?: Duration;
  /**
   * Attempts per channel and the exponential backoff between them.
   * @default - 4 attempts, 200 ms doubling to at most 5 s
   */
  readonly retry?: { readonly attempts: number; readonly baseDelayMs: number; readonly maxDelayMs: number };
  /**
   * Days the alert history keeps a sent alert.
   * @default 90
   */
  readonly historyTtlDays?: number;
}

/** Per webhook request; a receiver should answer at once and work afterwards. */
const WEBHOOK_TIMEOUT_MS = 5000;

const ENTRY = join(__dirname, '..', '..', 'lambda', 'flink-alerting', 'handlers', 'notifier.ts');

/**
 * The notifier: a function on the alerts topic (MSK event source, IAM auth) that groups the
 * alerts of a batch into one email (SES v2) and one signed POST per webhook, retries with
 * backoff, records every alert in a history table (which also deduplicates redeliveries), and
 * dead-letters malformed records and failed deliveries to an alarmed queue.
 */
export class AlertNotifier extends Construct {
  public readonly function: StandardFunction;
  public readonly history: dynamodb.Table;
  public readonly deadLetters: DeadLetterQueue;
  /** Signing secrets by webhook name (created or given). */
  public readonly webhookSecrets: Readonly<Record<string, secretsmanager.ISecret>>;
  public readonly eventSource: lambda.EventSourceMapping;

  constructor(scope: Construct, id: string, props: AlertNotifierProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const removalPolicy = houseDefaults(this).removalPolicy;

    this.history = new dynamodb.Table(this, 'History', {
      partitionKey: { name: 'alertId', type: dynamodb.AttributeType.STRING },
      sortKey: { name: 'windowEnd', type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: dynamodb.TableEncryption.AWS_MANAGED,
      timeToLiveAttribute: 'expiresAt',
      removalPolicy,
    });
    this.history.addGlobalSecondaryIndex({
      indexName: 'byMonitor',
      partitionKey: { name: 'monitorId', type: dynamodb.AttributeType.STRING },
      sortKey: { name: 'windowEnd', type: dynamodb.AttributeType.STRING },
    });

    this.deadLetters = new DeadLetterQueue(this, 'DeadLetters', {
      purpose: 'alerts that were malformed or that a channel refused after every retry',
    });

    const secrets: Record<string, secretsmanager.ISecret> = {};
    for (const webhook of props.webhooks ?? []) {
      if (webhook.secret) {
        secrets[webhook.name] = webhook.secret;
        continue;
      }
      const secret = new secretsmanager.Secret(this, `WebhookSecret-${webhook.name}`, {
        description: `HMAC key signing the alert webhook "${webhook.name}" (share it with the receiver)`,
        generateSecretString: { passwordLength: 48, excludePunctuation: true },
        removalPolicy,
      });
      acknowledge(
        secret,
        ['AwsSolutions-SMG4'],
        'A webhook signing key is shared with the receiver; rotating it needs the receiver to accept both keys, so it is rotated by hand (README runbook).',
      );
      skipCheckov(
        secret.node.defaultChild as CfnResource,
        'CKV_AWS_149',
        'Encrypted with the AWS managed key (a key per secret adds only administration). The secret has no resource policy: whoever IAM allows in this account may read it; this app grants that to the notifier role only (below).',
      );
      secrets[webhook.name] = secret;
    }
    this.webhookSecrets = secrets;

    const settings: NotifierSettingsInput = {
      email: props.email
        ? {
            from: props.email.from,
            to: [...props.email.to],
            subjectPrefix: props.email.subjectPrefix,
            configurationSetName: props.email.configurationSetName,
            severities: props.email.severities ? [...props.email.severities] : undefined,
          }
        : undefined,
      webhooks: (props.webhooks ?? []).map((w) => ({
        name: w.name,
        urlSecretArn: w.urlSecret.secretArn,
        secretArn: secrets[w.name].secretArn,
        severities: w.severities ? [...w.severities] : undefined,
      })),
      retry: props.retry,
      webhookTimeoutMs: WEBHOOK_TIMEOUT_MS,
      historyTtlDays: props.historyTtlDays ?? NOTIFIER_DEFAULTS.historyTtlDays,
    };

    this.function = new StandardFunction(this, 'Function', {
      entry: ENTRY,
      serviceName: 'flink-alerting-notifier',
      description: 'Sends alerts from the alerts topic by email and webhook, grouped per batch',
      removalPolicy,
      // Worst case per batch: every channel used up its attempts, each waiting for the webhook
      // timeout and the longest backoff; capped at Lambda's 15 minutes.
      timeout: Duration.seconds(
        Math.min(
          900,
          30 +
            Math.ceil(
              (((props.webhooks?.length ?? 0) + (props.email ? 1 : 0)) *
                (props.retry?.attempts ?? NOTIFIER_DEFAULTS.retryAttempts) *
                (WEBHOOK_TIMEOUT_MS + (props.retry?.maxDelayMs ?? NOTIFIER_DEFAULTS.maxDelayMs))) /
                1000,
            ),
        ),
      ),
      environment: {
        HISTORY_TABLE_NAME: this.history.tableName,
        DEAD_LETTER_QUEUE_URL: this.deadLetters.queue.queueUrl,
        NOTIFIER_SETTINGS: stack.toJsonString(settings),
      },
    });
    const role = this.function.role;
    this.grantHistoryUpdates(role);
    this.deadLetters.queue.grantSendMessages(role);
    for (const secret of Object.values(secrets)) secret.grantRead(role);
    for (const webhook of props.webhooks ?? []) webhook.urlSecret.grantRead(role);
    if (props.email) {
      const domain = props.email.from.split('@')[1];
      role.addToPrincipalPolicy(
        new iam.PolicyStatement({
          actions: ['ses:SendEmail'],
          resources: [
            stack.formatArn({ service: 'ses', resource: 'identity', resourceName: props.email.from }),
            stack.formatArn({ service: 'ses', resource: 'identity', resourceName: domain }),
            ...(props.email.configurationSetName
              ? [
                  stack.formatArn({
                    service: 'ses',
                    resource: 'configuration-set',
                    resourceName: props.email.configurationSetName,
                  }),
                ]
              : []),
          ],
        }),
      );
    }

    // The event source mapping connects with the function's role (MSK IAM): consumer rights on
    // the alerts topic and group, plus what Lambda needs to find the brokers and place its ENIs.
    const cluster = props.cluster;
    const esmPolicy = new iam.Policy(this, 'EventSourcePolicy', {
      statements: [
        ...cluster.consumeStatements([props.topic], [props.consumerGroupId]),
        cluster.connectStatement(['kafka-cluster:DescribeClusterDynamicConfiguration']),
        cluster.describeClusterStatement(),
        // GetBootstrapBrokers has no resource types in the Service Authorization Reference: only `*`
        // authorizes it.
        new iam.PolicyStatement({ actions: ['kafka:GetBootstrapBrokers'], resources: ['*'] }),
        // Describe* have no resource types in the Service Authorization Reference: only `*`.
        new iam.PolicyStatement({
          actions: [
            'ec2:DescribeNetworkInterfaces',
            'ec2:DescribeVpcs',
            'ec2:DescribeSubnets',
            'ec2:DescribeSecurityGroups',
          ],
          resources: ['*'],
        }),
        ...networkInterfaceStatements(this, cluster.brokerNetwork),
      ],
    });
    esmPolicy.attachToRole(role);
    acknowledge(
      esmPolicy,
      ['AwsSolutions-IAM5[Resource::*]'],
      'kafka:GetBootstrapBrokers and EC2 Describe* have no resource-level permissions (only * authorizes them).',
    );
    acknowledgeNetworkInterfaceWildcards(
      esmPolicy,
      cluster.brokerNetwork,
      "The MSK event source mapping creates its ENIs (IDs unknown until created) in the brokers' subnets with the cluster's security groups; those it cannot name are kept to the cluster's VPC.",
    );

    this.eventSource = new lambda.EventSourceMapping(this, 'AlertsSource', {
      target: this.function,
      eventSourceArn: cluster.clusterArn,
      kafkaTopic: props.topic,
      kafkaConsumerGroupId: props.consumerGroupId,
      startingPosition: lambda.StartingPosition.TRIM_HORIZON,
      batchSize: props.batchSize ?? 100,
      maxBatchingWindow: props.maxBatchingWindow ?? Duration.seconds(5),
      // Records Lambda gives up on (they left the topic's retention while failing) are kept here.
      onFailure: new sources.SqsDlq(this.deadLetters.queue),
    });
    this.eventSource.node.addDependency(esmPolicy);
    skipCheckov(
      this.history.node.defaultChild as CfnResource,
      'CKV_AWS_119',
      'Alert history holds monitor ids, group values and numbers, no secrets; the AWS managed key avoids a key per table.',
    );
  }

  /**
   * Lets the grantee claim alerts and record their deliveries in the history table
   * (dynamodb:UpdateItem on the table; the index is not needed).
   */
  public grantHistoryUpdates(grantee: iam.IGrantable): iam.Grant {
    return iam.Grant.addToPrincipal({
      grantee,
      actions: ['dynamodb:UpdateItem'],
      resourceArns: [this.history.tableArn],
    });
  }
}
