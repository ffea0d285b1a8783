// Outbound messages: workbench events to the central bus, rejected input to a dead-letter queue,
// and sync triggers to the single-flight FIFO queue.
import { type EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { randomUUID } from 'node:crypto';
import { SYNC_MESSAGE_GROUP } from '../core/sync';
import {
  WORKBENCH_DETAIL_TYPE,
  WORKBENCH_EVENT_SOURCE,
  type RejectionReason,
  type WorkbenchStateChangeV1,
} from '../core/contract';

/** The Region of an event bus ARN (the client must talk to that Region). */
export function busRegion(busArn: string): string {
  const region = busArn.split(':')[3];
  if (!/^arn:aws[a-z-]*:events:[a-z0-9-]+:\d{12}:event-bus\/[A-Za-z0-9._-]+$/.test(busArn) || !region) {
    throw new Error(`${busArn} is not an event bus ARN`);
  }
  return region;
}

export class WorkbenchEventPublisher {
  constructor(
    private readonly client: EventBridgeClient,
    private readonly busArn: string,
  ) {}

  async publish(detail: WorkbenchStateChangeV1, partition = 'aws'): Promise<void> {
    const result = await this.client.send(
      new PutEventsCommand({
        Entries: [
          {
            EventBusName: this.busArn,
            Source: WORKBENCH_EVENT_SOURCE,
            DetailType: WORKBENCH_DETAIL_TYPE,
            Detail: JSON.stringify(detail),
            Resources: [`arn:${partition}:ec2:${detail.region}:${detail.account}:instance/${detail.instanceId}`],
          },
        ],
      }),
    );
    if ((result.FailedEntryCount ?? 0) > 0) {
      const entry = result.Entries?.[0];
      throw new Error(
        `PutEvents rejected the event: ${entry?.ErrorCode ?? 'unknown'} ${entry?.ErrorMessage ?? ''}`.trim(),
      );
    }
  }
}

/** What a rejected-events queue message holds. */
export interface Rejection {
  readonly reason: RejectionReason;
  readonly message: string;
  readonly event: unknown;
}

export class RejectedEventSink {
  constructor(
    private readonly client: SQSClient,
    private readonly queueUrl: string,
  ) {}

  async reject(rejection: Rejection): Promise<void> {
    await this.client.send(
      new SendMessageCommand({
        QueueUrl: this.queueUrl,
        MessageBody: JSON.stringify(rejection).slice(0, 250_000),
        MessageAttributes: { reason: { DataType: 'String', StringValue: rejection.reason } },
      }),
    );
  }
}

export class SyncTrigger {
  constructor(
    private readonly client: SQSClient,
    private readonly queueUrl: string,
  ) {}

  async trigger(reason: string, products: readonly string[]): Promise<void> {
    await this.client.send(
      new SendMessageCommand({
        QueueUrl: this.queueUrl,
        MessageBody: JSON.stringify({ reason, products }),
        MessageGroupId: SYNC_MESSAGE_GROUP,
        // Every trigger counts: deduplication would drop a trigger sent while a sync runs.
        MessageDeduplicationId: randomUUID(),
      }),
    );
  }
}
