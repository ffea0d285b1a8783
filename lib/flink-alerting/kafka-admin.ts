import { CustomResource, Duration } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import { join } from 'node:path';
import { houseDefaults, StandardFunction } from '../shared';
import { acknowledgeProviderFindings } from './application-starter';
import type { AlertingKafkaCluster } from './kafka-cluster';
import { acknowledge } from './private/nag';
import { acknowledgeNetworkInterfaceWildcards, networkInterfaceStatements } from './private/network-interfaces';

/** A topic as the deploy-time admin creates it. */
export interface KafkaTopicDefinition {
  /** Topic name. */
  readonly name: string;
  /** Number of partitions. */
  readonly partitions: number;
  /** Copies of each partition across brokers. */
  readonly replicationFactor: number;
  /** Topic-level settings, for example cleanup.policy and retention.ms. */
  readonly configs: Readonly<Record<string, string>>;
}

export interface KafkaAdminProps {
  /** The cluster whose topics and monitors the function administers. */
  readonly cluster: AlertingKafkaCluster;
  /** The cluster's VPC, where the function runs. */
  readonly vpc: ec2.IVpc;
  /** Subnets of the function's network interfaces. */
  readonly subnets: ec2.SubnetSelection;
}

const ENTRY = join(__dirname, '..', '..', 'lambda', 'flink-alerting', 'handlers', 'kafka-admin.ts');

/**
 * Deploy-time Kafka administration: a function in the VPC (kafkajs with MSK IAM auth) behind a
 * custom resource provider. {@link addTopics} makes topics exist; {@link publishMonitors} writes
 * monitors to the monitor topic. Each grant is limited to the topics it names.
 */
export class KafkaAdmin extends Construct {
  public readonly handler: StandardFunction;
  public readonly securityGroup: ec2.SecurityGroup;
  private readonly provider: cr.Provider;
  private readonly cluster: AlertingKafkaCluster;

  constructor(scope: Construct, id: string, props: KafkaAdminProps) {
    super(scope, id);
    this.cluster = props.cluster;
    this.securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: props.vpc,
      description: 'Kafka admin custom resource function (egress to MSK and the interface endpoints only)',
      allowAllOutbound: false,
    });
    props.cluster.allowClient(this.securityGroup, 'Kafka admin function');

    this.handler = new StandardFunction(this, 'Handler', {
      entry: ENTRY,
      serviceName: 'flink-alerting-kafka-admin',
      description: 'Creates Kafka topics and publishes monitors at deploy time (custom resource)',
      timeout: Duration.minutes(5),
      environment: { KAFKA_SECURITY: 'iam' },
      // Bundle every dependency: the MSK IAM signer pins its own Smithy and SDK versions.
      bundling: { externalModules: [] },
    });
    // VPC attachment: StandardFunction has no VPC option, so its L1 gets the subnets and group.
    const subnetIds = props.vpc.selectSubnets(props.subnets).subnetIds;
    const cfn = this.handler.node.defaultChild as lambda.CfnFunction;
    cfn.vpcConfig = { subnetIds, securityGroupIds: [this.securityGroup.securityGroupId] };
    // The EC2 actions of AWSLambdaVPCAccessExecutionRole (v3), which Lambda uses to manage the ENIs;
    // the managed policy grants them on `*`, here they are kept to the function's subnets and group.
    const placement = {
      vpcId: props.vpc.vpcId,
      subnetIds,
      securityGroupIds: [this.securityGroup.securityGroupId],
      extraActions: ['ec2:AssignPrivateIpAddresses', 'ec2:UnassignPrivateIpAddresses'],
    };
    const eni = new iam.Policy(this, 'VpcAccessPolicy', {
      statements: [
        // Describe* have no resource types in the Service Authorization Reference: only `*`.
        new iam.PolicyStatement({
          actions: ['ec2:DescribeNetworkInterfaces', 'ec2:DescribeSubnets'],
          resources: ['*'],
        }),
        ...networkInterfaceStatements(this, placement),
      ],
    });
    eni.attachToRole(this.handler.role);
    cfn.node.addDependency(eni);
    acknowledge(
      eni,
      ['AwsSolutions-IAM5[Resource::*]'],
      'EC2 Describe* actions have no resource-level permissions (only * authorizes them).',
    );
    acknowledgeNetworkInterfaceWildcards(
      eni,
      placement,
      'Lambda creates the function ENIs (IDs unknown until created) in the named subnets and security group.',
    );

    const frameworkLogs = new logs.LogGroup(this, 'FrameworkLogs', {
      retention: houseDefaults(this).logRetention,
      removalPolicy: houseDefaults(this).removalPolicy,
    });
    this.provider = new cr.Provider(this, 'Provider', {
      onEventHandler: this.handler,
      logGroup: frameworkLogs,
    });
    acknowledgeProviderFindings(this.provider, [this.handler]);
  }

  /** Creates (or grows and reconfigures) the topics at deploy time. Returns the custom resource. */
  public addTopics(id: string, topics: readonly KafkaTopicDefinition[]): CustomResource {
    const policy = new iam.Policy(this, `${id}Policy`, {
      statements: this.cluster.topicAdminStatements(topics.map((t) => t.name)),
    });
    policy.attachToRole(this.handler.role);
    const resource = new CustomResource(this, id, {
      serviceToken: this.provider.serviceToken,
      resourceType: 'Custom::KafkaTopics',
      properties: {
        Kind: 'Topics',
        BootstrapBrokers: this.cluster.bootstrapBrokers,
        Topics: topics.map((t) => ({
          Name: t.name,
          Partitions: t.partitions,
          ReplicationFactor: t.replicationFactor,
          Configs: t.configs,
        })),
      },
    });
    resource.node.addDependency(policy);
    return resource;
  }

  /**
   * Publishes the monitors (contract v1 objects) to `topic` at deploy time, keyed by id, with a
   * tombstone for each monitor a previous deploy published and this one does not.
   */
  public publishMonitors(
    id: string,
    topic: string,
    monitors: readonly object[],
    after: CustomResource,
  ): CustomResource {
    const policy = new iam.Policy(this, `${id}Policy`, { statements: this.cluster.produceStatements([topic]) });
    policy.attachToRole(this.handler.role);
    const resource = new CustomResource(this, id, {
      serviceToken: this.provider.serviceToken,
      resourceType: 'Custom::KafkaMonitors',
      properties: {
        Kind: 'Monitors',
        BootstrapBrokers: this.cluster.bootstrapBrokers,
        MonitorTopic: topic,
        // One JSON string, so CloudFormation does not turn numbers and booleans into strings.
        Monitors: JSON.stringify(monitors),
      },
    });
    resource.node.addDependency(policy, after);
    return resource;
  }
}
