import { type RemovalPolicy } from 'aws-cdk-lib';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as arc from 'aws-cdk-lib/aws-route53recoverycontrol';
import { Construct } from 'constructs';
import type { Side } from '../../lambda/privatelink-failover/core/manifest';

export interface RoutingControlsProps {
  /** Prefix of the ARC resource names. */
  readonly name: string;
  /** The provider Region each side's routing control sends traffic to. */
  readonly regions: Readonly<Record<Side, string>>;
  /**
   * An existing cluster to use (clusters are expensive: share one).
   * @default - a new cluster
   */
  readonly existingClusterArn?: string;
  /** Safety rule wait period: after a change, changes to the same controls are refused this long. */
  readonly waitPeriodMs: number;
  /** Applied to a created cluster. */
  readonly clusterRemovalPolicy: RemovalPolicy;
}

/**
 * ARC routing controls for active/passive failover between two Regions: a control panel (in a new
 * or shared cluster), one routing control per Region, two assertion safety rules — at least one On
 * (never fail closed) and at most one On (never serve both) — and a RECOVERY_CONTROL health check
 * per routing control for Route 53 failover records.
 *
 * Because of the two rules, a flip must change both controls in one UpdateRoutingControlStates
 * call: changing them one at a time always violates one rule. New controls start Off.
 */
export class RoutingControls extends Construct {
  public readonly clusterArn: string;
  public readonly cluster?: arc.CfnCluster;
  public readonly controlPanel: arc.CfnControlPanel;
  public readonly routingControls: Readonly<Record<Side, arc.CfnRoutingControl>>;
  public readonly atLeastOneOnRule: arc.CfnSafetyRule;
  public readonly atMostOneOnRule: arc.CfnSafetyRule;
  public readonly healthChecks: Readonly<Record<Side, route53.HealthCheck>>;

  constructor(scope: Construct, id: string, props: RoutingControlsProps) {
    super(scope, id);
    if (props.existingClusterArn) {
      this.clusterArn = props.existingClusterArn;
    } else {
      this.cluster = new arc.CfnCluster(this, 'Cluster', { name: `${props.name}-failover` });
      this.cluster.applyRemovalPolicy(props.clusterRemovalPolicy);
      this.clusterArn = this.cluster.attrClusterArn;
    }
    this.controlPanel = new arc.CfnControlPanel(this, 'ControlPanel', {
      name: `${props.name}-failover`,
      clusterArn: this.clusterArn,
    });
    const control = (side: Side, id: string) =>
      new arc.CfnRoutingControl(this, id, {
        name: `${props.name}-${side}-${props.regions[side]}`,
        clusterArn: this.clusterArn,
        controlPanelArn: this.controlPanel.attrControlPanelArn,
      });
    this.routingControls = {
      primary: control('primary', 'PrimaryControl'),
      secondary: control('secondary', 'SecondaryControl'),
    };
    const asserted = [
      this.routingControls.primary.attrRoutingControlArn,
      this.routingControls.secondary.attrRoutingControlArn,
    ];

    this.atLeastOneOnRule = new arc.CfnSafetyRule(this, 'AtLeastOneOnRule', {
      name: `${props.name}-at-least-one-on`,
      controlPanelArn: this.controlPanel.attrControlPanelArn,
      ruleConfig: { type: 'ATLEAST', threshold: 1, inverted: false },
      assertionRule: { assertedControls: asserted, waitPeriodMs: props.waitPeriodMs },
    });
    // "At most one On" is "not (at least two On)": the inverted form of ATLEAST 2.
    this.atMostOneOnRule = new arc.CfnSafetyRule(this, 'AtMostOneOnRule', {
      name: `${props.name}-at-most-one-on`,
      controlPanelArn: this.controlPanel.attrControlPanelArn,
      ruleConfig: { type: 'ATLEAST', threshold: 2, inverted: true },
      assertionRule: { assertedControls: asserted, waitPeriodMs: props.waitPeriodMs },
    });

    // ARC answers 409 ConflictException to concurrent changes on one control panel
    // (https://docs.aws.amazon.com/recovery-cluster/latest/api/routingcontrol.html), and
    // CloudFormation would create the controls, and then the rules, in parallel: chain all four.
    // Each rule already waits for both controls through their ARNs (a DependsOn there would be
    // redundant, which cfn-lint W3005 refuses), so only the controls and the rules need a link.
    this.routingControls.secondary.addDependency(this.routingControls.primary);
    this.atMostOneOnRule.addDependency(this.atLeastOneOnRule);

    const healthCheck = (side: Side, id: string) =>
      new route53.HealthCheck(this, id, {
        type: route53.HealthCheckType.RECOVERY_CONTROL,
        routingControl: this.routingControls[side].attrRoutingControlArn,
      });
    this.healthChecks = {
      primary: healthCheck('primary', 'PrimaryHealthCheck'),
      secondary: healthCheck('secondary', 'SecondaryHealthCheck'),
    };
  }
}
