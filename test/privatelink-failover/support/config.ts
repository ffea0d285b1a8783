import { join } from 'node:path';
import { loadConfig } from '../../../config/load';
import { type PrivateLinkFailoverConfig, privateLinkFailoverConfig } from '../../../config/schema';
import { REPO_ROOT } from '../../helpers/app';
import type { Json } from './stacks';

/** The example config's privateLinkFailover section, as the app sees it. */
export function exampleSection(): PrivateLinkFailoverConfig {
  const section = loadConfig(join(REPO_ROOT, 'config/example.yaml')).privateLinkFailover;
  if (!section) throw new Error('config/example.yaml has no privateLinkFailover section');
  return section;
}

/** A raw (unparsed) section for validation tests: one provider, two consumers (one cross-Region). */
export function rawSection(): Record<string, unknown> {
  return {
    name: 'payments',
    domain: 'payments.provider.internal',
    provider: {
      account: '111111111111',
      primary: { region: 'us-east-1', vpcCidr: '10.10.0.0/16', availabilityZones: ['us-east-1a', 'us-east-1b'] },
      secondary: { region: 'us-west-2', vpcCidr: '10.20.0.0/16', availabilityZones: ['us-west-2a', 'us-west-2b'] },
    },
    consumers: [
      {
        name: 'consumer-a',
        account: '444444444444',
        region: 'us-east-1',
        zoneName: 'consumer-a.payments.internal',
        vpc: {
          id: 'vpc-0a1b2c3d4e5f60718',
          cidr: '10.30.0.0/16',
          subnets: [
            { id: 'subnet-0a1b2c3d4e5f60001', availabilityZone: 'us-east-1a' },
            { id: 'subnet-0a1b2c3d4e5f60002', availabilityZone: 'us-east-1b' },
          ],
        },
        primaryServiceName: 'com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0',
        secondaryServiceName: 'com.amazonaws.vpce.us-west-2.vpce-svc-0fedcba9876543210',
        providerZoneId: 'Z0123456789ABCDEFGHIJ',
      },
      {
        name: 'consumer-b',
        account: '555555555555',
        region: 'eu-west-1',
        zoneName: 'consumer-b.payments.internal',
        vpc: {
          id: 'vpc-0b1c2d3e4f5a60718',
          cidr: '10.40.0.0/16',
          subnets: [
            { id: 'subnet-0b1c2d3e4f5a60001', availabilityZone: 'eu-west-1a' },
            { id: 'subnet-0b1c2d3e4f5a60002', availabilityZone: 'eu-west-1b' },
          ],
        },
      },
    ],
  };
}

/** A parsed section (defaults filled) with `change` applied to the raw form first. */
export function section(change: (raw: Record<string, Json>) => void = () => {}): PrivateLinkFailoverConfig {
  const raw = rawSection();
  change(raw);
  return privateLinkFailoverConfig.parse(raw);
}
