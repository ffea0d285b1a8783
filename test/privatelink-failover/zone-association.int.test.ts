import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { runCustomResource } from '../../lambda/privatelink-failover/adapters/custom-resource';
import { Route53Rest } from '../../lambda/privatelink-failover/adapters/route53-rest';
import { handleZoneAssociation } from '../../lambda/privatelink-failover/core/zone-association';
import { bundleHandler } from '../helpers/bundle';
import { cfnEvent, lambdaContext, ResponseCollector } from './support/cfn';
import { Route53AccountsProxy } from './support/route53-accounts-proxy';

// The two-step cross-account zone sharing against moto's Route 53, through the handlers' real
// Route 53 client. moto 5.2 has no VPC association authorization API and a single account, so a
// thin proxy (support/route53-accounts-proxy.ts) adds accounts (by access key), zone ownership and
// the authorization calls, and enforces them on AssociateVPCWithHostedZone; moto does the rest.
const PROVIDER = { accessKeyId: 'PROVIDERKEY', secretAccessKey: 'x' };
const CONSUMER = { accessKeyId: 'CONSUMERKEY', secretAccessKey: 'x' };
const providerVpc = { region: 'us-east-1', id: 'vpc-0aaaaaaaaaaaaaaa1' };
const consumerVpc = { region: 'eu-west-1', id: 'vpc-0bbbbbbbbbbbbbbb2' };

describe('zone association custom resources (moto Route 53)', () => {
  const proxy = new Route53AccountsProxy(inject('motoEndpoint'), {
    PROVIDERKEY: '111111111111',
    CONSUMERKEY: '555555555555',
  });
  const cfn = new ResponseCollector();
  let provider: Route53Rest;
  let consumer: Route53Rest;
  let zoneId: string;

  beforeAll(async () => {
    await Promise.all([proxy.listen(), cfn.listen()]);
    provider = new Route53Rest({ endpoint: proxy.url, credentials: PROVIDER });
    consumer = new Route53Rest({ endpoint: proxy.url, credentials: CONSUMER });
    zoneId = await provider.createPrivateHostedZone('payments.provider.internal', providerVpc, `zone-${Date.now()}`);
  });

  afterAll(async () => {
    await Promise.all([proxy.close(), cfn.close()]);
  });

  const props = (kind: string, vpc = consumerVpc) => ({
    Kind: kind,
    HostedZoneId: zoneId,
    VpcId: vpc.id,
    VpcRegion: vpc.region,
  });
  const run = (api: Route53Rest, event: Parameters<typeof handleZoneAssociation>[0]) =>
    runCustomResource(event, (e) => handleZoneAssociation(e, api), { send: undefined });

  it('authorizes (provider), associates (consumer), and undoes both on delete', async () => {
    // Step 1, provider account.
    const authorized = await run(provider, cfnEvent('Create', cfn.url, props('authorization')));
    expect(authorized).toMatchObject({
      Status: 'SUCCESS',
      PhysicalResourceId: `authorization:${zoneId}:eu-west-1:vpc-0bbbbbbbbbbbbbbb2`,
    });
    expect(cfn.last).toMatchObject({ Status: 'SUCCESS', contentType: '' });
    expect(await provider.listVpcAssociationAuthorizations(zoneId)).toEqual([consumerVpc]);

    // Step 2, consumer account.
    const associated = await run(consumer, cfnEvent('Create', cfn.url, props('association')));
    expect(associated.Status).toBe('SUCCESS');
    expect(await consumer.listHostedZonesByVpc(consumerVpc)).toEqual([
      { id: zoneId, name: 'payments.provider.internal.' },
    ]);
    expect((await provider.getHostedZone(zoneId)).vpcs).toEqual([providerVpc, consumerVpc]);

    // A repeated create (CloudFormation retries, a re-run) changes nothing.
    expect((await run(consumer, cfnEvent('Create', cfn.url, props('association')))).Status).toBe('SUCCESS');
    expect((await run(provider, cfnEvent('Create', cfn.url, props('authorization')))).Status).toBe('SUCCESS');
    expect((await provider.getHostedZone(zoneId)).vpcs).toEqual([providerVpc, consumerVpc]);

    // Reverse order on delete: consumer stack first, then the provider's.
    const dissociated = await run(
      consumer,
      cfnEvent('Delete', cfn.url, props('association'), { physicalResourceId: associated.PhysicalResourceId }),
    );
    expect(dissociated.Status).toBe('SUCCESS');
    expect((await provider.getHostedZone(zoneId)).vpcs).toEqual([providerVpc]);
    expect(await consumer.listHostedZonesByVpc(consumerVpc)).toEqual([]);
    const revoked = await run(
      provider,
      cfnEvent('Delete', cfn.url, props('authorization'), { physicalResourceId: authorized.PhysicalResourceId }),
    );
    expect(revoked.Status).toBe('SUCCESS');
    expect(await provider.listVpcAssociationAuthorizations(zoneId)).toEqual([]);

    // Deleting again (a retried delete) is fine.
    expect(
      (
        await run(
          consumer,
          cfnEvent('Delete', cfn.url, props('association'), { physicalResourceId: associated.PhysicalResourceId }),
        )
      ).Status,
    ).toBe('SUCCESS');
    expect(
      (
        await run(
          provider,
          cfnEvent('Delete', cfn.url, props('authorization'), { physicalResourceId: authorized.PhysicalResourceId }),
        )
      ).Status,
    ).toBe('SUCCESS');
  });

  it('fails clearly when the consumer associates before the provider authorized', async () => {
    await expect(run(consumer, cfnEvent('Create', cfn.url, props('association')))).rejects.toThrow(
      /has not authorized/,
    );
    expect(cfn.last.Status).toBe('FAILED');
    expect(cfn.last.Reason).toContain(
      `the zone's owner has not authorized vpc-0bbbbbbbbbbbbbbb2 (eu-west-1) for zone ${zoneId}`,
    );
    expect(cfn.last.PhysicalResourceId).toMatch(/^create-failed:/);
    // Its delete then has nothing to undo and touches nothing.
    const calls = proxy.calls.length;
    const deleted = await run(
      consumer,
      cfnEvent('Delete', cfn.url, props('association'), { physicalResourceId: cfn.last.PhysicalResourceId }),
    );
    expect(deleted.Status).toBe('SUCCESS');
    expect(proxy.calls.length).toBe(calls);
  });

  it('answers bad properties with a reason naming the property', async () => {
    await expect(
      run(provider, cfnEvent('Create', cfn.url, { ...props('authorization'), VpcId: 'my-vpc' })),
    ).rejects.toThrow();
    expect(cfn.last).toMatchObject({
      Status: 'FAILED',
      Reason: 'InvalidPropertiesError: property VpcId: expected a VPC ID such as vpc-0123456789abcdef0, got "my-vpc"',
    });
    await expect(
      run(provider, cfnEvent('Create', cfn.url, { ...props('authorization'), Kind: 'share' })),
    ).rejects.toThrow(/Kind/);
  });

  it('moves an authorization to a new VPC: the replacement is created, then the old one revoked', async () => {
    const otherVpc = { region: 'eu-west-1', id: 'vpc-0ccccccccccccccc3' };
    const first = await run(provider, cfnEvent('Create', cfn.url, props('authorization')));
    const updated = await run(
      provider,
      cfnEvent('Update', cfn.url, props('authorization', otherVpc), {
        physicalResourceId: first.PhysicalResourceId,
        oldProperties: props('authorization'),
      }),
    );
    expect(updated.PhysicalResourceId).toBe(`authorization:${zoneId}:eu-west-1:vpc-0ccccccccccccccc3`);
    // CloudFormation then deletes the old physical resource, with the new properties.
    await run(
      provider,
      cfnEvent('Delete', cfn.url, props('authorization', otherVpc), { physicalResourceId: first.PhysicalResourceId }),
    );
    expect(await provider.listVpcAssociationAuthorizations(zoneId)).toEqual([otherVpc]);
    await run(
      provider,
      cfnEvent('Delete', cfn.url, props('authorization', otherVpc), { physicalResourceId: updated.PhysicalResourceId }),
    );
  });

  it('works as the bundled Lambda handler, with the standard endpoint and credential settings', async () => {
    await provider.createVpcAssociationAuthorization(zoneId, consumerVpc);
    Object.assign(process.env, {
      AWS_ENDPOINT_URL_ROUTE_53: proxy.url,
      AWS_ACCESS_KEY_ID: CONSUMER.accessKeyId,
      AWS_SECRET_ACCESS_KEY: CONSUMER.secretAccessKey,
      POWERTOOLS_LOG_LEVEL: 'ERROR',
    });
    delete process.env.AWS_SESSION_TOKEN;
    const bundle = await bundleHandler('lambda/privatelink-failover/handlers/zone-association.ts');
    const { handler } = require(bundle);
    await handler(cfnEvent('Create', cfn.url, props('association')), lambdaContext());
    expect(cfn.last.Status).toBe('SUCCESS');
    expect(proxy.calls.at(-1)).toBe(`555555555555 POST /2013-04-01/hostedzone/${zoneId}/associatevpc`);
    await handler(
      cfnEvent('Delete', cfn.url, props('association'), { physicalResourceId: cfn.last.PhysicalResourceId }),
      lambdaContext(),
    );
    expect(cfn.last.Status).toBe('SUCCESS');
    expect((await provider.getHostedZone(zoneId)).vpcs).toEqual([providerVpc]);
  });
});
