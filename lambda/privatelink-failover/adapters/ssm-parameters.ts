import { DeleteParameterCommand, PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import type { ParameterStore } from '../core/publish-manifest';

/** SSM parameters in any Region (one client per Region). */
export function ssmParameterStore(): ParameterStore {
  const clients = new Map<string, SSMClient>();
  const client = (region: string) => {
    let c = clients.get(region);
    if (!c) clients.set(region, (c = new SSMClient({ region })));
    return c;
  };
  return {
    async put(region, name, value, description) {
      await client(region).send(
        new PutParameterCommand({
          Name: name,
          Value: value,
          Description: description,
          Type: 'String',
          Overwrite: true,
          // Standard while it fits in 4 KB; a manifest with many consumers may need more.
          Tier: 'Intelligent-Tiering',
        }),
      );
    },
    async delete(region, name) {
      try {
        await client(region).send(new DeleteParameterCommand({ Name: name }));
      } catch (e) {
        if ((e as Error).name !== 'ParameterNotFound') throw e;
      }
    },
  };
}
