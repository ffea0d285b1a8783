// The local simulator against moto (`--moto`): the deployed handlers, wired from their environment
// as in Lambda, in file order, with every AWS call going over the wire to a moto server. Each EC2
// state-change event goes through the publisher, the bus (moto routes it by the ledger rule to an
// SQS queue standing in for the ledger function), the ledger, the table stream (read from moto),
// change detection and the sync (woken through the FIFO queue), which sends Run Commands to moto.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { CreateTagsCommand, EC2Client, RunInstancesCommand } from '@aws-sdk/client-ec2';
import { paginateListCommands, SSMClient } from '@aws-sdk/client-ssm';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { ENV } from '../../lambda/license-orchestration/adapters/settings';
import { durationIn } from '../../config/schema/duration';
import {
  createBusToQueue,
  createLedgerTable,
  createQueue,
  createSyncDocument,
  createUserListBucket,
  drain,
  DynamoDBClient,
  EventBridgeClient,
  SQSClient,
  StreamReader,
} from '../../testing/license-orchestration/local-aws';
import { freePort } from '../../testing/shared/free-port';
import {
  describeEvent,
  describeLedgerOutcome,
  lastSentOf,
  type SentCommand,
  type SimulationInput,
  type SimulationResult,
  sqsEvent,
} from './simulator';

/** moto's server, as scripts/python-env.sh installs it. */
export const MOTO_SERVER = join(__dirname, '..', '..', '.venv', 'bin', 'moto_server');
/** What prepares moto. */
export const MOTO_SETUP = 'bash scripts/python-env.sh';

export function motoInstalled(): boolean {
  return existsSync(MOTO_SERVER);
}

/** Starts moto on a free port and points this process's AWS SDK at it. */
export async function startMoto(region: string): Promise<{ url: string; stop: () => void }> {
  if (!motoInstalled()) throw new Error(`${MOTO_SERVER} is missing: run "${MOTO_SETUP}" first`);
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child: ChildProcess = spawn(MOTO_SERVER, ['-H', '127.0.0.1', '-p', String(port)], { stdio: 'ignore' });
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      if ((await fetch(`${url}/moto-api/`)).ok) break;
    } catch {
      // not up yet
    }
    if (child.exitCode !== null || Date.now() > deadline) throw new Error('moto_server did not start');
    await new Promise((r) => setTimeout(r, 200));
  }
  Object.assign(process.env, {
    AWS_ENDPOINT_URL: url,
    AWS_ACCESS_KEY_ID: 'simulator',
    AWS_SECRET_ACCESS_KEY: 'simulator',
    AWS_REGION: region,
    AWS_DEFAULT_REGION: region,
  });
  return { url, stop: () => child.kill('SIGTERM') };
}

/**
 * Runs a simulation against the moto that AWS_ENDPOINT_URL points to (see {@link startMoto}).
 * Handlers are loaded on first use, after the environment below is set.
 */
export async function simulateOnMoto(input: SimulationInput): Promise<SimulationResult> {
  const log = input.log ?? (() => undefined);
  const { config } = input;
  const region = process.env.AWS_REGION ?? config.licenseServer.region;
  const sqs = new SQSClient({});
  const ec2 = new EC2Client({});
  const ssm = new SSMClient({});
  const { Account } = await new STSClient({}).send(new GetCallerIdentityCommand({}));
  const account = Account as string;

  // The license server's resources, as the stacks define them.
  const streamArn = await createLedgerTable(new DynamoDBClient({}), 'license-ledger');
  const userLists = { bucket: 'license-user-lists', region };
  const userListsKeyArn = `arn:aws:kms:${region}:${account}:key/user-lists`;
  await createUserListBucket(userLists.bucket, userListsKeyArn);
  await createSyncDocument(ssm, 'license-sync', config.products, config.userIdPattern, userLists);
  const { busArn, queueUrl: ledgerQueue } = await createBusToQueue(new EventBridgeClient({}), sqs, config.busName);
  const rejected = await createQueue(sqs, 'rejected-events');
  const syncQueue = await createQueue(sqs, 'sync-triggers', true);
  const server = await ec2.send(new RunInstancesCommand({ ImageId: 'ami-12c6146b', MinCount: 1, MaxCount: 1 }));
  const serverId = server.Instances?.[0]?.InstanceId as string;

  // The workbench instances with their tags (moto chooses instance IDs: map the file's to them).
  const ids = new Map<string, string>();
  for (const instance of input.instances) {
    const { Instances } = await ec2.send(
      new RunInstancesCommand({ ImageId: 'ami-12c6146b', MinCount: 1, MaxCount: 1 }),
    );
    const id = Instances?.[0]?.InstanceId as string;
    const tags = Object.entries(instance.tags).map(([Key, Value]) => ({ Key, Value }));
    if (tags.length > 0) await ec2.send(new CreateTagsCommand({ Resources: [id], Tags: tags }));
    ids.set(instance.instanceId, id);
  }

  Object.assign(process.env, {
    [ENV.tableName]: 'license-ledger',
    [ENV.busArn]: busArn,
    [ENV.ownerTag]: config.tags.ownerId,
    [ENV.typeTag]: config.tags.type,
    [ENV.userIdPattern]: config.userIdPattern,
    [ENV.rejectedQueueUrl]: rejected.url,
    [ENV.workbenchTypes]: JSON.stringify(config.workbenchTypes),
    [ENV.products]: JSON.stringify(config.products.map((p) => ({ name: p.name, seats: p.seats }))),
    [ENV.syncQueueUrl]: syncQueue.url,
    [ENV.documentName]: 'license-sync',
    [ENV.licenseServerInstanceId]: serverId,
    [ENV.userListsBucket]: userLists.bucket,
    [ENV.userListsKeyArn]: userListsKeyArn,
    [ENV.commandTimeoutSeconds]: String(durationIn(config.sync.commandTimeout, 'PT1S')),
    [ENV.pollIntervalMs]: '20',
  });
  const { handler: publisher } = await import('../../lambda/license-orchestration/handlers/publisher');
  const { handler: ledger } = await import('../../lambda/license-orchestration/handlers/ledger');
  const { handler: changeDetector } = await import('../../lambda/license-orchestration/handlers/change-detector');
  const { handler: sync } = await import('../../lambda/license-orchestration/handlers/sync');
  const stream = new StreamReader(streamArn);

  const runSyncFromQueue = async () => {
    const triggers = await drain(sqs, syncQueue.url);
    if (triggers.length > 0) await sync(sqsEvent(triggers, syncQueue.arn));
  };

  for (const [n, raw] of input.events.entries()) {
    const event = JSON.parse(JSON.stringify(raw)) as {
      account?: string;
      resources?: string[];
      detail?: Record<string, unknown>;
    };
    const fileId = event.detail?.['instance-id'];
    const mapped = typeof fileId === 'string' ? ids.get(fileId) : undefined;
    if (mapped && event.detail) {
      event.detail['instance-id'] = mapped;
      event.resources = (event.resources ?? []).map((r) => r.replace(fileId as string, mapped));
    }
    // moto holds every instance in one account: the event must come from it.
    event.account = account;
    log(describeEvent(n, raw, await publisher(event)));
    for (const message of await drain(sqs, ledgerQueue)) {
      // moto's SQS target leaves out the envelope's account; AWS sets it to the sender's.
      const envelope = { ...JSON.parse(message.Body as string), account };
      log(describeLedgerOutcome(await ledger(envelope)));
    }
    const records = await stream.poll();
    if (records.length > 0) {
      const result = await changeDetector({ Records: records });
      if (result.batchItemFailures.length > 0) throw new Error(`change detection failed: ${JSON.stringify(result)}`);
    }
    await runSyncFromQueue();
  }

  // What the license server got, as SSM lists it.
  const commands: SentCommand[] = [];
  for await (const page of paginateListCommands({ client: ssm }, {})) {
    for (const c of page.Commands ?? []) {
      const product = c.Parameters?.product?.[0];
      const users = c.Parameters?.users?.[0];
      if (product && users !== undefined)
        commands.push({ product, users, version: Number(c.Parameters?.version?.[0]) });
    }
  }
  const rejectedCount = (await drain(sqs, rejected.url)).length;
  return { lastSent: lastSentOf(commands, config.products), commands: commands.length, rejected: rejectedCount };
}

/** Starts moto, runs the simulation against it, and stops it. */
export async function simulateWithMoto(input: SimulationInput): Promise<SimulationResult> {
  const moto = await startMoto(input.config.licenseServer.region);
  try {
    return await simulateOnMoto(input);
  } finally {
    moto.stop();
  }
}
