import type {
  CloudFormationCustomResourceEvent,
  DynamoDBRecord,
  DynamoDBStreamEvent,
  MSKEvent,
  SQSEvent,
} from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { handler as kafkaAdminHandler } from '../../lambda/flink-alerting/handlers/kafka-admin';
import { recordsOf } from '../../lambda/flink-alerting/handlers/notifier';
import { isComplete as startApplicationIsComplete } from '../../lambda/flink-alerting/handlers/start-application';
import { EC2_STATES, userIdMatcher } from '../../lambda/license-orchestration/core/contract';
import { createChangeDetectorHandler } from '../../lambda/license-orchestration/handlers/change-detector';
import { createPublisherHandler } from '../../lambda/license-orchestration/handlers/publisher';
import { createSyncHandler } from '../../lambda/license-orchestration/handlers/sync';
import {
  type CustomResourceResponse,
  runCustomResource,
} from '../../lambda/privatelink-failover/adapters/custom-resource';
import { FAILED_CREATE_PREFIX } from '../../lambda/privatelink-failover/core/custom-resource';
import { parseRegistrationEvent } from '../../lambda/sms-monitor/core/alert';
import { reportKeyOf } from '../../lambda/sms-monitor/handlers/report';
import { MemoryLedger } from '../../testing/license-orchestration/memory-ledger';
import { testTelemetry } from '../license-orchestration/support/telemetry';
import { awsEvent, awsEventNames, type AwsEventName } from './aws-events';
import { smsMonitorAlerts } from '../../config/schema/sms-monitor';

// Each handler that consumes an AWS event, run on AWS's published sample of that event
// (fixtures/aws-events/), so its parsing is checked against AWS's shape rather than our own.

describe('fixtures of AWS-published events', () => {
  it('each names the AWS documentation page it was taken from', () => {
    for (const name of awsEventNames()) {
      const fixture = awsEvent(name as AwsEventName);
      expect(fixture.source, name).toMatch(/^https:\/\/docs\.aws\.amazon\.com\/\S+\.html$/);
      expect(typeof fixture.event, name).toBe('object');
    }
  });
});

describe('SMS alert: Registration Status Change', () => {
  const sample = () => awsEvent('sms-registration-status-change').event;

  it('alerts by default only on statuses the event can carry', () => {
    const documented = awsEvent('sms-registration-status-change').documentedValues![
      'detail.registrationDetails.currentStatus'
    ];
    const defaults = smsMonitorAlerts.parse({}).statuses;
    expect(documented).toEqual(expect.arrayContaining([...defaults]));
  });

  it('reads the registration of the published sample', () => {
    expect(parseRegistrationEvent(sample(), ['us-east-1'])).toMatchObject({
      eventId: 'd2e8812b-d34c-90f9-a8a9-3f18e15d1db9',
      region: 'us-east-1',
      time: new Date('2025-09-26T17:42:25Z'),
      registrationId: 'registration-30a16a8b7cec478a8e37febbb9005348',
      reportedStatus: 'SUBMITTED',
    });
  });

  it('reads the registration from detail.registrationDetails when resources is empty', () => {
    const event = { ...sample(), resources: [] };
    expect(parseRegistrationEvent(event, ['us-east-1']).registrationId).toBe(
      'registration-30a16a8b7cec478a8e37febbb9005348',
    );
  });
});

describe('workbench publisher: EC2 Instance State-change Notification', () => {
  it('knows exactly the instance states the event is documented to carry', () => {
    const documented = awsEvent('ec2-instance-state-change').documentedValues!['detail.state'];
    expect([...EC2_STATES].sort()).toEqual([...documented].sort());
  });

  it('publishes the published sample of a tagged workbench as a contract event', async () => {
    const sample = awsEvent('ec2-instance-state-change').event;
    const published: unknown[] = [];
    const handler = createPublisherHandler(() => ({
      tagsOf: async (id) => (id === 'i-1234567890abcdef0' ? { owner: 'alice', type: 'cad' } : undefined),
      publish: async (detail) => void published.push(detail),
      reject: async (r) => {
        throw new Error(`rejected: ${r.message}`);
      },
      settings: { ownerTag: 'owner', typeTag: 'type', userId: userIdMatcher('[a-z]+') },
      ...testTelemetry(),
    }));
    await expect(handler(sample)).resolves.toBe('published');
    expect(published).toEqual([
      expect.objectContaining({
        instanceId: 'i-1234567890abcdef0',
        state: 'pending',
        sourceEventId: '7bf73129-1428-4cd3-a780-95db273d1602',
        sourceEventTime: '2021-11-11T21:29:54Z',
        account: '123456789012',
        region: 'us-east-1',
        userId: 'alice',
      }),
    ]);
  });
});

describe('SMS report: EventBridge Scheduler invocation', () => {
  it('keys the run by the scheduled time Scheduler substitutes into the Input', () => {
    const input = awsEvent('scheduler-lambda-input').event;
    expect(reportKeyOf(input, { awsRequestId: 'req-1' })).toBe('scheduled#2022-03-22T18:59:43.000Z');
  });
});

describe('Flink notifier: Lambda MSK event', () => {
  it('flattens the records of every topic-partition and decodes their base64 values', () => {
    const sample = awsEvent<MSKEvent>('lambda-msk-event').event;
    expect(recordsOf(sample)).toEqual([
      { topic: 'mytopic', partition: 0, offset: 15, value: 'Hello, this is a test.' },
    ]);
  });
});

describe('license change detector: DynamoDB Streams records', () => {
  const holding = (instances: string[] | undefined) =>
    instances === undefined
      ? undefined
      : { pk: { S: 'P#cad-suite' }, sk: { S: 'U#alice' }, instances: { SS: instances } };
  /** The sample's records with our table's keys and images in place of the sample's. */
  function ourRecords(): DynamoDBRecord[] {
    const [insert, modify, remove] = awsEvent<DynamoDBStreamEvent>('lambda-dynamodb-stream-event').event.Records;
    const images = [
      [insert, undefined, ['i-1']],
      [modify, ['i-1'], ['i-1', 'i-2']],
      [remove, ['i-1', 'i-2'], undefined],
    ] as const;
    return images.map(([record, before, after]) => ({
      ...record,
      dynamodb: {
        ...record.dynamodb,
        Keys: { pk: { S: 'P#cad-suite' }, sk: { S: 'U#alice' } },
        OldImage: holding(before ? [...before] : undefined),
        NewImage: holding(after ? [...after] : undefined),
      },
    }));
  }

  function detector() {
    const bumped: string[] = [];
    const triggered: string[][] = [];
    const handler = createChangeDetectorHandler(() => ({
      bump: async (product) => void bumped.push(product),
      trigger: async (_reason, products) => void triggered.push([...products]),
      now: () => 1_000,
      ...testTelemetry(),
    }));
    return { handler, bumped, triggered };
  }

  it("reads the published sample (another table's keys) as unreadable records, without failing the batch", async () => {
    const { handler, bumped } = detector();
    const sample = awsEvent<DynamoDBStreamEvent>('lambda-dynamodb-stream-event').event;
    await expect(handler(sample)).resolves.toEqual({ batchItemFailures: [] });
    expect(bumped).toEqual([]);
  });

  it("detects holdings that start or stop in records of the sample's shape", async () => {
    const { handler, bumped, triggered } = detector();
    await expect(handler({ Records: ourRecords() })).resolves.toEqual({ batchItemFailures: [] });
    expect(bumped).toEqual(['cad-suite']);
    expect(triggered).toEqual([['cad-suite']]);
  });

  it('reports a failed product by the sequence number of its first changing record', async () => {
    const handler = createChangeDetectorHandler(() => ({
      bump: async () => {
        throw new Error('throttled');
      },
      trigger: async () => undefined,
      now: () => 1_000,
      ...testTelemetry(),
    }));
    await expect(handler({ Records: ourRecords() })).resolves.toEqual({
      batchItemFailures: [{ itemIdentifier: '111' }],
    });
  });
});

describe('license sync: SQS FIFO event', () => {
  it('runs a sync on the published FIFO batch (message bodies are only wake-up calls)', async () => {
    const ledger = new MemoryLedger();
    const handler = createSyncHandler(() => ({
      store: ledger,
      server: {
        send: async () => 'cmd',
        wait: async () => ({ status: 'Success' }),
      },
      clock: { now: () => 1_000 },
      products: [{ name: 'cad-suite', seats: 1 }],
      userId: /^[a-z]+$/,
      commandTimeoutMs: 60_000,
      ...testTelemetry(),
    }));
    const report = await handler(awsEvent<SQSEvent>('lambda-sqs-fifo-event').event);
    expect(report.cycles.length).toBeGreaterThan(0);
  });
});

describe('custom resources: CloudFormation requests', () => {
  const request = (name: 'create' | 'update' | 'delete') =>
    awsEvent<CloudFormationCustomResourceEvent>(`cloudformation-custom-resource-${name}`).event;

  async function run(event: CloudFormationCustomResourceEvent, fail = false) {
    const sent: [string, CustomResourceResponse][] = [];
    const send = async (url: string, response: CustomResourceResponse) => void sent.push([url, response]);
    const core = async () => {
      if (fail) throw new Error('boom');
      return { physicalResourceId: 'physical-1', data: { Key: 'value' } };
    };
    await runCustomResource(event, core, { send }).catch(() => undefined);
    return sent;
  }

  it('answers each published request at its ResponseURL, copying the IDs CloudFormation requires', async () => {
    for (const name of ['create', 'update', 'delete'] as const) {
      const event = request(name);
      const [[url, response]] = await run(event);
      expect(url, name).toBe(event.ResponseURL);
      expect(response, name).toMatchObject({
        Status: 'SUCCESS',
        StackId: event.StackId,
        RequestId: event.RequestId,
        LogicalResourceId: event.LogicalResourceId,
        PhysicalResourceId: 'physical-1',
      });
    }
  });

  it("reports a failure with the request's physical ID, or a marker one for a failed Create", async () => {
    const [[, created]] = await run(request('create'), true);
    expect(created).toMatchObject({
      Status: 'FAILED',
      PhysicalResourceId: `${FAILED_CREATE_PREFIX}unique id for this create request`,
    });
    const [[, deleted]] = await run(request('delete'), true);
    expect(deleted).toMatchObject({
      Status: 'FAILED',
      PhysicalResourceId: 'custom resource provider-defined physical id',
    });
  });

  it('the Kafka admin and Flink start providers complete a published Delete without AWS calls', async () => {
    const deletion = request('delete');
    await expect(kafkaAdminHandler(deletion)).resolves.toEqual({
      PhysicalResourceId: 'custom resource provider-defined physical id',
    });
    await expect(startApplicationIsComplete(deletion)).resolves.toEqual({ IsComplete: true });
  });
});
