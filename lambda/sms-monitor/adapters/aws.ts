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

let cached: AwsAdapters | undefined;

/** The AWS adapters both handlers use, created once per container from the stack's environment. */
export function awsAdapters(log: Log): AwsAdapters {
  if (!cached) {
    const table = process.env.TABLE_NAME;
    if (!table) throw new Error('TABLE_NAME is not set: the monitor stack sets it to the state table');
    cached = {
      api: new SmsVoiceRegistrationApi(),
      store: new DynamoDbStateStore(table),
      mailer: new SesMailer(),
      log,
    };
  }
  return cached;
}
