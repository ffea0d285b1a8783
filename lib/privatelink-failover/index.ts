import { Duration } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { durationIn, durationMs, type PrivateLinkFailoverConfig } from '../../config/schema';
import { parameterNames } from '../../lambda/privatelink-failover/core/manifest';
import { type OperationsSettings, requireDeployInput } from '../shared';
import { ConsumerEndpointsStack } from './consumer-endpoints-stack';
import { FailoverDnsStack } from './failover-dns-stack';
import { ProviderServiceStack } from './provider-service-stack';
import { RoutingControlStack } from './routing-control-stack';

export * from './consumer-endpoints-stack';
export * from './failover-dns-stack';
export * from './provider-service-stack';
export * from './routing-control-stack';

/** The stacks of one PrivateLink failover deployment, by deployment wave (see docs/privatelink-failover.md). */
export interface PrivateLinkFailoverStacks {
  /** Wave 1: provider account, one per provider Region. */
  readonly primaryService: ProviderServiceStack;
  /** The provider service stack of the secondary side. */
  readonly secondaryService: ProviderServiceStack;
  /** Wave 2: provider account, ARC control plane Region. */
  readonly routing: RoutingControlStack;
  /** Wave 3: provider account, primary Region. */
  readonly dns: FailoverDnsStack;
  /** Wave 4: each consumer account and Region. */
  readonly consumers: readonly ConsumerEndpointsStack[];
}

/** Creates every stack of the `privateLinkFailover` config section. */
export function addPrivateLinkFailoverStacks(
  scope: Construct,
  config: PrivateLinkFailoverConfig,
  operations: OperationsSettings,
): PrivateLinkFailoverStacks {
  const { provider, consumers } = config;
  const account = provider.account;
  const allowedSourceCidrs = provider.allowedSourceCidrs ?? [...new Set(consumers.map((c) => c.vpc.cidr))];
  const service = (side: 'primary' | 'secondary') =>
    new ProviderServiceStack(scope, {
      env: { account, region: provider[side].region },
      operations,
      description: `PrivateLink failover (${config.name}): ${side} provider service`,
      name: config.name,
      vpcCidr: provider[side].vpcCidr,
      availabilityZones: provider[side].availabilityZones,
      port: provider.service.port,
      instanceType: provider.service.instanceType,
      minInstances: provider.service.minInstances,
      maxInstances: provider.service.maxInstances,
      consumerAccounts: consumers.map((c) => c.account),
      consumerRegions: consumers.map((c) => c.region),
      acceptanceRequired: provider.acceptanceRequired,
      allowedSourceCidrs,
      sessionManagerEndpoints: provider.sessionManagerEndpoints,
    });
  const primaryService = service('primary');
  const secondaryService = service('secondary');
  const regions = { primary: provider.primary.region, secondary: provider.secondary.region };
  const failoverName = (consumer: string) => `${consumer}.${config.domain}`;

  const routing = new RoutingControlStack(scope, {
    env: { account, region: config.routingControl.region },
    operations,
    description: `PrivateLink failover (${config.name}): ARC routing controls and failover manifest`,
    name: config.name,
    regions,
    existingClusterArn: config.routingControl.existingClusterArn,
    waitPeriodMs: durationMs(config.routingControl.waitPeriod),
    failoverNames: consumers.map((c) => failoverName(c.name)),
  });

  // Same account: the health check IDs cross Regions as stack outputs (Fn::GetStackOutput).
  const dns = new FailoverDnsStack(scope, {
    env: { account, region: provider.primary.region },
    operations,
    description: `PrivateLink failover (${config.name}): failover zone and consumer authorizations`,
    name: config.name,
    domain: config.domain,
    providerVpc: primaryService.network.vpc,
    healthCheckIds: {
      primary: routing.controls.healthChecks.primary.healthCheckId,
      secondary: routing.controls.healthChecks.secondary.healthCheckId,
    },
    consumers: consumers.map((c) => ({
      name: c.name,
      zoneName: c.zoneName,
      vpc: { vpcId: c.vpc.id, region: c.region },
    })),
    recordTtl: Duration.seconds(durationIn(config.recordTtl, 'PT1S')),
  });

  // Other accounts: values that exist only after the provider deploys come from config or SSM.
  const consumerStacks = consumers.map(
    (c) =>
      new ConsumerEndpointsStack(scope, {
        env: { account: c.account, region: c.region },
        operations,
        description: `PrivateLink failover (${config.name}): endpoints and names of consumer ${c.name}`,
        name: config.name,
        consumerName: c.name,
        zoneName: c.zoneName,
        vpc: c.vpc,
        port: provider.service.port,
        services: {
          primary: { region: regions.primary, serviceName: c.primaryServiceName },
          secondary: { region: regions.secondary, serviceName: c.secondaryServiceName },
        },
        providerZoneId: c.providerZoneId,
        failoverName: failoverName(c.name),
      }),
  );
  const names = parameterNames(config.name);
  consumers.forEach((c, i) => {
    const stack = consumerStacks[i];
    const services = [
      {
        side: 'primary',
        producer: primaryService,
        configured: c.primaryServiceName,
        parameter: names.primaryServiceName,
      },
      {
        side: 'secondary',
        producer: secondaryService,
        configured: c.secondaryServiceName,
        parameter: names.secondaryServiceName,
      },
    ] as const;
    for (const { side, producer, configured, parameter } of services) {
      requireDeployInput(
        stack,
        configured
          ? { producer, output: 'ServiceName', description: `the ${side} endpoint service (its name is in the config)` }
          : {
              producer,
              ssmParameter: parameter,
              description: `the ${side} endpoint service name: put output ServiceName of ${producer.stackName} here`,
            },
      );
    }
    requireDeployInput(
      stack,
      c.providerZoneId
        ? {
            producer: dns,
            output: 'ZoneId',
            description: 'the failover zone and its authorization of this VPC (its ID is in the config)',
          }
        : {
            producer: dns,
            ssmParameter: names.providerZoneId,
            description: `the failover zone ID: put output ZoneId of ${dns.stackName} here`,
          },
    );
  });
  return { primaryService, secondaryService, routing, dns, consumers: consumerStacks };
}
