import { Aws, CustomResource, Duration, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { join } from 'node:path';
import { parameterNames, type Side } from '../../lambda/privatelink-failover/core/manifest';
import { StandardFunction } from '../shared';

export interface PublishedRoutingControl {
  /** ARN of the routing control. */
  readonly arn: string;
  /** Region of the side it controls. */
  readonly region: string;
  /** ID of its RECOVERY_CONTROL health check. */
  readonly healthCheckId: string;
}

export interface ManifestPublisherProps {
  /** The deployment's short name (SSM parameter paths). */
  readonly name: string;
  /** Region of the ARC control plane. */
  readonly controlPlaneRegion: string;
  /** ARN of the ARC cluster. */
  readonly clusterArn: string;
  /** ARN of the control panel of the routing controls. */
  readonly controlPanelArn: string;
  /** The routing control of each side. */
  readonly routingControls: Readonly<Record<Side, PublishedRoutingControl>>;
  /** ARN of the safety rule that keeps at least one side on. */
  readonly atLeastOneOnRuleArn: string;
  /** ARN of the safety rule that keeps at most one side on. */
  readonly atMostOneOnRuleArn: string;
  /** The consumers' failover names. */
  readonly failoverNames: readonly string[];
  /** The safety rules' wait period, recorded for the failover drill. */
  readonly waitPeriodMs: number;
  /** Regions to write the parameters in (so one impaired Region never hides them). */
  readonly parameterRegions: readonly string[];
}

const HANDLER = join(__dirname, '..', '..', 'lambda', 'privatelink-failover', 'handlers', 'publish-manifest.ts');

/**
 * Resolves the ARC cluster's five regional endpoints at deploy time and publishes them, with the
 * routing control ARNs, health check IDs and safety rules, as the failover manifest: SSM
 * parameters `/privatelink-failover/<name>/manifest` and `.../cluster-endpoints` in each of
 * `parameterRegions`, and the `clusterEndpoints` attribute.
 */
export class ManifestPublisher extends Construct {
  public readonly handler: StandardFunction;
  public readonly resource: CustomResource;
  /** JSON list of `{endpoint, region}`. */
  public readonly clusterEndpoints: string;

  constructor(scope: Construct, id: string, props: ManifestPublisherProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const names = parameterNames(props.name);
    this.handler = new StandardFunction(this, 'Handler', {
      entry: HANDLER,
      serviceName: 'privatelink-manifest-publisher',
      description: 'PrivateLink failover: publishes the ARC cluster endpoints and the failover manifest',
      // A new cluster can take minutes to deploy its endpoints.
      timeout: Duration.minutes(12),
      asyncInvocation: { retryAttempts: 0 },
    });
    const policy = new iam.Policy(this, 'Policy', {
      statements: [
        new iam.PolicyStatement({
          actions: ['route53-recovery-control-config:DescribeCluster'],
          resources: [props.clusterArn],
        }),
        new iam.PolicyStatement({
          actions: ['ssm:PutParameter', 'ssm:DeleteParameter'],
          resources: props.parameterRegions.flatMap((region) =>
            [names.manifest, names.clusterEndpoints].map(
              (name) => `arn:${Aws.PARTITION}:ssm:${region}:${stack.account}:parameter${name}`,
            ),
          ),
        }),
      ],
    });
    policy.attachToRole(this.handler.role);

    const { primary, secondary } = props.routingControls;
    this.resource = new CustomResource(this, 'Manifest', {
      serviceToken: this.handler.functionArn,
      resourceType: 'Custom::FailoverManifest',
      serviceTimeout: Duration.minutes(13),
      properties: {
        Name: props.name,
        ControlPlaneRegion: props.controlPlaneRegion,
        ClusterArn: props.clusterArn,
        ControlPanelArn: props.controlPanelArn,
        PrimaryRoutingControlArn: primary.arn,
        PrimaryRegion: primary.region,
        PrimaryHealthCheckId: primary.healthCheckId,
        SecondaryRoutingControlArn: secondary.arn,
        SecondaryRegion: secondary.region,
        SecondaryHealthCheckId: secondary.healthCheckId,
        AtLeastOneOnRuleArn: props.atLeastOneOnRuleArn,
        AtMostOneOnRuleArn: props.atMostOneOnRuleArn,
        FailoverNames: [...props.failoverNames],
        ParameterRegions: [...props.parameterRegions],
        WaitPeriodMs: props.waitPeriodMs,
      },
    });
    this.resource.node.addDependency(policy, this.handler.role);
    this.clusterEndpoints = this.resource.getAttString('ClusterEndpoints');
  }
}
