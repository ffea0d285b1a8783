import { Aws, CfnOutput, type CfnResource, RemovalPolicy } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import type { Construct } from 'constructs';
import { parameterNames } from '../../lambda/privatelink-failover/core/manifest';
import { PlatformStack, type PlatformStackProps, skipCheckov } from '../shared';

import { HealthCheckedService } from './health-checked-service';
import { ServiceNetwork } from './service-network';

export interface ProviderServiceStackProps extends Omit<PlatformStackProps, 'system' | 'role'> {
  /** The deployment's short name (config `privateLinkFailover.name`). */
  readonly name: string;
  /** CIDR block of the service VPC. */
  readonly vpcCidr: string;
  /** The two Availability Zones of the service VPC. */
  readonly availabilityZones: readonly string[];
  /** The service port. */
  readonly port: number;
  /** EC2 instance type of the service instances. */
  readonly instanceType: string;
  /** Fewest service instances. */
  readonly minInstances: number;
  /** Most service instances. */
  readonly maxInstances: number;
  /** Accounts allowed to create endpoints to the service. */
  readonly consumerAccounts: readonly string[];
  /** Regions of the consumers; those other than this stack's become the service's supported Regions. */
  readonly consumerRegions: readonly string[];
  /** Whether endpoint connections wait for acceptance. */
  readonly acceptanceRequired: boolean;
  /** Source CIDRs allowed through the load balancer's security group (consumer VPCs). */
  readonly allowedSourceCidrs: readonly string[];
  /** Whether the VPC gets interface endpoints for Session Manager. */
  readonly sessionManagerEndpoints: boolean;
}

/**
 * The provider's service in one Region: VPC, load-balanced instances, and the VPC endpoint service
 * that consumers connect to. Publishes the endpoint service name (output `ServiceName` and SSM
 * parameter `/privatelink-failover/<name>/service-name` in this Region).
 */
export class ProviderServiceStack extends PlatformStack {
  public readonly network: ServiceNetwork;
  public readonly service: HealthCheckedService;
  public readonly endpointService: ec2.VpcEndpointService;
  private readonly configuredAzs: readonly string[];

  constructor(scope: Construct, props: ProviderServiceStackProps) {
    super(scope, { ...props, system: 'privatelink', role: 'service' });
    this.configuredAzs = props.availabilityZones;
    const { removalPolicy } = this.operations;

    this.network = new ServiceNetwork(this, 'Network', {
      cidr: props.vpcCidr,
      availabilityZones: props.availabilityZones,
      sessionManagerEndpoints: props.sessionManagerEndpoints,
    });
    this.service = new HealthCheckedService(this, 'Service', {
      vpc: this.network.vpc,
      subnets: this.network.subnets,
      serviceName: props.name,
      port: props.port,
      instanceType: props.instanceType,
      minInstances: props.minInstances,
      maxInstances: props.maxInstances,
      allowedSourceCidrs: props.allowedSourceCidrs,
      deletionProtection: removalPolicy === RemovalPolicy.RETAIN,
    });

    const supportedRegions = [...new Set(props.consumerRegions)].filter((r) => r !== this.region).sort();
    this.endpointService = new ec2.VpcEndpointService(this, 'EndpointService', {
      vpcEndpointServiceLoadBalancers: [this.service.loadBalancer],
      acceptanceRequired: props.acceptanceRequired,
      allowedPrincipals: [...new Set(props.consumerAccounts)]
        .sort()
        .map((account) => new iam.ArnPrincipal(`arn:${Aws.PARTITION}:iam::${account}:root`)),
      // Cross-Region consumers create their endpoints in their own Region (the home Region is implicit).
      allowedRegions: supportedRegions.length > 0 ? supportedRegions : undefined,
    });

    if (!props.acceptanceRequired) {
      skipCheckov(
        // The L2 names its CfnVPCEndpointService after itself, not "Resource".
        this.endpointService.node.findChild('EndpointService') as CfnResource,
        'CKV_AWS_123',
        'Only the allowed principals (the consumer accounts in config) can connect; set provider.acceptanceRequired to also accept each connection by hand.',
      );
    }
    // A contract with consumers and operators, so the name is fixed.
    new ssm.StringParameter(this, 'ServiceNameParameter', {
      parameterName: parameterNames(props.name).serviceName,
      stringValue: this.endpointService.vpcEndpointServiceName,
      description: `VPC endpoint service name of ${props.name} in ${this.region} (PrivateLink failover)`,
    });
    new CfnOutput(this, 'ServiceName', {
      value: this.endpointService.vpcEndpointServiceName,
      description: 'VPC endpoint service name: give it to consumers (config or their SSM parameter)',
    });
    new CfnOutput(this, 'VpcId', { value: this.network.vpc.vpcId });
  }

  /** The config's Availability Zones: with an explicit env, CDK would otherwise look them up in the account. */
  override get availabilityZones(): string[] {
    return [...this.configuredAzs];
  }
}
