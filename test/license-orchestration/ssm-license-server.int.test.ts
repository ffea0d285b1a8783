// The SSM adapter: against moto for the document and the happy path (moto runs nothing and says
// Success at once, and has no ListCommandInvocations, so results are read with
// GetCommandInvocation), and against a local SSM endpoint for failures and timing.
import { GetCommandInvocationCommand, ListCommandsCommand, SSMClient } from '@aws-sdk/client-ssm';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbLedger } from '../../lambda/license-orchestration/adapters/dynamodb-ledger';
import { SsmLicenseServer } from '../../lambda/license-orchestration/adapters/ssm-license-server';
import { applyEvent } from '../../lambda/license-orchestration/core/ledger';
import { runSync } from '../../lambda/license-orchestration/core/sync';
import { decodeUsers, encodeUsers } from '../../lambda/license-orchestration/core/sync-document';
import { startFakeSsm, type FakeSsm } from './support/fake-ssm';
import { createLedgerTable, createSyncDocument, DynamoDBClient } from '../../testing/license-orchestration/local-aws';

const INSTANCE = 'i-0123456789abcdef0';
const PRODUCTS = [
  { name: 'cad-suite', command: 'xlc assign --file "$LICENSE_USERS_FILE"' },
  { name: 'sim-tool', command: 'xlc assign --file "$LICENSE_USERS_FILE"' },
];

describe('SsmLicenseServer against moto', () => {
  const ssm = new SSMClient({});
  beforeAll(async () => {
    await createSyncDocument(ssm, 'license-sync', PRODUCTS, '[a-z]+', { bucket: 'user-lists', region: 'us-east-1' });
  });

  it('sends the document with the three parameters and reads the result', async () => {
    const server = new SsmLicenseServer(ssm, {
      documentName: 'license-sync',
      instanceId: INSTANCE,
      pollIntervalMs: 10,
    });
    const id = await server.send({ product: 'cad-suite', users: encodeUsers(['bob', 'alice']), version: 3 });
    expect(await server.wait(id, Date.now() + 5000)).toMatchObject({ status: 'Success' });
    const { Commands } = await ssm.send(new ListCommandsCommand({ CommandId: id }));
    expect(Commands?.[0]).toMatchObject({
      DocumentName: 'license-sync',
      InstanceIds: [INSTANCE],
      Parameters: { product: ['cad-suite'], users: ['users:alice,bob'], version: ['3'] },
    });
    const invocation = await ssm.send(new GetCommandInvocationCommand({ CommandId: id, InstanceId: INSTANCE }));
    expect(invocation.Status).toBe('Success');
  });

  it('syncs the ledger end to end: DynamoDB state in, Run Command out, applied version recorded', async () => {
    const table = 'sync-ledger';
    await createLedgerTable(new DynamoDBClient({}), table);
    const ledger = new DynamoDbLedger(DynamoDBDocumentClient.from(new DynamoDBClient({})), table);
    for (const [i, user] of ['carol', 'alice'].entries()) {
      await applyEvent(
        ledger,
        {
          version: 1,
          instanceId: `i-0000000${i}`,
          userId: user,
          workbenchType: 'cad',
          state: 'running',
          sourceEventId: `e${i}`,
          sourceEventTime: '2025-03-03T08:00:00Z',
          account: '222222222222',
          region: 'eu-west-1',
        },
        ['cad-suite'],
      );
    }
    await ledger.bumpDesiredVersion('cad-suite', Date.now());
    const server = new SsmLicenseServer(ssm, {
      documentName: 'license-sync',
      instanceId: INSTANCE,
      pollIntervalMs: 10,
    });
    const settings = {
      products: [
        { name: 'cad-suite', seats: 5 },
        { name: 'sim-tool', seats: 5 },
      ],
      userId: /^[a-z]+$/,
      commandTimeoutMs: 5000,
      deadlineMs: Date.now() + 60_000,
      maxCycles: 5,
    };
    const report = await runSync({ store: ledger, server, clock: { now: Date.now } }, settings);
    expect(report.stopped).toBe('quiet');
    const { Commands } = await ssm.send(new ListCommandsCommand({}));
    const sent = (Commands ?? []).filter(
      (c) => c.Parameters?.product?.[0] === 'cad-suite' && c.Parameters?.version?.[0] === '1',
    );
    expect(sent).toHaveLength(1);
    expect(decodeUsers(sent[0].Parameters!.users![0])).toEqual(['alice', 'carol']);
    expect(await ledger.getSyncStates(['cad-suite', 'sim-tool'])).toMatchObject([
      { desiredVersion: 1, appliedVersion: 1, pendingSinceMs: undefined },
      { desiredVersion: 0, appliedVersion: 0 },
    ]);
    // Nothing changed since: the next run sends nothing.
    const before = (await ssm.send(new ListCommandsCommand({}))).Commands?.length;
    expect((await runSync({ store: ledger, server, clock: { now: Date.now } }, settings)).stopped).toBe('quiet');
    expect((await ssm.send(new ListCommandsCommand({}))).Commands?.length).toBe(before);
  });
});

describe('SsmLicenseServer against a local SSM endpoint', () => {
  let fake: FakeSsm;
  let server: SsmLicenseServer;
  beforeAll(async () => {
    fake = await startFakeSsm();
    const client = new SSMClient({ endpoint: fake.endpoint, maxAttempts: 1 });
    server = new SsmLicenseServer(client, { documentName: 'doc', instanceId: INSTANCE, pollIntervalMs: 5 });
  });
  afterAll(async () => fake.close());

  it('waits through "does not exist yet" and in-progress statuses', async () => {
    fake.script.push({ statuses: ['InvocationDoesNotExist', 'Pending', 'InProgress', 'Success'] });
    const id = await server.send({ product: 'cad-suite', users: 'users:a', version: 1 });
    expect(await server.wait(id, Date.now() + 5000)).toMatchObject({ status: 'Success' });
    expect(fake.sent[0]).toMatchObject({ DocumentName: 'doc', InstanceIds: [INSTANCE], TimeoutSeconds: 60 });
  });

  it('reports a failed command with its details and the end of its error output', async () => {
    fake.script.push({
      statuses: ['InProgress', 'Failed'],
      statusDetails: 'Failed',
      standardError: 'xlc: license server unreachable\n',
    });
    const id = await server.send({ product: 'cad-suite', users: 'users:a', version: 2 });
    expect(await server.wait(id, Date.now() + 5000)).toEqual({
      status: 'Failed',
      detail: 'Failed: xlc: license server unreachable',
    });
  });

  it('maps SSM time-outs and cancellations', async () => {
    fake.script.push({ statuses: ['TimedOut'], statusDetails: 'DeliveryTimedOut' }, { statuses: ['Cancelled'] });
    const a = await server.send({ product: 'cad-suite', users: 'users:a', version: 3 });
    const b = await server.send({ product: 'cad-suite', users: 'users:a', version: 4 });
    expect(await server.wait(a, Date.now() + 5000)).toMatchObject({ status: 'TimedOut', detail: 'DeliveryTimedOut' });
    expect(await server.wait(b, Date.now() + 5000)).toMatchObject({ status: 'Cancelled' });
  });

  it('gives up at the deadline while the command still runs', async () => {
    fake.script.push({ statuses: ['InProgress'] });
    const id = await server.send({ product: 'cad-suite', users: 'users:a', version: 5 });
    expect(await server.wait(id, Date.now() + 60)).toMatchObject({ status: 'TimedOut' });
  });

  it('keeps the applied version when the license server fails, and applies on the retry', async () => {
    const ledger = new (await import('../../testing/license-orchestration/memory-ledger')).MemoryLedger();
    ledger.holdings.set('cad-suite\u0000alice', { product: 'cad-suite', userId: 'alice', instances: new Set(['i-1']) });
    ledger.bumpDesiredVersion('cad-suite', 0);
    const settings = {
      products: [{ name: 'cad-suite', seats: 1 }],
      userId: /^[a-z]+$/,
      commandTimeoutMs: 2000,
      deadlineMs: Date.now() + 60_000,
      maxCycles: 3,
    };
    fake.script.length = fake.sent.length;
    fake.script.push({ statuses: ['Failed'] }, { statuses: ['Success'] });
    expect((await runSync({ store: ledger, server, clock: { now: Date.now } }, settings)).stopped).toBe('failure');
    expect(ledger.sync.get('cad-suite')).toMatchObject({ desired: 1, applied: 0 });
    expect((await runSync({ store: ledger, server, clock: { now: Date.now } }, settings)).stopped).toBe('quiet');
    expect(ledger.sync.get('cad-suite')).toMatchObject({ desired: 1, applied: 1 });
  });
});
