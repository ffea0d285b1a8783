import type { Logger } from '@aws-lambda-powertools/logger';
import type { Log, Mailer, RegistrationApi, StateStore } from '../core/ports';
import { DynamoDbStateStore } from './dynamodb-state-store';
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
