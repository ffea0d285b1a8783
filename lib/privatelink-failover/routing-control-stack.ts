import { CfnOutput } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { parameterNames, type Side } from '../../lambda/privatelink-failover/core/manifest';
import { PlatformStack, type PlatformStackProps } from '../shared';
import { ManifestPublisher } from './manifest-publisher';
import { RoutingControls } from './routing-controls';

export interface RoutingControlStackProps extends Omit<PlatformStackProps, 'system' | 'role'> {
  /** Name of the failover setup (in resource and parameter names). */
  readonly name: string;
  /** The provider Regions the two routing controls send traffic to. */
  readonly regions: Readonly<Record<Side, string>>;
  /**
   * An existing ARC cluster to create the control panel in.
   * @default - a new cluster
   */
  readonly existingClusterArn?: string;
  /** Wait period of the safety rules, in milliseconds. */
  readonly waitPeriodMs: number;
  /** The consumers' failover names, recorded in the manifest for the failover tool. */
  readonly failoverNames: readonly string[];
}

/**
 * The ARC side of failover, in the ARC control plane Region: cluster (or a shared one), control
 * panel, routing controls, safety rules and RECOVERY_CONTROL health checks, plus the published
 * failover manifest with the cluster's regional endpoints (SSM in this Region and in both provider
 * Regions), so the failover tool never needs the control plane.
 */
export class RoutingControlStack extends PlatformStack {
  public readonly controls: RoutingControls;
  public readonly publisher: ManifestPublisher;

  constructor(scope: Construct, props: RoutingControlStackProps) {
    super(scope, { ...props, system: 'privatelink', role: 'routing' });
    this.controls = new RoutingControls(this, 'RoutingControls', {
      name: props.name,
      regions: props.regions,
      existingClusterArn: props.existingClusterArn,
      waitPeriodMs: props.waitPeriodMs,
      clusterRemovalPolicy: this.operations.removalPolicy,
    });
    const { routingControls, healthChecks } = this.controls;
    const published = (side: Side) => ({
      arn: routingControls[side].attrRoutingControlArn,
      region: props.regions[side],
      healthCheckId: healthChecks[side].healthCheckId,
    });
    this.publisher = new ManifestPublisher(this, 'ManifestPublisher', {
      name: props.name,
      controlPlaneRegion: this.region,
      clusterArn: this.controls.clusterArn,
      controlPanelArn: this.controls.controlPanel.attrControlPanelArn,
      routingControls: { primary: published('primary'), secondary: published('secondary') },
      atLeastOneOnRuleArn: this.controls.atLeastOneOnRule.attrSafetyRuleArn,
      atMostOneOnRuleArn: this.controls.atMostOneOnRule.attrSafetyRuleArn,
      failoverNames: props.failoverNames,
      waitPeriodMs: props.waitPeriodMs,
      parameterRegions: [...new Set([this.region, props.regions.primary, props.regions.secondary])],
    });

    new CfnOutput(this, 'ClusterArn', { value: this.controls.clusterArn });
    new CfnOutput(this, 'ControlPanelArn', { value: this.controls.controlPanel.attrControlPanelArn });
    new CfnOutput(this, 'ClusterEndpoints', {
      value: this.publisher.clusterEndpoints,
      description: 'The cluster regional endpoints (JSON): keep a copy for npm run failover -- --cluster-endpoints',
    });
    new CfnOutput(this, 'ManifestParameter', {
      value: parameterNames(props.name).manifest,
      description: 'SSM parameter (in this and both provider Regions) holding the failover manifest',
    });
  }
}
