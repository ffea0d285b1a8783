// The AWS-published sample events of fixtures/aws-events/, each with the page it was taken from.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../helpers/app';

export const AWS_EVENTS_DIR = join(REPO_ROOT, 'fixtures', 'aws-events');

export interface AwsEventFixture<T = Record<string, unknown>> {
  /** The AWS documentation page the event was taken from. */
  readonly source: string;
  readonly note?: string;
  /** Every value the page lists for a field (by its dotted path in the event). */
  readonly documentedValues?: Readonly<Record<string, readonly string[]>>;
  readonly event: T;
}

/** The fixture file's name without `.json`. */
export type AwsEventName =
  | 'cloudformation-custom-resource-create'
  | 'cloudformation-custom-resource-delete'
  | 'cloudformation-custom-resource-update'
  | 'ec2-instance-state-change'
  | 'eventbridge-scheduled-event'
  | 'lambda-dynamodb-stream-event'
  | 'lambda-msk-event'
  | 'lambda-sqs-fifo-event'
  | 'scheduler-lambda-input'
  | 'sms-registration-status-change'
  | 'sms-text-message-delivered';

/** A fresh copy of a fixture (tests may change it). */
export function awsEvent<T = Record<string, unknown>>(name: AwsEventName): AwsEventFixture<T> {
  return JSON.parse(readFileSync(join(AWS_EVENTS_DIR, `${name}.json`), 'utf8')) as AwsEventFixture<T>;
}

/** Every fixture file's name. */
export function awsEventNames(): string[] {
  return readdirSync(AWS_EVENTS_DIR)
    .filter((f) => f.endsWith('.json'))
    .map((f) => f.slice(0, -'.json'.length))
    .sort();
}
