// Workbench account to license server against moto: EC2 tags, the publisher putting the contract
// event on the central bus, EventBridge routing it by the ledger rule's pattern to an SQS target
// (moto never invokes Lambda targets), and the ledger handler applying what arrives.
import { EC2Client, RunInstancesCommand } from '@aws-sdk/client-ec2';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbLedger } from '../../lambda/license-orchestration/adapters/dynamodb-ledger';
import { instanceTags } from '../../lambda/license-orchestration/adapters/ec2';
import {
  busRegion,
  RejectedEventSink,
  WorkbenchEventPublisher,
} from '../../lambda/license-orchestration/adapters/messaging';
import { userIdMatcher } from '../../lambda/license-orchestration/core/contract';
import { createLedgerHandler } from '../../lambda/license-orchestration/handlers/ledger';
import { createPublisherHandler } from '../../lambda/license-orchestration/handlers/publisher';
import { ec2Event } from '../../testing/license-orchestration/events';
import {
  createBusToQueue,
  createLedgerTable,
  createQueue,
  drain,
  DynamoDBClient,
  EventBridgeClient,
  SQSClient,
} from '../../testing/license-orchestration/local-aws';
import { testTelemetry } from './support/telemetry';

const ec2 = new EC2Client({});
const sqs = new SQSClient({});
const events = new EventBridgeClient({});

async function launch(tags: Record<string, string>): Promise<string> {
  const { Instances } = await ec2.send(
    new RunInstancesCommand({
      ImageId: 'ami-12c6146b',
      MinCount: 1,
      MaxCount: 1,
      InstanceType: 't3.micro',
      TagSpecifications: [
        { ResourceType: 'instance', Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })) },
      ],
    }),
  );
  return Instances?.[0]?.InstanceId as string;
}

describe('publisher -> bus -> ledger (moto)', () => {
  let busArn: string;
  let ledgerQueue: string;
  let rejectedQueue: string;
  beforeAll(async () => {
    ({ busArn, queueUrl: ledgerQueue } = await createBusToQueue(events, sqs, 'license-orchestration'));
    rejectedQueue = (await createQueue(sqs, 'rejected')).url;
  });

  function publisher() {
    const bus = new WorkbenchEventPublisher(new EventBridgeClient({ region: busRegion(busArn) }), busArn);
    const sink = new RejectedEventSink(sqs, rejectedQueue);
    return createPublisherHandler(() => ({
      tagsOf: (id) => instanceTags(ec2, id),
      publish: (d) => bus.publish(d),
      reject: (r) => sink.reject(r),
      settings: {
        ownerTag: 'vew:workbench:ownerId',
        typeTag: 'vew:workbench:type',
        userId: userIdMatcher('[a-z][a-z0-9.]{0,31}'),
      },
      ...testTelemetry(),
    }));
  }

  it('reads the tags of a real instance and tells an unknown instance apart', async () => {
    const id = await launch({ 'vew:workbench:ownerId': 'alice', 'vew:workbench:type': 'cad', Name: 'wb' });
    expect(await instanceTags(ec2, id)).toEqual({
      'vew:workbench:ownerId': 'alice',
      'vew:workbench:type': 'cad',
      Name: 'wb',
    });
    expect(await instanceTags(ec2, 'i-0fffffffffffffff0')).toBeUndefined();
  });

  it('puts the contract event on the bus, where the ledger rule routes it', async () => {
    const id = await launch({ 'vew:workbench:ownerId': 'alice', 'vew:workbench:type': 'cad' });
    const account = (await import('@aws-sdk/client-sts')).GetCallerIdentityCommand;
    const { Account } = await new (await import('@aws-sdk/client-sts')).STSClient({}).send(new account({}));
    const event = { ...ec2Event(id, 'running', '2025-03-03T08:00:00Z', 'ec2-event-1'), account: Account as string };
    expect(await publisher()(event)).toBe('published');
    const delivered = await drain(sqs, ledgerQueue);
    expect(delivered).toHaveLength(1);
    const routed = JSON.parse(delivered[0].Body as string);
    // moto's SQS target leaves out the envelope's account, which AWS sets to the sending account.
    expect(routed.account).toBeUndefined();
    const envelope = { ...routed, account: Account };
    expect(envelope).toMatchObject({
      source: 'license-orchestration.workbench',
      'detail-type': 'Workbench State Change',
      detail: {
        version: 1,
        instanceId: id,
        userId: 'alice',
        workbenchType: 'cad',
        state: 'running',
        sourceEventId: 'ec2-event-1',
        sourceEventTime: '2025-03-03T08:00:00Z',
        account: Account,
        region: 'eu-west-1',
      },
    });

    // The ledger handler applies what the bus delivered (twice: at-least-once delivery).
    const table = 'publisher-ledger';
    await createLedgerTable(new DynamoDBClient({}), table);
    const ledger = new DynamoDbLedger(DynamoDBDocumentClient.from(new DynamoDBClient({})), table);
    const ledgerRejected = (await createQueue(sqs, 'ledger-rejected')).url;
    const sink = new RejectedEventSink(sqs, ledgerRejected);
    const handler = createLedgerHandler(() => ({
      store: ledger,
      reject: (r) => sink.reject(r),
      catalog: { cad: ['cad-suite'] },
      userId: userIdMatcher('[a-z][a-z0-9.]{0,31}'),
      ...testTelemetry(),
    }));
    expect(await handler(envelope)).toMatchObject({ kind: 'applied' });
    expect(await handler(envelope)).toEqual({ kind: 'stale', reason: 'duplicate' });
    expect(await ledger.listUsers('cad-suite')).toEqual(['alice']);
    // An unknown type goes to the rejected queue with its reason; nothing is written.
    expect(
      await handler({
        ...envelope,
        detail: { ...envelope.detail, instanceId: 'i-0aaaaaaaaaaaaaaa0', workbenchType: 'gpu' },
      }),
    ).toEqual({
      kind: 'rejected',
      reason: 'unknown-workbench-type',
    });
    const rejected = await drain(sqs, ledgerRejected);
    expect(rejected.map((m) => m.MessageAttributes?.reason?.StringValue)).toEqual(['unknown-workbench-type']);
  });

  it('ignores instances that are not workbenches and dead-letters workbenches with bad tags', async () => {
    const plain = await launch({ Name: 'ci-runner' });
    const untyped = await launch({ 'vew:workbench:ownerId': 'bob' });
    const badUser = await launch({ 'vew:workbench:ownerId': 'Bob Smith', 'vew:workbench:type': 'cad' });
    const handler = publisher();
    expect(await handler(ec2Event(plain, 'running'))).toBe('ignored');
    expect(await handler(ec2Event(untyped, 'running'))).toBe('rejected');
    expect(await handler(ec2Event(badUser, 'stopped'))).toBe('rejected');
    expect(await drain(sqs, ledgerQueue)).toEqual([]);
    const rejected = await drain(sqs, rejectedQueue);
    expect(rejected.map((m) => JSON.parse(m.Body as string).reason)).toEqual(['missing-type-tag', 'invalid-user-id']);
    expect(JSON.parse(rejected[1].Body as string).event.detail['instance-id']).toBe(badUser);
  });

  it('lets an unknown instance fail the invocation so Lambda retries it', async () => {
    await expect(publisher()(ec2Event('i-0eeeeeeeeeeeeeee0', 'running'))).rejects.toThrow(/EC2 does not know/);
  });
});
