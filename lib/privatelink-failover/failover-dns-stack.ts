import { CfnOutput, Duration } from 'aws-cdk-lib';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import type { Construct } from 'constructs';
import { parameterNames, type Side } from '../../lambda/privatelink-failover/core/manifest';
import { PlatformStack, type PlatformStackProps } from '../shared';
import { type FailoverConsumer, FailoverZone } from './failover-zone';
import { type ZoneVpc, ZoneVpcSharing } from './zone-vpc-sharing';

export interface FailoverDnsConsumer extends FailoverConsumer {
  /** The consumer's VPC, authorized to associate with the failover zone. */
  readonly vpc: ZoneVpc;
}

export interface FailoverDnsStackProps extends Omit<PlatformStackProps, 'system' | 'role'> {
  /** Name of the failover setup (in parameter names). */
  readonly name: string;
  /** Domain of the failover zone. */
  readonly domain: string;
  /** The provider VPC (in this stack's Region) the zone is created with. */
  readonly providerVpc: ec2.IVpc;
  /** IDs of the routing controls' health checks, by side. */
  readonly healthCheckIds: Readonly<Record<Side, string>>;
  /** The consumers: each gets a failover record in the zone. */
  readonly consumers: readonly FailoverDnsConsumer[];
  /** TTL of the failover records. */
  readonly recordTtl: Duration;
}

/**
 * The provider's failover DNS, in the provider account: the private failover zone with one
 * failover name per consumer, and the authorizations that let each consumer account associate its
 * VPC with the zone (the consumer endpoints stack does the association). Publishes the zone ID
 * (output `ZoneId`, SSM parameter `/privatelink-failover/<name>/provider-zone-id`).
 */
export class FailoverDnsStack extends PlatformStack {
  public readonly failoverZone: FailoverZone;
  public readonly authorizations: ZoneVpcSharing;

  constructor(scope: Construct, props: FailoverDnsStackProps) {
    super(scope, { ...props, system: 'privatelink', role: 'dns' });
    this.failoverZone = new FailoverZone(this, 'FailoverZone', {
      domain: props.domain,
      vpc: props.providerVpc,
      healthCheckIds: props.healthCheckIds,
      consumers: props.consumers,
      ttl: props.recordTtl,
    });
    const zoneId = this.failoverZone.zone.hostedZoneId;
    this.authorizations = new ZoneVpcSharing(this, 'ConsumerAuthorizations', {
      kind: 'authorization',
      hostedZoneId: zoneId,
      vpcs: props.consumers.map((c) => c.vpc),
    });
    new ssm.StringParameter(this, 'ZoneIdParameter', {
      parameterName: parameterNames(props.name).providerZoneId,
      stringValue: zoneId,
      description: `Private hosted zone of ${props.domain} (PrivateLink failover): consumers associate their VPCs with it`,
    });
    new CfnOutput(this, 'ZoneId', {
      value: zoneId,
      description: 'Provider failover zone ID: give it to consumers (config providerZoneId or their SSM parameter)',
    });
    new CfnOutput(this, 'FailoverNames', { value: this.failoverZone.failoverNames.join(',') });
  }
}
