import {
  DescribeApplicationCommand,
  KinesisAnalyticsV2Client,
  ResourceInUseException,
  StartApplicationCommand,
} from '@aws-sdk/client-kinesis-analytics-v2';
import type { Logger } from '@aws-lambda-powertools/logger';
import type { FlinkApplications } from '../core/start-application';

/** Managed Flink over the SDK (endpoint from the SDK's standard settings). */
export class KinesisAnalyticsApplications implements FlinkApplications {
  constructor(
    private readonly logger: Logger,
    private readonly client = new KinesisAnalyticsV2Client({}),
  ) {}

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
        this.logger.info('application already starting', { applicationName });
        return;
      }
      throw e;
    }
  }
}
