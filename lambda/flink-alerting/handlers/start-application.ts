import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { createLogger, type Powertools, powertoolsHandler } from '../../shared/powertools';
import { KinesisAnalyticsApplications } from '../adapters/managed-flink';
import { type FlinkApplications, isRunning, parseStartRequest, startIfReady } from '../core/start-application';

// onEvent and isComplete handlers of the "start Flink application" custom resource provider (two
// functions from one bundle).

export interface StartApplicationDeps extends Powertools {
  readonly apps: FlinkApplications;
}

export function createStartApplicationHandlers(buildDeps: () => StartApplicationDeps) {
  return {
    onEvent: powertoolsHandler(
      buildDeps,
      async (event: CloudFormationCustomResourceEvent, { logger, apps }): Promise<{ PhysicalResourceId: string }> => {
        const request = parseStartRequest(event.ResourceProperties as Record<string, unknown>);
        if (event.RequestType === 'Delete') return { PhysicalResourceId: event.PhysicalResourceId };
        const action = await startIfReady(request, apps);
        logger.info('start requested', {
          applicationName: request.applicationName,
          action,
          requestType: event.RequestType,
        });
        return { PhysicalResourceId: request.applicationName };
      },
    ),
    isComplete: powertoolsHandler(
      buildDeps,
      async (
        event: CloudFormationCustomResourceEvent & { PhysicalResourceId?: string },
        { logger, apps },
      ): Promise<{ IsComplete: boolean }> => {
        if (event.RequestType === 'Delete') return { IsComplete: true };
        const request = parseStartRequest(event.ResourceProperties as Record<string, unknown>);
        const running = await isRunning(request, apps);
        logger.info('waiting for RUNNING', { applicationName: request.applicationName, running });
        return { IsComplete: running };
      },
    ),
  };
}

export const { onEvent, isComplete } = createStartApplicationHandlers(() => {
  const logger = createLogger();
  return { logger, apps: new KinesisAnalyticsApplications(logger) };
});
