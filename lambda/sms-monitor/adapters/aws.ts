import type { Logger } from '@aws-lambda-powertools/logger';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import { createLogger, createMetrics } from '../../shared/powertools';
import type { Log, Mailer, RegistrationApi, StateStore } from '../core/ports';
import { DynamoDbStateStore } from './dynamodb-state-store';
import type { MonitorSettings } from '../core/settings';
import { parseSettings } from './settings';
import { SesMailer } from './ses-mailer';
import { SmsVoiceRegistrationApi } from './sms-voice-api';

export interface AwsAdapters {
  readonly api: RegistrationApi;
  readonly store: StateStore;
  readonly mailer: Mailer;
  readonly log: Log;
}

/** The AWS adapters both handlers use, from the stack's environment, logging through `logger`. */
export function awsAdapters(logger: Logger): AwsAdapters {
  const table = process.env.TABLE_NAME;
  if (!table) throw new Error('TABLE_NAME is not set: the monitor stack sets it to the state table');
  return {
    api: new SmsVoiceRegistrationApi(),
    store: new DynamoDbStateStore(table),
    mailer: new SesMailer(),
    log: {
      info: (message, extra) => logger.info(message, { ...extra }),
      warn: (message, extra) => logger.warn(message, { ...extra }),
    },
  };
}

/** Everything both deployed handlers run on: the AWS adapters, the stack's settings and Powertools. */
export function deployedDeps(): AwsAdapters & { settings: MonitorSettings; logger: Logger; metrics: Metrics } {
  const logger = createLogger();
  return {
    ...awsAdapters(logger),
    settings: parseSettings(process.env.MONITOR_SETTINGS),
    logger,
    metrics: createMetrics(),
  };
}
