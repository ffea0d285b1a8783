import { Aws, CustomResource, Duration, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { join } from 'node:path';
import { StandardFunction } from '../shared';

/** A VPC in some Region (and, for an authorization, usually in another account). */
export interface ZoneVpc {
  /** VPC ID. */
  readonly vpcId: string;
  /** Region of the VPC. */
  readonly region: string;
}

export interface ZoneVpcSharingProps {
  /**
   * `authorization`: the zone's owner authorizes the VPCs (provider account).
   * `association`: the VPCs' owner associates them with the zone (consumer account).
   */
  readonly kind: 'authorization' | 'association';
  /** The provider's private hosted zone. */
  readonly hostedZoneId: string;
  /** The VPCs to authorize or associate. */
  readonly vpcs: readonly ZoneVpc[];
}

const HANDLER = join(__dirname, '..', '..', 'lambda', 'privatelink-failover', 'handlers', 'zone-association.ts');

/**
 * One side of sharing a private hosted zone with VPCs of other accounts, as custom resources: the
 * provider's authorization or the consumer's association. Deleting the resource undoes the step.
 */
export class ZoneVpcSharing extends Construct {
  public readonly handler: StandardFunction;
  public readonly resources: CustomResource[] = [];

  constructor(scope: Construct, id: string, props: ZoneVpcSharingProps) {
    super(scope, id);
    this.handler = new StandardFunction(this, 'Handler', {
      entry: HANDLER,
      serviceName: `privatelink-zone-${props.kind}`,
      description: `PrivateLink failover: ${props.kind} of VPCs for the provider failover zone`,
      timeout: Duration.minutes(2),
      // CloudFormation invokes it asynchronously; a crash before answering lands in the failure queue.
      asyncInvocation: { retryAttempts: 0 },
      // The Lambda runtime provides @aws-sdk/*; the SigV4 signer is bundled (see
      // lambda/privatelink-failover/adapters/route53-rest.ts).
      bundling: { externalModules: ['@aws-sdk/*'] },
    });
    const dependencies: Construct[] = [this.handler.role];
    const zoneArn = `arn:${Aws.PARTITION}:route53:::hostedzone/${props.hostedZoneId}`;
    if (props.kind === 'authorization') {
      this.handler.role.addToPrincipalPolicy(
        new iam.PolicyStatement({
          actions: [
            'route53:CreateVPCAssociationAuthorization',
            'route53:DeleteVPCAssociationAuthorization',
            'route53:ListVPCAssociationAuthorizations',
          ],
          resources: [zoneArn],
        }),
      );
    } else {
      // Both actions take only the hosted zone as resource type (Service Authorization Reference);
      // a VPC ARN in Resource authorizes nothing.
      this.handler.role.addToPrincipalPolicy(
        new iam.PolicyStatement({
          actions: ['route53:AssociateVPCWithHostedZone', 'route53:DisassociateVPCFromHostedZone'],
          resources: [zoneArn],
        }),
      );
      // Neither call supports resource-level permissions; Route 53 needs DescribeVpcs to check the VPC.
      const listing = new iam.Policy(this, 'ListingPolicy', {
        statements: [
          new iam.PolicyStatement({ actions: ['route53:ListHostedZonesByVPC', 'ec2:DescribeVpcs'], resources: ['*'] }),
        ],
      });
      listing.attachToRole(this.handler.role);
      dependencies.push(listing);
      Validations.of(listing).acknowledge({
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason:
          'route53:ListHostedZonesByVPC and ec2:DescribeVpcs do not support resource-level permissions; both are read-only.',
      });
    }
    const unique = new Map(props.vpcs.map((v) => [`${v.region}-${v.vpcId}`, v]));
    for (const [key, vpc] of unique) {
      // Keyed by the VPC, not its position: reordering the config must not move an authorization
      // to another resource (the old one's delete would revoke it).
      const resource = new CustomResource(this, key, {
        serviceToken: this.handler.functionArn,
        resourceType: props.kind === 'authorization' ? 'Custom::VpcAssociationAuthorization' : 'Custom::VpcAssociation',
        properties: { Kind: props.kind, HostedZoneId: props.hostedZoneId, VpcId: vpc.vpcId, VpcRegion: vpc.region },
        serviceTimeout: Duration.minutes(5),
      });
      // The role's policies must exist before CloudFormation invokes the handler, and remain until
      // the resource's delete has run.
      resource.node.addDependency(...dependencies);
      // Route 53 refuses concurrent changes to one zone's authorizations (ConcurrentModification,
      // https://docs.aws.amazon.com/Route53/latest/APIReference/API_CreateVPCAssociationAuthorization.html):
      // one at a time.
      const previous = this.resources.at(-1);
      if (previous) resource.node.addDependency(previous);
      this.resources.push(resource);
    }
  }
}
