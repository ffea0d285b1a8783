import { Duration } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { HOLDING_SK_PREFIX } from '../../lambda/license-orchestration/core/keys';
import { METRICS_NAMESPACE, SERVICES } from '../../lambda/license-orchestration/core/metrics';
import { ENV } from '../../lambda/license-orchestration/adapters/settings';
import { DeadLetterQueue, StandardFunction } from '../shared';
import { acknowledge, HANDLER_ENTRY } from './contracts';
import type { LicenseLedger } from './license-ledger';

export interface ChangeDetectionProps {
  /** The ledger; its table's stream must carry new and old images. */
  readonly ledger: LicenseLedger;
  /** The sync's FIFO trigger queue. */
  readonly syncQueue: sqs.IQueue;
}

/**
 * Reads holding changes from the ledger table's stream, raises the desired version of each product
 * whose user list changed, and wakes the sync. Failed records are retried (bisecting the batch,
 * a bounded number of times) and then sent to an alarmed on-failure queue.
 */
export class ChangeDetection extends Construct {
  public readonly function: StandardFunction;
  public readonly failureQueue: DeadLetterQueue;

  constructor(scope: Construct, id: string, props: ChangeDetectionProps) {
    super(scope, id);
    this.failureQueue = new DeadLetterQueue(this, 'StreamFailures', {
      purpose: 'ledger stream batches change detection failed on (desired versions not raised: run a sync by hand)',
    });
    this.function = new StandardFunction(this, 'Detector', {
      entry: HANDLER_ENTRY.changeDetector,
      serviceName: SERVICES.changeDetector,
      metricsNamespace: METRICS_NAMESPACE,
      description: 'Raises per-product desired versions from ledger changes and wakes the sync',
      environment: {
        [ENV.tableName]: props.ledger.table.tableName,
        [ENV.syncQueueUrl]: props.syncQueue.queueUrl,
      },
    });
    props.ledger.grantRaiseDesiredVersions(this.function.role);
    props.syncQueue.grantSendMessages(this.function.role);
    acknowledge(
      this.function.role,
      ['AwsSolutions-IAM5[Resource::*]'],
      'The stream event source needs dynamodb:ListStreams, which supports no resource-level permissions.',
    );
    this.function.addEventSource(
      new DynamoEventSource(props.ledger.table, {
        startingPosition: lambda.StartingPosition.TRIM_HORIZON,
        batchSize: 100,
        maxBatchingWindow: Duration.seconds(0),
        bisectBatchOnError: true,
        retryAttempts: 10,
        maxRecordAge: Duration.hours(24),
        reportBatchItemFailures: true,
        onFailure: new SqsDlq(this.failureQueue.queue),
        // Only holdings can change a user list; instance records and sync state are filtered out.
        filters: [
          lambda.FilterCriteria.filter({
            dynamodb: { Keys: { sk: { S: lambda.FilterRule.beginsWith(HOLDING_SK_PREFIX) } } },
          }),
        ],
      }),
    );
  }
}
