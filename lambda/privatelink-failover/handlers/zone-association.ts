// Custom resource handler for the provider zone's cross-account sharing: `Kind: authorization` in
// the provider account, `Kind: association` in each consumer account (see core/zone-association.ts).
import type { CloudFormationCustomResourceEvent, Context } from 'aws-lambda';
import { createLogger, type Powertools, powertoolsHandler } from '../../shared/powertools';
import { runCustomResource } from '../adapters/custom-resource';
import { Route53Rest } from '../adapters/route53-rest';
import { handleZoneAssociation, type ZoneAssociationApi } from '../core/zone-association';

export interface ZoneAssociationDeps extends Powertools {
  readonly route53: ZoneAssociationApi;
}

export function createZoneAssociationHandler(buildDeps: () => ZoneAssociationDeps) {
  return powertoolsHandler(
    buildDeps,
    async (event: CloudFormationCustomResourceEvent, { logger, route53 }, context: Context): Promise<void> => {
      logger.info('zone association event', {
        requestType: event.RequestType,
        logicalId: event.LogicalResourceId,
        kind: event.ResourceProperties.Kind,
      });
      await runCustomResource(event, (e) => handleZoneAssociation(e, route53), {
        deadlineMs: context.getRemainingTimeInMillis() - 10_000,
        log: (message, detail) => logger.error(message, detail),
      });
    },
  );
}

export const handler = createZoneAssociationHandler(() => ({ logger: createLogger(), route53: new Route53Rest() }));
