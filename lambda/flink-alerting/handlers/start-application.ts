import {
  DescribeApplicationCommand,
  KinesisAnalyticsV2Client,
  ResourceInUseException,
  StartApplicationCommand,
} from '@aws-sdk/client-kinesis-analytics-v2';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { createLogger } from '../../shared/powertools';
import { type FlinkApplications, isRunning, parseStartRequest, startIfReady } from '../core/start-application';

// onEvent and isComplete handlers of the "start Flink application" custom resource provider.

const logger = createLogger();

/** Managed Flink over the SDK (endpoint from the SDK's standard settings). */
export class KinesisAnalyticsApplications implements FlinkApplications {
  constructor(private readonly client = new KinesisAnalyticsV2Client({})) {}

  async status(applicationName: string): Promise<string> {
    const result = await this.client.send(new DescribeApplicationCommand({ ApplicationName: applicationName }));
    const status = result.ApplicationDetail?.ApplicationStatus;
    if (!status) throw new Error(`DescribeApplication returned no status for ${applicationName}`);
    return status;
  }

  async start(applicationName: string, allowNonRestoredState: boolean): Promise<void> {
    try {
      await this.client.send(
        new StartApplicationCommand({
          ApplicationName: applicationName,
          RunConfiguration: {
            ApplicationRestoreConfiguration: { ApplicationRestoreType: 'RESTORE_FROM_LATEST_SNAPSHOT' },
            FlinkRunConfiguration: { AllowNonRestoredState: allowNonRestoredState },
          },
        }),
      );
    } catch (e) {
      // Someone (or a retry) started it between our describe and start: isComplete waits for it.
      if (e instanceof ResourceInUseException) {
        logger.info('application already starting', { applicationName });
        return;
      }
      throw e;
    }
  }
}

let apps: FlinkApplications | undefined;

export async function onEvent(event: CloudFormationCustomResourceEvent): Promise<{ PhysicalResourceId: string }> {
  const request = parseStartRequest(event.ResourceProperties as Record<string, unknown>);
  if (event.RequestType === 'Delete') return { PhysicalResourceId: event.PhysicalResourceId };
  apps ??= new KinesisAnalyticsApplications();
  const action = await startIfReady(request, apps);
  logger.info('start requested', { applicationName: request.applicationName, action, requestType: event.RequestType });
  return { PhysicalResourceId: request.applicationName };
}

export async function isComplete(
  event: CloudFormationCustomResourceEvent & { PhysicalResourceId?: string },
): Promise<{ IsComplete: boolean }> {
  if (event.RequestType === 'Delete') return { IsComplete: true };
  const request = parseStartRequest(event.ResourceProperties as Record<string, unknown>);
  apps ??= new KinesisAnalyticsApplications();
  const running = await isRunning(request, apps);
  logger.info('waiting for RUNNING', { applicationName: request.applicationName, running });
  return { IsComplete: running };
}
