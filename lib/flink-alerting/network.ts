import { Annotations, type CfnResource, RemovalPolicy } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { houseDefaults, ignoreCfnLint } from '../shared';

export interface AlertingNetworkProps {
  /**
   * Create a VPC with this CIDR and one isolated subnet per Availability Zone.
   * @default - use `existing`
   */
  readonly create?: { readonly cidr: string; readonly availabilityZones: readonly string[] };
  /**
   * Use an existing VPC and its private subnets (one per Availability Zone, same order).
   * @default - create a VPC
   */
  readonly existing?: {
    readonly vpcId: string;
    readonly availabilityZones: readonly string[];
    readonly privateSubnetIds: readonly string[];
  };
  /**
   * Retention of the flow log group.
   * @default - the stack's log retention (the config's `shared.logRetentionDays`)
   */
  readonly logRetention?: logs.RetentionDays;
  /**
   * @default - the stack's removal policy (the config's `shared.removalPolicy`)
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * Where MSK, the Flink applications and the Kafka admin function live. A created VPC has isolated
 * subnets only: MSK IAM tokens are signed locally and Managed Flink reaches its own service
 * plane outside the VPC, so nothing needs a NAT gateway. Rejected traffic is flow-logged.
 */
export class AlertingNetwork extends Construct {
  public readonly vpc: ec2.IVpc;
  public readonly subnets: ec2.SubnetSelection;
  public readonly availabilityZones: readonly string[];
  private endpointSecurityGroup?: ec2.SecurityGroup;

  constructor(scope: Construct, id: string, props: AlertingNetworkProps) {
    super(scope, id);
    if (props.existing) {
      const { vpcId, availabilityZones, privateSubnetIds } = props.existing;
      this.vpc = ec2.Vpc.fromVpcAttributes(this, 'Vpc', {
        vpcId,
        availabilityZones: [...availabilityZones],
        isolatedSubnetIds: [...privateSubnetIds],
      });
      this.subnets = {
        subnets: privateSubnetIds.map((s, i) =>
          ec2.Subnet.fromSubnetAttributes(this, `Subnet${i}`, { subnetId: s, availabilityZone: availabilityZones[i] }),
        ),
      };
      this.availabilityZones = availabilityZones;
      Annotations.of(this).acknowledgeWarning(
        '@aws-cdk/aws-ec2:noSubnetRouteTableId',
        'Nothing here adds routes: the imported subnets are only placed into, so their route tables are never needed.',
      );
    } else if (props.create) {
      const vpc = new ec2.Vpc(this, 'Vpc', {
        ipAddresses: ec2.IpAddresses.cidr(props.create.cidr),
        availabilityZones: [...props.create.availabilityZones],
        natGateways: 0,
        subnetConfiguration: [{ name: 'private', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 20 }],
      });
      const flowLogs = new logs.LogGroup(this, 'FlowLogs', {
        retention: props.logRetention ?? houseDefaults(this).logRetention,
        removalPolicy: props.removalPolicy ?? houseDefaults(this).removalPolicy,
      });
      vpc.addFlowLog('FlowLog', {
        destination: ec2.FlowLogDestination.toCloudWatchLogs(flowLogs),
        // Rejections are the security signal; logging all accepted Kafka traffic would cost more than it tells.
        trafficType: ec2.FlowLogTrafficType.REJECT,
      });
      for (const subnet of vpc.isolatedSubnets) {
        ignoreCfnLint(
          subnet.node.defaultChild as CfnResource,
          ['W3010'],
          'The zones are named in the config on purpose: MSK brokers and their clients must share them.',
        );
      }
      this.vpc = vpc;
      this.subnets = { subnetType: ec2.SubnetType.PRIVATE_ISOLATED };
      this.availabilityZones = props.create.availabilityZones;
    } else {
      throw new Error('AlertingNetwork: give either create or existing');
    }
  }

  /**
   * Interface endpoints (private DNS, so SDK default host names resolve to them) for what callers
   * inside the VPC reach: Lambda and STS for the MSK event source poller in on-demand mode
   * (https://docs.aws.amazon.com/lambda/latest/dg/with-msk-cluster-network.html), SQS for its
   * on-failure destination (https://docs.aws.amazon.com/lambda/latest/dg/with-msk-on-failure.html).
   * Callers are let in with {@link allowAwsApiAccess}.
   */
  public addServiceEndpoints(): void {
    if (this.endpointSecurityGroup) return;
    this.endpointSecurityGroup = new ec2.SecurityGroup(this, 'EndpointSecurityGroup', {
      vpc: this.vpc,
      description: 'Interface endpoints of the alerting VPC: HTTPS from their callers only',
      allowAllOutbound: false,
    });
    for (const [name, service] of [
      ['Lambda', ec2.InterfaceVpcEndpointAwsService.LAMBDA],
      ['Sts', ec2.InterfaceVpcEndpointAwsService.STS],
      ['Sqs', ec2.InterfaceVpcEndpointAwsService.SQS],
    ] as const) {
      new ec2.InterfaceVpcEndpoint(this, `${name}Endpoint`, {
        vpc: this.vpc,
        service,
        subnets: this.subnets,
        privateDnsEnabled: true,
        securityGroups: [this.endpointSecurityGroup],
        open: false,
      });
    }
  }

  /**
   * Lets `client` call AWS APIs over HTTPS: through this network's interface endpoints (both
   * directions of the rule pair) or, without them, out to any address on 443 (the VPC's own
   * endpoints or NAT gateway, which this stack does not know).
   */
  public allowAwsApiAccess(client: ec2.ISecurityGroup, description: string): void {
    if (this.endpointSecurityGroup) {
      client.addEgressRule(this.endpointSecurityGroup, ec2.Port.tcp(443), `${description} to the interface endpoints`);
      this.endpointSecurityGroup.addIngressRule(client, ec2.Port.tcp(443), description);
    } else {
      client.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443), `${description} to AWS APIs (endpoints or NAT)`);
    }
  }
}
