import * as z from 'zod';
import { accountId, boundedDuration, region } from './common';

// The `privateLinkFailover` section: a provider serving consumers over PrivateLink from a primary
// and a secondary Region, with ARC routing controls deciding which Region the consumers' failover
// names resolve to. See README.md, "PrivateLink failover".

/** Region of the ARC control plane API (and of CloudFormation's Route53RecoveryControl resources). */
export const ARC_CONTROL_PLANE_REGION = 'us-west-2';

const dnsLabel = z.string().regex(/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/, {
  message: 'expected a DNS label: lowercase letters, digits and hyphens, at most 63, not starting or ending with -',
});

const dnsName = z
  .string()
  .max(253)
  .regex(/^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]$/, {
    message:
      'expected a lowercase domain name of at least two labels, without a trailing dot, such as svc.example.internal',
  });

const cidr = z.string().regex(/^((25[0-5]|2[0-4]\d|1?\d?\d)\.){3}(25[0-5]|2[0-4]\d|1?\d?\d)\/(\d|[12]\d|3[0-2])$/, {
  message: 'expected an IPv4 CIDR block such as 10.20.0.0/16',
});

const vpcCidr = cidr.refine((c) => {
  const bits = Number(c.split('/')[1]);
  return bits >= 16 && bits <= 24;
}, 'expected a VPC CIDR block between /16 and /24');

const availabilityZone = z.string().regex(/^[a-z]{2}(-gov)?-[a-z]+-\d[a-z]$/, {
  message: 'expected an Availability Zone name such as us-east-1a',
});

const vpcId = z.string().regex(/^vpc-[0-9a-f]{8,17}$/, { message: 'expected a VPC ID such as vpc-0123456789abcdef0' });
const subnetId = z
  .string()
  .regex(/^subnet-[0-9a-f]{8,17}$/, { message: 'expected a subnet ID such as subnet-0123456789abcdef0' });
const hostedZoneId = z
  .string()
  .regex(/^Z[A-Z0-9]{1,31}$/, { message: 'expected a Route 53 hosted zone ID such as Z0123456789ABCDEFGHIJ' });
const endpointServiceName = z
  .string()
  .regex(/^com\.amazonaws\.vpce\.[a-z]{2}(-gov)?-[a-z]+-\d\.vpce-svc-[0-9a-f]{8,17}$/, {
    message: 'expected a VPC endpoint service name such as com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0',
  });
const clusterArn = z.string().regex(/^arn:aws[a-z-]*:route53-recovery-control::\d{12}:cluster\/[0-9a-f-]{36}$/, {
  message: 'expected an ARC cluster ARN such as arn:aws:route53-recovery-control::111111111111:cluster/<uuid>',
});
const instanceType = z
  .string()
  .regex(/^[a-z][a-z0-9-]*\.[a-z0-9]+$/, { message: 'expected an EC2 instance type such as t4g.micro' });

/** Where the provider runs in one Region. */
const providerRegion = z.strictObject({
  region,
  /** CIDR of the provider VPC created in this Region (isolated subnets only: no internet path). */
  vpcCidr,
  /**
   * The two Availability Zones of the VPC, named explicitly so synth needs no AWS lookup. Consumer
   * endpoints can only use AZs where the service exists: check with `aws ec2 describe-vpc-endpoint-services`.
   */
  availabilityZones: z.array(availabilityZone).length(2),
});

const consumer = z.strictObject({
  /** DNS label of the consumer; its failover name is `<name>.<domain>`. Unique. */
  name: dnsLabel,
  account: accountId,
  /** Region of the consumer VPC. Endpoints to a service in another Region are cross-Region. */
  region,
  /** Private hosted zone the consumer owns, holding `primary.<zoneName>` and `secondary.<zoneName>`. */
  zoneName: dnsName,
  /** The consumer's existing VPC, where the interface endpoints go (two subnets in two AZs). */
  vpc: z.strictObject({
    id: vpcId,
    cidr,
    subnets: z.array(z.strictObject({ id: subnetId, availabilityZone })).length(2),
  }),
  /**
   * Endpoint service names, known after the provider service stacks deploy (their `ServiceName`
   * output). When absent, the consumer stack reads the SSM parameters
   * `/privatelink-failover/<name>/primary-service-name` and `.../secondary-service-name` in its own
   * account and Region at deploy time.
   */
  primaryServiceName: endpointServiceName.optional(),
  secondaryServiceName: endpointServiceName.optional(),
  /**
   * The provider failover zone's ID (output `ZoneId` of the DNS stack). When absent, read at deploy
   * time from the SSM parameter `/privatelink-failover/<name>/provider-zone-id` in the consumer's
   * own account and Region.
   */
  providerZoneId: hostedZoneId.optional(),
});
export type PrivateLinkConsumerConfig = z.infer<typeof consumer>;

export const privateLinkFailoverConfig = z
  .strictObject({
    /** Short name of this deployment: part of resource names and of the SSM parameter paths. */
    name: z
      .string()
      .regex(/^[a-z][a-z0-9-]{0,24}$/, {
        message: 'expected a short lowercase name: letters, digits and hyphens, starting with a letter, at most 25',
      })
      .default('service'),
    /** The provider's failover domain: its private hosted zone holds one failover name per consumer. */
    domain: dnsName,
    /** TTL of the failover CNAME records, whole seconds; it bounds how long a resolver keeps the old answer after a flip. */
    recordTtl: boundedDuration({ min: 'PT5S', max: 'PT5M', unit: 'PT1S' }).default('PT30S'),
    provider: z.strictObject({
      account: accountId,
      primary: providerRegion,
      secondary: providerRegion,
      service: z
        .strictObject({
          /** TCP port of the service, on the load balancer and the instances. */
          port: z.number().int().min(1).max(65535).default(8080),
          /** Instance type; the AMI architecture (ARM64 or x86-64) follows it. */
          instanceType: instanceType.default('t4g.micro'),
          minInstances: z.number().int().min(1).max(20).default(2),
          maxInstances: z.number().int().min(1).max(20).default(4),
        })
        .default({ port: 8080, instanceType: 't4g.micro', minInstances: 2, maxInstances: 4 }),
      /** Whether each consumer endpoint connection must be accepted by the provider. */
      acceptanceRequired: z.boolean().default(false),
      /**
       * Sources allowed through the load balancer's security group (enforced for PrivateLink
       * traffic too).
       * @default - the consumers' VPC CIDRs
       */
      allowedSourceCidrs: z.array(cidr).min(1).optional(),
      /** Interface endpoints for Session Manager (ssm, ssmmessages, ec2messages) so instances need no SSH. */
      sessionManagerEndpoints: z.boolean().default(true),
    }),
    routingControl: z
      .strictObject({
        /** Region of the routing control stack: the ARC control plane Region. */
        region: region.default(ARC_CONTROL_PLANE_REGION),
        /**
         * An existing ARC cluster to create the control panel in (a cluster costs about $1,800 a month, so
         * share one). When absent, the stack creates a cluster.
         */
        existingClusterArn: clusterArn.optional(),
        /** ARC safety rule wait period: after a change, further changes wait this long. */
        waitPeriod: boundedDuration({ min: 'PT0S', max: 'PT5M' }).default('PT5S'),
      })
      .default({ region: ARC_CONTROL_PLANE_REGION, waitPeriod: 'PT5S' }),
    consumers: z.array(consumer).min(1),
  })
  .superRefine((c, ctx) => {
    if (c.provider.primary.region === c.provider.secondary.region) {
      ctx.addIssue({
        code: 'custom',
        path: ['provider', 'secondary', 'region'],
        message: `expected a Region other than the primary's (${c.provider.primary.region})`,
        input: c.provider.secondary.region,
      });
    }
    if (c.routingControl.region !== ARC_CONTROL_PLANE_REGION) {
      ctx.addIssue({
        code: 'custom',
        path: ['routingControl', 'region'],
        message: `expected ${ARC_CONTROL_PLANE_REGION} (the only Region of the ARC control plane and its CloudFormation resources)`,
        input: c.routingControl.region,
      });
    }
    if (c.provider.service.maxInstances < c.provider.service.minInstances) {
      ctx.addIssue({
        code: 'custom',
        path: ['provider', 'service', 'maxInstances'],
        message: `expected at least minInstances (${c.provider.service.minInstances})`,
        input: c.provider.service.maxInstances,
      });
    }
    for (const side of ['primary', 'secondary'] as const) {
      const p = c.provider[side];
      p.availabilityZones.forEach((az, i) => {
        if (!az.startsWith(p.region)) {
          ctx.addIssue({
            code: 'custom',
            path: ['provider', side, 'availabilityZones', i],
            message: `expected an Availability Zone of ${p.region}`,
            input: az,
          });
        }
      });
      if (new Set(p.availabilityZones).size !== p.availabilityZones.length) {
        ctx.addIssue({
          code: 'custom',
          path: ['provider', side, 'availabilityZones'],
          message: 'expected two different Availability Zones',
          input: p.availabilityZones,
        });
      }
    }
    const seen = new Map<string, number>();
    c.consumers.forEach((k, i) => {
      const first = seen.get(k.name);
      if (first !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['consumers', i, 'name'],
          message: `expected a unique consumer name (consumers[${first}] has it too)`,
          input: k.name,
        });
      } else seen.set(k.name, i);
      k.vpc.subnets.forEach((s, j) => {
        if (!s.availabilityZone.startsWith(k.region)) {
          ctx.addIssue({
            code: 'custom',
            path: ['consumers', i, 'vpc', 'subnets', j, 'availabilityZone'],
            message: `expected an Availability Zone of the consumer's Region ${k.region}`,
            input: s.availabilityZone,
          });
        }
      });
      if (new Set(k.vpc.subnets.map((s) => s.availabilityZone)).size !== k.vpc.subnets.length) {
        ctx.addIssue({
          code: 'custom',
          path: ['consumers', i, 'vpc', 'subnets'],
          message: 'expected subnets in two different Availability Zones',
          input: k.vpc.subnets,
        });
      }
      for (const [field, want] of [
        ['primaryServiceName', c.provider.primary.region],
        ['secondaryServiceName', c.provider.secondary.region],
      ] as const) {
        const name = k[field];
        if (name && !name.startsWith(`com.amazonaws.vpce.${want}.`)) {
          ctx.addIssue({
            code: 'custom',
            path: ['consumers', i, field],
            message: `expected a service name of the provider's ${field.replace('ServiceName', '')} Region ${want}`,
            input: name,
          });
        }
      }
    });
  });
export type PrivateLinkFailoverConfig = z.infer<typeof privateLinkFailoverConfig>;
