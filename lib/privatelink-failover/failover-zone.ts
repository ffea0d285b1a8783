import { Duration, type RemovalPolicy } from 'aws-cdk-lib';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { Construct } from 'constructs';
import { houseDefaults } from '../shared';
import type { Side } from '../../lambda/privatelink-failover/core/manifest';

export interface FailoverConsumer {
  /** DNS label: the failover name is `<name>.<domain>`. */
  readonly name: string;
  /** The consumer's own zone, which holds `primary.<zoneName>` and `secondary.<zoneName>`. */
  readonly zoneName: string;
}

export interface FailoverZoneProps {
  /** The provider's failover domain. */
  readonly domain: string;
  /** A provider VPC to create the private zone with (Route 53 needs one). */
  readonly vpc: ec2.IVpc;
  /** IDs of the RECOVERY_CONTROL health checks of the two routing controls. */
  readonly healthCheckIds: Readonly<Record<Side, string>>;
  /** The consumers: each gets a failover record pair. */
  readonly consumers: readonly FailoverConsumer[];
  /** TTL of the failover records. */
  readonly ttl: Duration;
  /**
   * What happens to the stateful resources when the stack is deleted.
   * @default - the stack's removal policy (the config's `shared.removalPolicy`)
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * The provider's private failover zone: per consumer, a PRIMARY and a SECONDARY failover CNAME at
 * `<consumer>.<domain>` pointing at the consumer's own `primary.` and `secondary.` names, each tied
 * to the health check of its routing control. Route 53 answers with the secondary only while the
 * primary's control is Off and the secondary's is On; in every other state (both Off, as new
 * controls start, or both On) it answers with the primary.
 */
export class FailoverZone extends Construct {
  public readonly zone: route53.PrivateHostedZone;
  /** Failover names, one per consumer. */
  public readonly failoverNames: string[] = [];

  constructor(scope: Construct, id: string, props: FailoverZoneProps) {
    super(scope, id);
    this.zone = new route53.PrivateHostedZone(this, 'Zone', {
      zoneName: props.domain,
      vpc: props.vpc,
      comment: 'PrivateLink failover: one failover name per consumer, switched by ARC routing controls',
    });
    this.zone.applyRemovalPolicy(props.removalPolicy ?? houseDefaults(this).removalPolicy);
    const healthChecks = {
      primary: route53.HealthCheck.fromHealthCheckId(this, 'PrimaryHealthCheck', props.healthCheckIds.primary),
      secondary: route53.HealthCheck.fromHealthCheckId(this, 'SecondaryHealthCheck', props.healthCheckIds.secondary),
    };
    for (const consumer of props.consumers) {
      const name = `${consumer.name}.${props.domain}`;
      for (const [side, failover] of [
        ['primary', route53.Failover.PRIMARY],
        ['secondary', route53.Failover.SECONDARY],
      ] as const) {
        new route53.CnameRecord(this, `${consumer.name}-${side}`, {
          zone: this.zone,
          recordName: `${name}.`,
          domainName: `${side}.${consumer.zoneName}`,
          ttl: props.ttl,
          setIdentifier: `${consumer.name}-${side}`,
          failover,
          healthCheck: healthChecks[side],
        });
      }
      this.failoverNames.push(name);
    }
  }
}
