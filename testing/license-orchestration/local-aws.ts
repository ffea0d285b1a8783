// The license server's AWS resources as the stacks define them, created in a local peer (moto):
// the ledger table with its stream, the sync document, the user-list bucket under its KMS key
// (versioned, SSE-KMS by default), the bus with a rule to an SQS queue (moto
// never invokes Lambda targets, so the queue stands in for the ledger function), and queues.
// Used by the integration tests and the simulator. Every client honours AWS_ENDPOINT_URL.
import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  waitUntilTableExists,
} from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type _Record,
} from '@aws-sdk/client-dynamodb-streams';
import {
  CreateEventBusCommand,
  EventBridgeClient,
  PutRuleCommand,
  PutTargetsCommand,
} from '@aws-sdk/client-eventbridge';
import {
  CreateBucketCommand,
  PutBucketEncryptionCommand,
  PutBucketVersioningCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { CreateDocumentCommand, SSMClient } from '@aws-sdk/client-ssm';
import {
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  type Message,
  SQSClient,
} from '@aws-sdk/client-sqs';
import type { DynamoDBRecord } from 'aws-lambda';
import { WORKBENCH_DETAIL_TYPE, WORKBENCH_EVENT_SOURCE } from '../../lambda/license-orchestration/core/contract';
import { HOLDING_SK_PREFIX } from '../../lambda/license-orchestration/core/keys';
import {
  buildSyncDocument,
  type SyncDocumentProduct,
  type UserListLocation,
} from '../../lambda/license-orchestration/core/sync-document';
import { stringKeyedTable } from '../shared/dynamodb-tables';

/** The ledger table exactly as LicenseLedger defines it (keys, billing, stream view). */
export async function createLedgerTable(client: DynamoDBClient, tableName: string): Promise<string> {
  await client.send(
    new CreateTableCommand({
      ...stringKeyedTable(tableName, 'pk', 'sk'),
      StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' },
    }),
  );
  await waitUntilTableExists({ client, maxWaitTime: 30 }, { TableName: tableName });
  const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
  if (!Table?.LatestStreamArn) throw new Error(`table ${tableName} has no stream`);
  return Table.LatestStreamArn;
}

/**
 * Reads a table stream from the start, as a Lambda event source mapping would, applying the same
 * filter as the change detector's mapping (holdings only). Each poll returns the new records.
 */
export class StreamReader {
  private readonly client = new DynamoDBStreamsClient({});
  private iterators = new Map<string, string | undefined>();

  constructor(private readonly streamArn: string) {}

  async poll(): Promise<DynamoDBRecord[]> {
    const { StreamDescription } = await this.client.send(new DescribeStreamCommand({ StreamArn: this.streamArn }));
    const out: DynamoDBRecord[] = [];
    for (const shard of StreamDescription?.Shards ?? []) {
      const id = shard.ShardId as string;
      let iterator = this.iterators.get(id);
      if (!this.iterators.has(id)) {
        const r = await this.client.send(
          new GetShardIteratorCommand({ StreamArn: this.streamArn, ShardId: id, ShardIteratorType: 'TRIM_HORIZON' }),
        );
        iterator = r.ShardIterator;
      }
      if (!iterator) continue;
      const page = await this.client.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 1000 }));
      this.iterators.set(id, page.NextShardIterator ?? iterator);
      for (const r of page.Records ?? []) {
        if (r.dynamodb?.Keys?.sk?.S?.startsWith(HOLDING_SK_PREFIX)) out.push(toLambdaRecord(r, this.streamArn));
      }
    }
    return out;
  }
}

/** GetRecords gives the same shape Lambda delivers, minus the envelope fields. */
function toLambdaRecord(r: _Record, streamArn: string): DynamoDBRecord {
  return {
    eventID: r.eventID,
    eventName: r.eventName as DynamoDBRecord['eventName'],
    eventSource: 'aws:dynamodb',
    eventSourceARN: streamArn,
    dynamodb: r.dynamodb as DynamoDBRecord['dynamodb'],
  };
}

export async function createSyncDocument(
  client: SSMClient,
  name: string,
  products: readonly SyncDocumentProduct[],
  userIdPattern: string,
  userLists: UserListLocation,
): Promise<void> {
  await client.send(
    new CreateDocumentCommand({
      Name: name,
      DocumentType: 'Command',
      DocumentFormat: 'JSON',
      Content: JSON.stringify(buildSyncDocument({ products, userIdPattern, userLists, executionTimeoutSeconds: 120 })),
    }),
  );
}

/**
 * The user-list bucket as UserListBucket defines it: versioned, SSE-KMS by default. moto records
 * the key on each object but neither checks that it exists nor encrypts, so any key ARN will do.
 */
export async function createUserListBucket(bucket: string, keyArn: string): Promise<void> {
  const s3 = new S3Client({});
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  await s3.send(new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: 'Enabled' } }));
  await s3.send(
    new PutBucketEncryptionCommand({
      Bucket: bucket,
      ServerSideEncryptionConfiguration: {
        Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: keyArn } }],
      },
    }),
  );
}

export async function createQueue(
  client: SQSClient,
  name: string,
  fifo = false,
): Promise<{ url: string; arn: string }> {
  const { QueueUrl } = await client.send(
    new CreateQueueCommand({
      QueueName: fifo ? `${name}.fifo` : name,
      Attributes: fifo ? { FifoQueue: 'true', ContentBasedDeduplication: 'true' } : {},
    }),
  );
  const { Attributes } = await client.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }));
  return { url: QueueUrl as string, arn: Attributes?.QueueArn as string };
}

/** Receives (and deletes) every message waiting in a queue. */
export async function drain(client: SQSClient, queueUrl: string): Promise<Message[]> {
  const all: Message[] = [];
  for (;;) {
    const { Messages } = await client.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 0,
        MessageAttributeNames: ['All'],
      }),
    );
    if (!Messages?.length) return all;
    all.push(...Messages);
    await client.send(
      new DeleteMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: Messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle })),
      }),
    );
  }
}

/**
 * The central bus with the ledger's rule, whose target is an SQS queue standing in for the ledger
 * function. Returns the bus ARN and the queue URL.
 */
export async function createBusToQueue(
  events: EventBridgeClient,
  sqs: SQSClient,
  busName: string,
): Promise<{ busArn: string; queueUrl: string }> {
  const { EventBusArn } = await events.send(new CreateEventBusCommand({ Name: busName }));
  const queue = await createQueue(sqs, `${busName}-ledger-target`);
  await events.send(
    new PutRuleCommand({
      Name: 'workbench-events-to-ledger',
      EventBusName: busName,
      EventPattern: JSON.stringify({ source: [WORKBENCH_EVENT_SOURCE], 'detail-type': [WORKBENCH_DETAIL_TYPE] }),
    }),
  );
  await events.send(
    new PutTargetsCommand({
      Rule: 'workbench-events-to-ledger',
      EventBusName: busName,
      Targets: [{ Id: 'ledger', Arn: queue.arn }],
    }),
  );
  return { busArn: EventBusArn as string, queueUrl: queue.url };
}

export { DynamoDBClient, EventBridgeClient, S3Client, SQSClient, SSMClient };
