import {
  EventBridgeClient,
  PutEventsCommand,
  type PutEventsRequestEntry,
  PutRuleCommand,
  PutTargetsCommand,
} from '@aws-sdk/client-eventbridge';
import { CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { beforeAll, describe, expect, it } from 'vitest';
import { WORKBENCH_EVENT_SOURCE } from '../../lambda/license-orchestration/core/contract';
import { parseEc2Event, toWorkbenchEvent } from '../../lambda/license-orchestration/core/publisher';
import { WorkbenchEventPublisher } from '../../lambda/license-orchestration/adapters/messaging';
import { exampleResources } from '../helpers/example-templates';
import { awsEvent, type AwsEventName } from './aws-events';

// Every EventBridge rule the example config synthesizes, evaluated by EventBridge's pattern
// engine as moto implements it against AWS's published sample events (fixtures/aws-events/).
// moto 5 does not implement TestEventPattern (its handler returns nothing), so each rule is
// installed with an SQS target and the samples are put as events: a rule matched a sample when
// the sample's event ID arrives in the rule's queue. PutEvents stamps id, account and time; the
// Region is the client's, so each sample is put in the Region it is meant to come from.

type RuleResource = ReturnType<typeof exampleResources>[number];

/** What each synthesized rule is meant for, by logical ID without CDK's hash suffix. */
const RULE_FOR: Record<string, { readonly kind: 'pattern' | 'schedule'; readonly fixture: AwsEventName | 'all' }> = {
  AlertsStatusChangeRule: { kind: 'pattern', fixture: 'sms-registration-status-change' },
  ForwardStatusChanges: { kind: 'pattern', fixture: 'sms-registration-status-change' },
  PublisherStateChangeRule: { kind: 'pattern', fixture: 'ec2-instance-state-change' },
  // The publisher's own event, made from the EC2 sample by the publisher's code.
  LedgerWorkbenchEventsRule: { kind: 'pattern', fixture: 'ec2-instance-state-change' },
  // Logs every event on the license bus.
  BusLogEverything: { kind: 'pattern', fixture: 'all' },
  // Schedule rules send EventBridge's "Scheduled Event" to their targets.
  SyncSafetyNet: { kind: 'schedule', fixture: 'eventbridge-scheduled-event' },
  ReconciliationSchedule: { kind: 'schedule', fixture: 'eventbridge-scheduled-event' },
};

const stem = (logicalId: string) => logicalId.replace(/[0-9A-F]{8}$/, '');
const ruleKey = (r: RuleResource) => `${r.stackName}/${stem(r.logicalId)}`;

/** A published event as a PutEvents entry (the fields a sender controls). */
function entryOf(event: Record<string, unknown>): PutEventsRequestEntry {
  return {
    Source: event.source as string,
    DetailType: event['detail-type'] as string,
    Detail: JSON.stringify(event.detail),
    Resources: event.resources as string[],
    Time: new Date(event.time as string),
  };
}

function sms(status: string | undefined, region: string): PutEventsRequestEntry {
  const event = awsEvent('sms-registration-status-change').event as {
    detail: { registrationDetails: { currentStatus?: string } };
  };
  if (status !== undefined) event.detail.registrationDetails.currentStatus = status;
  return { ...entryOf(event), Resources: [`arn:aws:sms-voice:${region}:111122223333:registration/r1`] };
}

interface Case {
  readonly name: string;
  readonly region: string;
  /** Rule stems expected to match, besides BusLogEverything (which matches every event). */
  readonly matches: readonly string[];
  readonly entry?: PutEventsRequestEntry;
}

const ALERT_RULES = ['AlertsStatusChangeRule'];
const CASES: readonly Case[] = [
  { name: 'sms sample (SUBMITTED) us-east-1', region: 'us-east-1', matches: [], entry: sms(undefined, 'us-east-1') },
  { name: 'sms COMPLETE us-west-2', region: 'us-west-2', matches: [], entry: sms('COMPLETE', 'us-west-2') },
  {
    name: 'sms REQUIRES_UPDATES us-east-1',
    region: 'us-east-1',
    matches: ALERT_RULES,
    entry: sms('REQUIRES_UPDATES', 'us-east-1'),
  },
  {
    name: 'sms REQUIRES_AUTHENTICATION us-west-2',
    region: 'us-west-2',
    matches: [...ALERT_RULES, 'ForwardStatusChanges'],
    entry: sms('REQUIRES_AUTHENTICATION', 'us-west-2'),
  },
  {
    name: 'sms CLOSED us-west-2',
    region: 'us-west-2',
    matches: [...ALERT_RULES, 'ForwardStatusChanges'],
    entry: sms('CLOSED', 'us-west-2'),
  },
  { name: 'sms CLOSED eu-west-1 (not monitored)', region: 'eu-west-1', matches: [], entry: sms('CLOSED', 'eu-west-1') },
  {
    name: 'sms text message delivered us-east-1',
    region: 'us-east-1',
    matches: [],
    entry: entryOf(awsEvent('sms-text-message-delivered').event),
  },
  {
    name: 'ec2 state change us-east-1',
    region: 'us-east-1',
    matches: ['PublisherStateChangeRule'],
    entry: entryOf(awsEvent('ec2-instance-state-change').event),
  },
  {
    name: 'ec2 state change eu-west-1',
    region: 'eu-west-1',
    matches: ['PublisherStateChangeRule'],
    entry: entryOf(awsEvent('ec2-instance-state-change').event),
  },
  {
    name: 'scheduled event us-east-1',
    region: 'us-east-1',
    matches: [],
    entry: entryOf(awsEvent('eventbridge-scheduled-event').event),
  },
  // Put by the publisher's adapter (no entry here).
  { name: 'workbench state change eu-west-1', region: 'eu-west-1', matches: ['LedgerWorkbenchEventsRule'] },
];
const REGIONS = [...new Set(CASES.map((c) => c.region))];

const rules = exampleResources('AWS::Events::Rule');
const patternRules = rules.filter((r) => r.properties.EventPattern !== undefined);

describe('fixture assignment', () => {
  it('assigns every synthesized rule a published sample', () => {
    const unassigned = rules.filter((r) => RULE_FOR[stem(r.logicalId)] === undefined).map(ruleKey);
    expect(unassigned, 'rules without a fixture: add them to RULE_FOR').toEqual([]);
    for (const r of rules) {
      const { kind } = RULE_FOR[stem(r.logicalId)];
      expect(r.properties[kind === 'pattern' ? 'EventPattern' : 'ScheduleExpression'], ruleKey(r)).toBeDefined();
    }
    // Every pattern rule is expected to match at least one case.
    for (const r of patternRules) {
      const s = stem(r.logicalId);
      expect(
        s === 'BusLogEverything' || CASES.some((c) => c.matches.includes(s)),
        `${ruleKey(r)} matches no case`,
      ).toBe(true);
    }
  });
});

describe('synthesized event patterns on the published samples (moto EventBridge)', () => {
  /** rule key -> Region -> queue URL */
  const queues = new Map<string, Map<string, string>>();
  /** event ID -> case name */
  const caseOfId = new Map<string, string>();

  beforeAll(async () => {
    for (const region of REGIONS) {
      const sqs = new SQSClient({ region });
      const events = new EventBridgeClient({ region });
      for (const [i, r] of patternRules.entries()) {
        const name = `rule-${i}`;
        const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: name }));
        const { Attributes } = await sqs.send(
          new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }),
        );
        await events.send(new PutRuleCommand({ Name: name, EventPattern: JSON.stringify(r.properties.EventPattern) }));
        await events.send(new PutTargetsCommand({ Rule: name, Targets: [{ Id: 'q', Arn: Attributes!.QueueArn }] }));
        if (!queues.has(ruleKey(r))) queues.set(ruleKey(r), new Map());
        queues.get(ruleKey(r))!.set(region, QueueUrl!);
      }
    }
    for (const c of CASES) {
      const events = new EventBridgeClient({ region: c.region });
      if (c.entry) {
        const result = await events.send(new PutEventsCommand({ Entries: [c.entry] }));
        expect(result.FailedEntryCount ?? 0, c.name).toBe(0);
        caseOfId.set(result.Entries![0].EventId!, c.name);
      } else {
        const change = parseEc2Event(awsEvent('ec2-instance-state-change').event);
        if (!change.ok) throw new Error(change.message);
        const out = toWorkbenchEvent(
          { ...change.value, region: c.region },
          { Owner: 'user1', WorkbenchType: 'cad' },
          { ownerTag: 'Owner', typeTag: 'WorkbenchType', userId: /^[a-z0-9]+$/ },
        );
        if (out.kind !== 'publish') throw new Error(`the publisher did not publish: ${out.kind}`);
        const bus = `arn:aws:events:${c.region}:123456789012:event-bus/default`;
        await new WorkbenchEventPublisher(events, bus).publish(out.detail);
      }
    }
  });

  async function matchedCases(rule: RuleResource): Promise<string[]> {
    const found: string[] = [];
    for (const [region, queueUrl] of queues.get(ruleKey(rule))!) {
      const sqs = new SQSClient({ region });
      for (;;) {
        const { Messages } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10 }));
        if (!Messages?.length) break;
        for (const m of Messages) {
          const event = JSON.parse(m.Body!) as { id: string; source: string };
          found.push(
            caseOfId.get(event.id) ??
              (event.source === WORKBENCH_EVENT_SOURCE ? 'workbench state change eu-west-1' : event.id),
          );
        }
      }
    }
    return found.sort();
  }

  it('matches each rule on the samples it is meant for, and on no other', async () => {
    const actual: Record<string, string[]> = {};
    const expected: Record<string, string[]> = {};
    for (const r of patternRules) {
      const s = stem(r.logicalId);
      actual[ruleKey(r)] = await matchedCases(r);
      expected[ruleKey(r)] = CASES.filter((c) => s === 'BusLogEverything' || c.matches.includes(s))
        .map((c) => c.name)
        .sort();
    }
    expect(actual).toEqual(expected);
  });
});

describe('event source mapping filters on the published DynamoDB Streams records (moto EventBridge)', () => {
  // The filter follows the shape of Lambda's DynamoDB filtering examples
  // (https://docs.aws.amazon.com/lambda/latest/dg/with-ddb-filtering.html); Lambda's own matcher
  // cannot run here, so moto's EventBridge engine stands in for it: each filter is installed as a
  // rule on the record put as an event's detail.
  const mappings = exampleResources('AWS::Lambda::EventSourceMapping').filter((m) => m.properties.FilterCriteria);

  it('passes holdings of the ledger table to change detection, and nothing else', async () => {
    expect(mappings.map((m) => stem(m.logicalId))).toEqual([
      expect.stringMatching(/^ChangeDetectionDetectorFunctionDynamoDBEventSource/),
    ]);
    const [insert] = awsEvent<{ Records: Record<string, { Keys: unknown }>[] }>('lambda-dynamodb-stream-event').event
      .Records;
    const withKeys = (keys: Record<string, { S: string }> | undefined) =>
      keys ? { ...insert, dynamodb: { ...insert.dynamodb, Keys: keys } } : insert;
    const records: Record<string, unknown> = {
      'published sample (key Id)': withKeys(undefined),
      holding: withKeys({ pk: { S: 'P#cad-suite' }, sk: { S: 'U#alice' } }),
      instance: withKeys({ pk: { S: 'I#i-0123456789abcdef0' }, sk: { S: 'INSTANCE' } }),
      'sync state': withKeys({ pk: { S: 'P#cad-suite' }, sk: { S: 'SYNC' } }),
    };

    const region = 'us-east-1';
    const sqs = new SQSClient({ region });
    const events = new EventBridgeClient({ region });
    const filters = (mappings[0].properties.FilterCriteria as { Filters: { Pattern: string }[] }).Filters;
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'stream-filter' }));
    const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }));
    for (const [i, f] of filters.entries()) {
      const pattern = { source: ['test.stream-record'], detail: JSON.parse(f.Pattern) as unknown };
      await events.send(new PutRuleCommand({ Name: `stream-filter-${i}`, EventPattern: JSON.stringify(pattern) }));
      await events.send(
        new PutTargetsCommand({ Rule: `stream-filter-${i}`, Targets: [{ Id: 'q', Arn: Attributes!.QueueArn }] }),
      );
    }
    const nameOfId = new Map<string, string>();
    for (const [name, record] of Object.entries(records)) {
      const result = await events.send(
        new PutEventsCommand({
          Entries: [{ Source: 'test.stream-record', DetailType: 'record', Detail: JSON.stringify(record) }],
        }),
      );
      nameOfId.set(result.Entries![0].EventId!, name);
    }
    const passed: string[] = [];
    for (;;) {
      const { Messages } = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10 }));
      if (!Messages?.length) break;
      for (const m of Messages) passed.push(nameOfId.get((JSON.parse(m.Body!) as { id: string }).id)!);
    }
    expect(passed).toEqual(['holding']);
  });
});

describe('EventBridge Scheduler schedules', () => {
  it("pass the scheduled time as the report function's event, as the published context attribute", () => {
    const schedules = exampleResources('AWS::Scheduler::Schedule');
    expect(schedules.map((s) => stem(s.logicalId))).toEqual(['ReportSchedule']);
    const input = (schedules[0].properties.Target as { Input: string }).Input;
    // Scheduler replaces the keyword with the time, e.g. the page's 2022-03-22T18:59:43Z.
    const { event } = awsEvent('scheduler-lambda-input');
    expect(JSON.parse(input.replace('<aws.scheduler.scheduled-time>', event.scheduledTime as string))).toEqual(event);
  });
});
