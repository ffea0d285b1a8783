import { type RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { houseDefaults } from '../shared';

export interface ServiceNetworkProps {
  /** IPv4 CIDR of the VPC (/16 to /24). */
  readonly cidr: string;
  /** The two Availability Zones, named so that synth needs no lookup. */
  readonly availabilityZones: readonly string[];
  /**
   * Add interface endpoints for Session Manager (ssm, ssmmessages, ec2messages), so instances in
   * isolated subnets can be reached without SSH or an internet path.
   * @default true
   */
  readonly sessionManagerEndpoints?: boolean;
  /**
   * Retention of the flow log group.
   * @default - the stack's log retention (the config's `shared.logRetentionDays`)
   */
  readonly logRetention?: logs.RetentionDays;
  /**
   * What happens to the flow log group when the stack is deleted.
   * @default - the stack's removal policy (the config's `shared.removalPolicy`)
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * The provider's VPC in one Region: isolated subnets only (no internet gateway, no NAT, so no
 * public path to the service), flow logs, and the endpoints Session Manager needs.
 */
export class ServiceNetwork extends Construct {
  public readonly vpc: ec2.Vpc;
  /** The isolated subnets, one per Availability Zone. */
  public readonly subnets: ec2.SubnetSelection = { subnetType: ec2.SubnetType.PRIVATE_ISOLATED };

  constructor(scope: Construct, id: string, props: ServiceNetworkProps) {
    super(scope, id);
    if (props.availabilityZones.length !== 2) {
      throw new Error(`ServiceNetwork needs exactly two Availability Zones, got ${props.availabilityZones.length}`);
    }
    const vpcBits = Number(props.cidr.split('/')[1]);
    const flowLogs = new logs.LogGroup(this, 'FlowLogs', {
      retention: props.logRetention ?? houseDefaults(this).logRetention,
      removalPolicy: props.removalPolicy ?? houseDefaults(this).removalPolicy,
    });
    this.vpc = new ec2.Vpc(this, 'Vpc', {
      ipAddresses: ec2.IpAddresses.cidr(props.cidr),
      availabilityZones: [...props.availabilityZones],
      natGateways: 0,
      // Room for four subnets of equal size; two are used, two are left for growth.
      subnetConfiguration: [{ name: 'service', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: vpcBits + 2 }],
      flowLogs: {
        all: {
          destination: ec2.FlowLogDestination.toCloudWatchLogs(flowLogs),
          trafficType: ec2.FlowLogTrafficType.ALL,
        },
      },
    });
    Validations.of(this.vpc).acknowledge({
      id: 'CloudFormation-Validate::W3010',
      reason:
        'The Availability Zones come from config on purpose: synth needs no account lookup, and consumers must use AZs where the service runs.',
    });
    if (props.sessionManagerEndpoints ?? true) {
      // One security group for the three endpoints: HTTPS from the VPC's own CIDR (the SSM agent).
      const endpointSecurityGroup = new ec2.SecurityGroup(this, 'EndpointSecurityGroup', {
        vpc: this.vpc,
        description: 'Session Manager endpoints: HTTPS from this VPC',
        allowAllOutbound: false,
      });
      endpointSecurityGroup.addIngressRule(ec2.Peer.ipv4(props.cidr), ec2.Port.tcp(443), 'SSM agent on the instances');
      for (const [name, service] of [
        ['Ssm', ec2.InterfaceVpcEndpointAwsService.SSM],
        ['SsmMessages', ec2.InterfaceVpcEndpointAwsService.SSM_MESSAGES],
        ['Ec2Messages', ec2.InterfaceVpcEndpointAwsService.EC2_MESSAGES],
      ] as const) {
        this.vpc.addInterfaceEndpoint(`${name}Endpoint`, {
          service,
          subnets: this.subnets,
          securityGroups: [endpointSecurityGroup],
          open: false,
        });
      }
    }
  }
}
