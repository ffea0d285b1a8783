// The local simulator, in process: the deployed handlers (built by their create* factories, so
// the same cores and handler code run) over in-memory adapters. Each EC2 state-change event goes
// through the publisher (tags from the instances file), the bus (a direct call: the publisher
// sends only what the ledger rule matches), the ledger (the memory ledger), the table stream (the
// memory ledger's holding changes as DynamoDB stream records), change detection and the sync
// (woken once per event that changed a user list), whose Run Commands are recorded and succeed
// at once, as moto's do. simulator-moto.ts runs the same over moto's wire protocol.
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import type { LicenseOrchestrationConfig } from '../../config/schema/license-orchestration';
import { durationMs } from '../../config/schema/duration';
import { createLogger, createMetrics } from '../../lambda/shared/powertools';
import {
  userIdMatcher,
  WORKBENCH_DETAIL_TYPE,
  WORKBENCH_EVENT_SOURCE,
  type WorkbenchStateChangeV1,
} from '../../lambda/license-orchestration/core/contract';
import { decodeUsers } from '../../lambda/license-orchestration/core/sync-document';
import { SYNC_MESSAGE_GROUP } from '../../lambda/license-orchestration/core/sync';
import { createChangeDetectorHandler } from '../../lambda/license-orchestration/handlers/change-detector';
import { createLedgerHandler, type LedgerResult } from '../../lambda/license-orchestration/handlers/ledger';
import { createPublisherHandler } from '../../lambda/license-orchestration/handlers/publisher';
import { createSyncHandler } from '../../lambda/license-orchestration/handlers/sync';
import { MemoryLedger, toStreamRecord } from '../../testing/license-orchestration/memory-ledger';

export interface SimulatedInstance {
  readonly instanceId: string;
  readonly tags: Readonly<Record<string, string>>;
}

export interface SimulationInput {
  readonly instances: readonly SimulatedInstance[];
  /** EC2 Instance State-change Notification events, as EventBridge delivers them, in delivery order. */
  readonly events: readonly unknown[];
  readonly config: LicenseOrchestrationConfig;
  /** Where progress goes (never stdout, which carries the result). */
  readonly log?: (line: string) => void;
}

export interface SimulationResult {
  /** Each product's users as last sent to the license server (sorted). */
  readonly lastSent: Record<string, string[]>;
  readonly commands: number;
  readonly rejected: number;
}

/** A Run Command as the sync sent it (the users parameter as sent: `users:` and the list). */
export interface SentCommand {
  readonly product: string;
  readonly users: string;
  readonly version: number;
}

/** What the license server got last, per configured product: the users of the highest version sent. */
export function lastSentOf(
  commands: readonly SentCommand[],
  products: readonly { name: string }[],
): Record<string, string[]> {
  const last = new Map<string, SentCommand>();
  for (const c of commands) if ((last.get(c.product)?.version ?? -1) < c.version) last.set(c.product, c);
  return Object.fromEntries(
    products.map((p) => {
      const users = last.get(p.name)?.users;
      return [p.name, users === undefined ? [] : decodeUsers(users).sort()];
    }),
  );
}

/** Sync-queue messages as the FIFO event source mapping hands them to the sync function. */
export function sqsEvent(
  messages: readonly { MessageId?: string; ReceiptHandle?: string; Body?: string }[],
  arn: string,
): SQSEvent {
  const now = String(Date.now());
  return {
    Records: messages.map((m): SQSRecord => ({
      messageId: m.MessageId ?? '',
      receiptHandle: m.ReceiptHandle ?? '',
      body: m.Body ?? '',
      attributes: {
        ApproximateReceiveCount: '1',
        SentTimestamp: now,
        SenderId: 'simulator',
        ApproximateFirstReceiveTimestamp: now,
        MessageGroupId: SYNC_MESSAGE_GROUP,
      },
      messageAttributes: {},
      md5OfBody: '',
      eventSource: 'aws:sqs',
      eventSourceARN: arn,
      awsRegion: arn.split(':')[3] ?? '',
    })),
  };
}

/** One progress line per event and per ledger outcome (the same in both modes). */
export function describeEvent(n: number, event: unknown, published: string): string {
  const detail = (event as { detail?: Record<string, unknown> } | null)?.detail;
  return `event ${n + 1}: ${String(detail?.['instance-id'])} ${String(detail?.state)} -> ${published}`;
}

export function describeLedgerOutcome(outcome: LedgerResult): string {
  return `  ledger: ${outcome.kind}${'reason' in outcome ? ` (${outcome.reason})` : ''}`;
}

/** Runs a simulation in this process, with nothing but memory behind the handlers. */
export async function simulateInProcess(input: SimulationInput): Promise<SimulationResult> {
  const { config, log } = input;
  const userId = userIdMatcher(config.userIdPattern);
  const tags = new Map(input.instances.map((i) => [i.instanceId, i.tags]));
  const ledger = new MemoryLedger();
  const commands: SentCommand[] = [];
  const onBus: unknown[] = [];
  const triggers: string[] = [];
  let rejected = 0;
  const reject = async () => void rejected++;
  // One logger and metrics emitter for all four handlers, configured by POWERTOOLS_* as in Lambda.
  const telemetry = { logger: createLogger(), metrics: createMetrics() };

  const publisher = createPublisherHandler(() => ({
    tagsOf: async (id) => tags.get(id),
    publish: async (detail: WorkbenchStateChangeV1) => {
      // EventBridge's envelope: the account is the sender's, which for the publisher is the
      // workbench account the EC2 event came from.
      onBus.push({
        version: '0',
        id: `${detail.sourceEventId}-workbench`,
        'detail-type': WORKBENCH_DETAIL_TYPE,
        source: WORKBENCH_EVENT_SOURCE,
        account: detail.account,
        time: new Date().toISOString(),
        region: config.licenseServer.region,
        resources: [`arn:aws:ec2:${detail.region}:${detail.account}:instance/${detail.instanceId}`],
        detail,
      });
    },
    reject,
    settings: { ownerTag: config.tags.ownerId, typeTag: config.tags.type, userId },
    ...telemetry,
  }));
  const ledgerHandler = createLedgerHandler(() => ({
    store: ledger,
    reject,
    catalog: config.workbenchTypes,
    userId,
    ...telemetry,
  }));
  const changeDetector = createChangeDetectorHandler(() => ({
    bump: async (product, nowMs) => ledger.bumpDesiredVersion(product, nowMs),
    trigger: async (reason, products) => void triggers.push(JSON.stringify({ reason, products })),
    now: Date.now,
    ...telemetry,
  }));
  const sync = createSyncHandler(() => ({
    store: ledger,
    server: {
      send: async (request) => {
        commands.push(request);
        return `command-${commands.length}`;
      },
      wait: async () => ({ status: 'Success' }),
    },
    clock: { now: Date.now },
    products: config.products.map((p) => ({ name: p.name, seats: p.seats })),
    userId,
    commandTimeoutMs: durationMs(config.sync.commandTimeout),
    ...telemetry,
  }));

  const { account, region } = config.licenseServer;
  const syncQueueArn = `arn:aws:sqs:${region}:${account}:license-sync.fifo`;
  let streamRead = 0;
  for (const [n, event] of input.events.entries()) {
    const published = await publisher(event);
    log?.(describeEvent(n, event, published));
    for (const envelope of onBus.splice(0)) {
      const outcome = await ledgerHandler(envelope);
      log?.(describeLedgerOutcome(outcome));
    }
    const changes = ledger.stream.slice(streamRead);
    if (changes.length > 0) {
      const records = changes.map((c, i) => toStreamRecord(c, streamRead + i + 1));
      streamRead += changes.length;
      const result = await changeDetector({ Records: records });
      if (result.batchItemFailures.length > 0) throw new Error(`change detection failed: ${JSON.stringify(result)}`);
    }
    if (triggers.length > 0) {
      const messages = triggers.splice(0).map((Body, i) => ({ MessageId: `trigger-${n}-${i}`, Body }));
      await sync(sqsEvent(messages, syncQueueArn));
    }
  }
  return { lastSent: lastSentOf(commands, config.products), commands: commands.length, rejected };
}
