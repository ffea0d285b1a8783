import { Annotations, CfnOutput } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as targets from 'aws-cdk-lib/aws-route53-targets';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import type { Construct } from 'constructs';
import { parameterNames, type Side } from '../../lambda/privatelink-failover/core/manifest';
import { PlatformStack, type PlatformStackProps } from '../shared';
import { ZoneVpcSharing } from './zone-vpc-sharing';

export interface ConsumerService {
  /** Region of the provider's endpoint service. */
  readonly region: string;
  /**
   * The endpoint service name.
   * @default - read at deploy time from this account's SSM parameter `/privatelink-failover/<name>/<side>-service-name`
   */
  readonly serviceName?: string;
}

export interface ConsumerVpc {
  /** VPC ID. */
  readonly id: string;
  /** CIDR block of the VPC. */
  readonly cidr: string;
  /** Two subnets in two Availability Zones, where the endpoint interfaces go. */
  readonly subnets: readonly { readonly id: string; readonly availabilityZone: string }[];
}

export interface ConsumerEndpointsStackProps extends Omit<PlatformStackProps, 'system' | 'role'> {
  /** Name of the failover setup (in parameter names). */
  readonly name: string;
  /** Name of this consumer (in the stack name). */
  readonly consumerName: string;
  /** The consumer's private zone for `primary.` and `secondary.` */
  readonly zoneName: string;
  /** The consumer VPC the endpoints are created in. */
  readonly vpc: ConsumerVpc;
  /** The service port. */
  readonly port: number;
  /** The endpoint service of each side. */
  readonly services: Readonly<Record<Side, ConsumerService>>;
  /**
   * ID of the provider's failover zone to associate the VPC with.
   * @default - read from the SSM parameter the failover DNS stack publishes
   */
  readonly providerZoneId?: string;
  /** `<consumer>.<domain>`: the name clients use (output only). */
  readonly failoverName: string;
}

/**
 * One consumer VPC's side: interface endpoints (two AZs) to the provider's primary and secondary
 * endpoint services (cross-Region where the Regions differ), the consumer's private zone with
 * `primary.` and `secondary.` alias records to them, and the association of the VPC with the
 * provider's failover zone, so that `<consumer>.<domain>` follows the provider's routing controls.
 */
export class ConsumerEndpointsStack extends PlatformStack {
  public readonly endpoints: Readonly<Record<Side, ec2.InterfaceVpcEndpoint>>;
  public readonly zone: route53.PrivateHostedZone;
  public readonly association: ZoneVpcSharing;

  constructor(scope: Construct, props: ConsumerEndpointsStackProps) {
    super(scope, { ...props, system: 'privatelink', role: `consumer-${props.consumerName}` });
    const names = parameterNames(props.name);
    const vpc = ec2.Vpc.fromVpcAttributes(this, 'Vpc', {
      vpcId: props.vpc.id,
      vpcCidrBlock: props.vpc.cidr,
      availabilityZones: props.vpc.subnets.map((s) => s.availabilityZone),
      privateSubnetIds: props.vpc.subnets.map((s) => s.id),
    });
    Annotations.of(vpc).acknowledgeWarning(
      '@aws-cdk/aws-ec2:noSubnetRouteTableId',
      'Endpoints only need the subnet IDs; nothing here reads or changes route tables.',
    );
    const securityGroup = new ec2.SecurityGroup(this, 'EndpointSecurityGroup', {
      vpc,
      description: `PrivateLink endpoints to ${props.name}: service port from this VPC`,
      allowAllOutbound: false,
    });
    securityGroup.addIngressRule(ec2.Peer.ipv4(props.vpc.cidr), ec2.Port.tcp(props.port), 'clients in this VPC');

    const endpoint = (side: Side, id: string) => {
      const service = props.services[side];
      const serviceName =
        service.serviceName ??
        ssm.StringParameter.valueForStringParameter(
          this,
          side === 'primary' ? names.primaryServiceName : names.secondaryServiceName,
        );
      return new ec2.InterfaceVpcEndpoint(this, id, {
        vpc,
        service: new ec2.InterfaceVpcEndpointService(serviceName, props.port),
        subnets: { subnets: vpc.privateSubnets },
        securityGroups: [securityGroup],
        open: false,
        // The provider's names are served by this stack's zone, not by endpoint private DNS.
        privateDnsEnabled: false,
        serviceRegion: service.region === this.region ? undefined : service.region,
      });
    };
    this.endpoints = {
      primary: endpoint('primary', 'PrimaryEndpoint'),
      secondary: endpoint('secondary', 'SecondaryEndpoint'),
    };

    this.zone = new route53.PrivateHostedZone(this, 'Zone', {
      zoneName: props.zoneName,
      vpc,
      comment: `PrivateLink failover: primary. and secondary. names of ${props.name} for this VPC`,
    });
    this.zone.applyRemovalPolicy(this.operations.removalPolicy);
    for (const side of ['primary', 'secondary'] as const) {
      new route53.ARecord(this, side === 'primary' ? 'PrimaryRecord' : 'SecondaryRecord', {
        zone: this.zone,
        recordName: `${side}.${props.zoneName}.`,
        target: route53.RecordTarget.fromAlias(new targets.InterfaceVpcEndpointTarget(this.endpoints[side])),
      });
    }

    this.association = new ZoneVpcSharing(this, 'ProviderZoneAssociation', {
      kind: 'association',
      hostedZoneId: props.providerZoneId ?? ssm.StringParameter.valueForStringParameter(this, names.providerZoneId),
      vpcs: [{ vpcId: props.vpc.id, region: this.region }],
    });

    new CfnOutput(this, 'FailoverName', {
      value: props.failoverName,
      description: 'The name clients in this VPC use; it follows the provider routing controls',
    });
    new CfnOutput(this, 'PrimaryEndpointId', { value: this.endpoints.primary.vpcEndpointId });
    new CfnOutput(this, 'SecondaryEndpointId', { value: this.endpoints.secondary.vpcEndpointId });
  }
}
