// Core of the two custom resources that share the provider's private failover zone with consumer
// VPCs in other accounts. Route 53 needs two steps in two accounts:
//   1. `authorization` (provider account): CreateVPCAssociationAuthorization for the consumer VPC;
//   2. `association` (consumer account): AssociateVPCWithHostedZone.
// Both are idempotent (they look before they act) and reversible: deleting the association
// disassociates the VPC, deleting the authorization revokes it. Pure: Route 53 is behind a port.
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import {
  type CustomResourceResult,
  FAILED_CREATE_PREFIX,
  InvalidPropertiesError,
  requiredString,
} from './custom-resource';

export interface Vpc {
  readonly region: string;
  readonly id: string;
}

/** The Route 53 calls the two resources make (implemented by Route53Rest). */
export interface ZoneAssociationApi {
  createVpcAssociationAuthorization(zoneId: string, vpc: Vpc): Promise<void>;
  deleteVpcAssociationAuthorization(zoneId: string, vpc: Vpc): Promise<void>;
  listVpcAssociationAuthorizations(zoneId: string): Promise<Vpc[]>;
  associateVpcWithHostedZone(zoneId: string, vpc: Vpc, comment?: string): Promise<string>;
  disassociateVpcFromHostedZone(zoneId: string, vpc: Vpc): Promise<string>;
  listHostedZonesByVpc(vpc: Vpc): Promise<{ id: string; name: string }[]>;
}

export type AssociationKind = 'authorization' | 'association';

interface Target {
  readonly kind: AssociationKind;
  readonly zoneId: string;
  readonly vpc: Vpc;
}

const bare = (zoneId: string) => zoneId.replace(/^\/?hostedzone\//, '');

/** Reads `Kind`, `HostedZoneId`, `VpcId` and `VpcRegion`; errors name the property. */
export function readTarget(props: Record<string, unknown>): Target {
  const kind = requiredString(props, 'Kind');
  if (kind !== 'authorization' && kind !== 'association') {
    throw new InvalidPropertiesError(
      `property Kind: expected "authorization" or "association", got ${JSON.stringify(kind)}`,
    );
  }
  const vpcId = requiredString(props, 'VpcId');
  if (!/^vpc-[0-9a-f]{8,17}$/.test(vpcId)) {
    throw new InvalidPropertiesError(
      `property VpcId: expected a VPC ID such as vpc-0123456789abcdef0, got ${JSON.stringify(vpcId)}`,
    );
  }
  return {
    kind,
    zoneId: bare(requiredString(props, 'HostedZoneId')),
    vpc: { id: vpcId, region: requiredString(props, 'VpcRegion') },
  };
}

const physicalId = (t: Target) => `${t.kind}:${t.zoneId}:${t.vpc.region}:${t.vpc.id}`;
const errorName = (e: unknown) => (e as Error)?.name;

async function authorize(api: ZoneAssociationApi, t: Target): Promise<void> {
  const existing = await api.listVpcAssociationAuthorizations(t.zoneId);
  if (existing.some((v) => v.id === t.vpc.id && v.region === t.vpc.region)) return;
  await api.createVpcAssociationAuthorization(t.zoneId, t.vpc);
}

async function revoke(api: ZoneAssociationApi, t: Target): Promise<void> {
  try {
    await api.deleteVpcAssociationAuthorization(t.zoneId, t.vpc);
  } catch (e) {
    // Already gone (or the zone is): the goal of the delete is reached.
    if (!['VPCAssociationAuthorizationNotFound', 'NoSuchHostedZone'].includes(errorName(e))) throw e;
  }
}

async function associate(api: ZoneAssociationApi, t: Target): Promise<void> {
  const zones = await api.listHostedZonesByVpc(t.vpc);
  if (zones.some((z) => bare(z.id) === t.zoneId)) return;
  try {
    await api.associateVpcWithHostedZone(t.zoneId, t.vpc, 'PrivateLink failover: provider failover zone');
  } catch (e) {
    if (errorName(e) === 'NotAuthorizedException') {
      throw new Error(
        `the zone's owner has not authorized ${t.vpc.id} (${t.vpc.region}) for zone ${t.zoneId}: deploy the provider's failover DNS stack with this consumer in its config first (${(e as Error).message})`,
      );
    }
    throw e;
  }
}

async function disassociate(api: ZoneAssociationApi, t: Target): Promise<void> {
  const zones = await api.listHostedZonesByVpc(t.vpc);
  if (!zones.some((z) => bare(z.id) === t.zoneId)) return;
  try {
    await api.disassociateVpcFromHostedZone(t.zoneId, t.vpc);
  } catch (e) {
    if (!['VPCAssociationNotFound', 'NoSuchHostedZone'].includes(errorName(e))) throw e;
  }
}

/** Handles one custom resource event for either kind. */
export async function handleZoneAssociation(
  event: CloudFormationCustomResourceEvent,
  api: ZoneAssociationApi,
): Promise<CustomResourceResult> {
  if (event.RequestType === 'Delete') {
    if (event.PhysicalResourceId.startsWith(FAILED_CREATE_PREFIX))
      return { physicalResourceId: event.PhysicalResourceId };
    const t = readTarget(event.ResourceProperties);
    // Delete what the physical ID names: after a replacing update CloudFormation deletes the old one.
    const [kind, zoneId, region, vpcId] = event.PhysicalResourceId.split(':');
    const target: Target =
      kind === t.kind && zoneId && region && vpcId ? { kind: t.kind, zoneId, vpc: { region, id: vpcId } } : t;
    await (target.kind === 'authorization' ? revoke(api, target) : disassociate(api, target));
    return { physicalResourceId: event.PhysicalResourceId };
  }
  const t = readTarget(event.ResourceProperties);
  await (t.kind === 'authorization' ? authorize(api, t) : associate(api, t));
  // A different zone or VPC is a different physical ID, so CloudFormation deletes the old one.
  return { physicalResourceId: physicalId(t), data: { HostedZoneId: t.zoneId, VpcId: t.vpc.id } };
}
