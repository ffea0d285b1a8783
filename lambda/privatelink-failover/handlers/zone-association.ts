// Custom resource handler for the provider zone's cross-account sharing: `Kind: authorization` in
// the provider account, `Kind: association` in each consumer account (see zone-association-core.ts).
import type { CloudFormationCustomResourceEvent, Context } from 'aws-lambda';
import { createLogger } from '../../shared/powertools';
import { runCustomResource } from '../adapters/custom-resource';
import { Route53Rest } from '../adapters/route53-rest';
import { handleZoneAssociation } from '../core/zone-association';

const logger = createLogger();
const route53 = new Route53Rest();

export async function handler(event: CloudFormationCustomResourceEvent, context: Context): Promise<void> {
  logger.info('zone association event', {
    requestType: event.RequestType,
    logicalId: event.LogicalResourceId,
    kind: event.ResourceProperties.Kind,
  });
  await runCustomResource(event, (e) => handleZoneAssociation(e, route53), {
    deadlineMs: context.getRemainingTimeInMillis() - 10_000,
    log: (message, detail) => logger.error(message, detail),
  });
}
