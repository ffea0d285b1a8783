import { ArnFormat, Duration, Fn, Names, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as msk from 'aws-cdk-lib/aws-msk';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import { houseDefaults } from '../shared';
import { acknowledge, LAMBDA_BASIC_EXECUTION } from './private/nag';
import type { NetworkInterfacePlacement } from './private/network-interfaces';

/** MSK's port for IAM-authenticated clients inside the VPC (SASL over TLS). */
export const MSK_IAM_PORT = 9098;

export interface CreatedClusterSettings {
  /** Apache Kafka version of the cluster. */
  readonly kafkaVersion: string;
  /** Broker instance type, for example `kafka.m7g.large`. */
  readonly instanceType: string;
  /** Brokers in each Availability Zone. */
  readonly brokersPerAz: number;
  /** EBS storage of each broker, in GiB. */
  readonly volumeSizeGiB: number;
  /** MSK enhanced monitoring level, for example `PER_TOPIC_PER_BROKER`. */
  readonly enhancedMonitoring: string;
}

export interface AlertingKafkaClusterProps {
  /** The VPC of the cluster's brokers (or of its clients, for an existing cluster). */
  readonly vpc: ec2.IVpc;
  /** Subnets of the brokers, one per Availability Zone. */
  readonly subnets: ec2.SubnetSelection;
  /**
   * Create a cluster with IAM authentication and TLS only.
   * @default - use `existing`
   */
  readonly create?: CreatedClusterSettings;
  /**
   * Use an existing cluster; its brokers' security group gets an ingress rule per client.
   * @default - create a cluster
   */
  readonly existing?: { readonly arn: string; readonly securityGroupId: string };
  /**
   * Retention of the broker log group.
   * @default - the stack's log retention (the config's `shared.logRetentionDays`)
   */
  readonly logRetention?: logs.RetentionDays;
  /**
   * What happens to a created cluster, its key and broker logs when the stack is deleted.
   * @default - the stack's removal policy (the config's `shared.removalPolicy`)
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * The Kafka cluster of the alerting system: a created MSK cluster (IAM authentication only, TLS
 * between clients and brokers and inside the cluster, encrypted with its own KMS key, broker logs
 * in CloudWatch) or an existing one. Bootstrap brokers are read at deploy time with
 * GetBootstrapBrokers. Access is granted per cluster, topic and consumer group ARN.
 */
export class AlertingKafkaCluster extends Construct {
  public readonly clusterArn: string;
  public readonly clusterName: string;
  /** The cluster's UUID, the last part of its ARN (part of topic and group ARNs). */
  public readonly clusterUuid: string;
  /** The brokers' security group: clients are let in on {@link MSK_IAM_PORT}. */
  public readonly securityGroup: ec2.ISecurityGroup;
  /** `BootstrapBrokerStringSaslIam`, resolved at deploy time. */
  public readonly bootstrapBrokers: string;
  /** The created cluster, if one was created. */
  public readonly cluster?: msk.CfnCluster;
  /**
   * Where the brokers are, for the ENIs of an MSK event source mapping (Lambda creates them in the
   * brokers' subnets with the cluster's security groups): named for a created cluster; for an
   * existing one only its VPC is known at synth.
   */
  public readonly brokerNetwork: NetworkInterfacePlacement;

  constructor(scope: Construct, id: string, props: AlertingKafkaClusterProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const removalPolicy = props.removalPolicy ?? houseDefaults(this).removalPolicy;
    if (props.existing) {
      const parts = stack.splitArn(props.existing.arn, ArnFormat.SLASH_RESOURCE_NAME);
      const [name, uuid] = (parts.resourceName ?? '').split('/');
      this.clusterArn = props.existing.arn;
      this.clusterName = name;
      this.clusterUuid = uuid;
      this.brokerNetwork = { vpcId: props.vpc.vpcId };
      this.securityGroup = ec2.SecurityGroup.fromSecurityGroupId(
        this,
        'SecurityGroup',
        props.existing.securityGroupId,
        {
          allowAllOutbound: false,
        },
      );
    } else if (props.create) {
      const settings = props.create;
      const sg = new ec2.SecurityGroup(this, 'SecurityGroup', {
        vpc: props.vpc,
        description: 'MSK brokers of the alerting system: IAM over TLS from its clients only',
        allowAllOutbound: false,
      });
      // The notifier's event source mapping polls from ENIs in this security group.
      sg.addIngressRule(
        sg,
        ec2.Port.tcp(MSK_IAM_PORT),
        'Lambda event source mapping (uses the cluster security group)',
      );
      sg.addEgressRule(sg, ec2.Port.tcp(MSK_IAM_PORT), 'Lambda event source mapping to the brokers');
      this.securityGroup = sg;

      const key = new kms.Key(this, 'Key', {
        description: `Encrypts the MSK broker volumes of ${stack.stackName}`,
        enableKeyRotation: true,
        removalPolicy,
      });
      const brokerLogs = new logs.LogGroup(this, 'BrokerLogs', {
        retention: props.logRetention ?? houseDefaults(this).logRetention,
        removalPolicy,
      });
      const subnetIds = props.vpc.selectSubnets(props.subnets).subnetIds;
      this.brokerNetwork = { vpcId: props.vpc.vpcId, subnetIds, securityGroupIds: [sg.securityGroupId] };
      // MSK requires a name; a stable, unique one is derived from the construct path.
      this.clusterName = Names.uniqueResourceName(this, { maxLength: 64, separator: '-' }).toLowerCase();
      const express = settings.instanceType.startsWith('express.');
      const cluster = new msk.CfnCluster(this, 'Cluster', {
        clusterName: this.clusterName,
        kafkaVersion: settings.kafkaVersion,
        numberOfBrokerNodes: subnetIds.length * settings.brokersPerAz,
        brokerNodeGroupInfo: {
          clientSubnets: subnetIds,
          instanceType: settings.instanceType,
          securityGroups: [sg.securityGroupId],
          storageInfo: express ? undefined : { ebsStorageInfo: { volumeSize: settings.volumeSizeGiB } },
          connectivityInfo: { publicAccess: { type: 'DISABLED' } },
        },
        clientAuthentication: { sasl: { iam: { enabled: true } }, unauthenticated: { enabled: false } },
        encryptionInfo: {
          encryptionAtRest: { dataVolumeKmsKeyId: key.keyArn },
          encryptionInTransit: { clientBroker: 'TLS', inCluster: true },
        },
        enhancedMonitoring: settings.enhancedMonitoring,
        loggingInfo: { brokerLogs: { cloudWatchLogs: { enabled: true, logGroup: brokerLogs.logGroupName } } },
      });
      // MSK has no snapshots: SNAPSHOT keeps the cluster like RETAIN.
      cluster.applyRemovalPolicy(removalPolicy === RemovalPolicy.SNAPSHOT ? RemovalPolicy.RETAIN : removalPolicy);
      this.cluster = cluster;
      this.clusterArn = cluster.attrArn;
      this.clusterUuid = Fn.select(2, Fn.split('/', cluster.attrArn));
    } else {
      throw new Error('AlertingKafkaCluster: give either create or existing');
    }

    // One read-only SDK call, so CDK's AwsCustomResource rather than a handler of ours behind a
    // cr.Provider: there is no logic of ours to test, and a provider cannot take this resource over
    // (CloudFormation refuses to change a custom resource's ServiceToken). Moving would need a new
    // logical ID, so a new GetAtt in both Flink applications ('kafka.bootstrap.servers'), the Kafka
    // admin resources and the output: an update of running jobs for no gain.
    const brokers = new cr.AwsCustomResource(this, 'BootstrapBrokers', {
      onUpdate: {
        service: 'Kafka',
        action: 'GetBootstrapBrokers',
        parameters: { ClusterArn: this.clusterArn },
        physicalResourceId: cr.PhysicalResourceId.of(this.clusterArn),
        outputPaths: ['BootstrapBrokerStringSaslIam'],
      },
      // GetBootstrapBrokers has no resource types in the Service Authorization Reference: only `*`
      // authorizes it (a cluster ARN here fails with AccessDenied).
      policy: cr.AwsCustomResourcePolicy.fromSdkCalls({ resources: cr.AwsCustomResourcePolicy.ANY_RESOURCE }),
      installLatestAwsSdk: false,
    });
    acknowledge(
      brokers,
      ['AwsSolutions-IAM5[Resource::*]'],
      'kafka:GetBootstrapBrokers supports no resource-level permissions; the call is read-only.',
    );
    this.bootstrapBrokers = brokers.getResponseField('BootstrapBrokerStringSaslIam');
  }

  /** Lets `client` reach the brokers on the IAM port (both directions of the rule pair). */
  public allowClient(client: ec2.ISecurityGroup, description: string): void {
    client.addEgressRule(this.securityGroup, ec2.Port.tcp(MSK_IAM_PORT), `${description} to MSK`);
    this.securityGroup.addIngressRule(client, ec2.Port.tcp(MSK_IAM_PORT), description);
  }

  public topicArn(topic: string): string {
    return this.kafkaArn('topic', topic);
  }

  public groupArn(group: string): string {
    return this.kafkaArn('group', group);
  }

  private kafkaArn(resource: 'topic' | 'group', name: string): string {
    return Stack.of(this).formatArn({
      service: 'kafka',
      resource,
      resourceName: `${this.clusterName}/${this.clusterUuid}/${name}`,
      arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
    });
  }

  /** Consumer access: connect, read `topics`, and use the consumer `groups` (commit offsets). */
  public consumeStatements(topics: readonly string[], groups: readonly string[]): iam.PolicyStatement[] {
    return [
      this.connectStatement([]),
      new iam.PolicyStatement({
        actions: ['kafka-cluster:DescribeTopic', 'kafka-cluster:ReadData'],
        resources: topics.map((t) => this.topicArn(t)),
      }),
      new iam.PolicyStatement({
        actions: ['kafka-cluster:DescribeGroup', 'kafka-cluster:AlterGroup'],
        resources: groups.map((g) => this.groupArn(g)),
      }),
    ];
  }

  /** Producer access to `topics` (idempotent writes, the Kafka 3+ client default). */
  public produceStatements(topics: readonly string[]): iam.PolicyStatement[] {
    return [
      this.connectStatement(['kafka-cluster:WriteDataIdempotently']),
      new iam.PolicyStatement({
        actions: ['kafka-cluster:DescribeTopic', 'kafka-cluster:WriteData'],
        resources: topics.map((t) => this.topicArn(t)),
      }),
    ];
  }

  /** Topic administration (create, grow, configure) of `topics` only. */
  public topicAdminStatements(topics: readonly string[]): iam.PolicyStatement[] {
    return [
      this.connectStatement([]),
      new iam.PolicyStatement({
        actions: [
          'kafka-cluster:CreateTopic',
          'kafka-cluster:DescribeTopic',
          'kafka-cluster:AlterTopic',
          'kafka-cluster:DescribeTopicDynamicConfiguration',
          'kafka-cluster:AlterTopicDynamicConfiguration',
        ],
        resources: topics.map((t) => this.topicArn(t)),
      }),
    ];
  }

  /** `kafka-cluster:Connect` (plus `extra` cluster-level actions) on this cluster. */
  public connectStatement(extra: readonly string[]): iam.PolicyStatement {
    return new iam.PolicyStatement({ actions: ['kafka-cluster:Connect', ...extra], resources: [this.clusterArn] });
  }

  /** `kafka:DescribeCluster` and `DescribeClusterV2` on this cluster (an MSK event source mapping reads it). */
  public describeClusterStatement(): iam.PolicyStatement {
    return new iam.PolicyStatement({
      actions: ['kafka:DescribeCluster', 'kafka:DescribeClusterV2'],
      resources: [this.clusterArn],
    });
  }

  /**
   * MSK's committed-offset lag of a consumer group on a topic (summed over partitions), part of
   * the DEFAULT monitoring level.
   */
  public consumerLagMetric(group: string, topic: string): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: 'AWS/Kafka',
      metricName: 'SumOffsetLag',
      dimensionsMap: { 'Cluster Name': this.clusterName, 'Consumer Group': group, Topic: topic },
      statistic: 'Maximum',
      period: Duration.minutes(5),
    });
  }

  /** Acknowledges the findings of CDK's AwsCustomResource provider (the stack's singleton). */
  public acknowledgeProviderFindings(): void {
    const provider = Stack.of(this).node.tryFindChild('AWS679f53fac002430cb0da5b7982bd2287');
    if (provider) {
      acknowledge(
        provider,
        [LAMBDA_BASIC_EXECUTION],
        "CDK's AwsCustomResource provider comes with AWSLambdaBasicExecutionRole (create and write any log group); it writes its own logs with it.",
      );
    }
  }
}
