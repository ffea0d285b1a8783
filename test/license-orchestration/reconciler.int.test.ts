// Reconciliation against moto: the reader role of each workbench account is assumed through STS
// (moto maps the returned credentials to that account), its instances are listed with EC2, and
// the ledger in DynamoDB is repaired through the normal conditional path.
import { EC2Client, RunInstancesCommand, StopInstancesCommand, TerminateInstancesCommand } from '@aws-sdk/client-ec2';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbLedger } from '../../lambda/license-orchestration/adapters/dynamodb-ledger';
import { WorkbenchLister } from '../../lambda/license-orchestration/adapters/ec2';
import type { WorkbenchStateChangeV1 } from '../../lambda/license-orchestration/core/contract';
import { applyEvent } from '../../lambda/license-orchestration/core/ledger';
import { createReconcilerHandler } from '../../lambda/license-orchestration/handlers/reconciler';
import { createLedgerTable, DynamoDBClient } from '../../testing/license-orchestration/local-aws';
import { testTelemetry, total } from './support/telemetry';

const WORKBENCH_A = '222222222222';
const WORKBENCH_B = '333333333333';
const ROLE = 'license-orchestration-reader';
const CATALOG = { cad: ['cad-suite'] };

/** An EC2 client acting in a workbench account, as the account's own tooling would. */
async function ec2In(account: string, region: string): Promise<EC2Client> {
  const { Credentials } = await new STSClient({}).send(
    new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${account}:role/admin`, RoleSessionName: 'setup' }),
  );
  return new EC2Client({
    region,
    credentials: {
      accessKeyId: Credentials!.AccessKeyId!,
      secretAccessKey: Credentials!.SecretAccessKey!,
      sessionToken: Credentials!.SessionToken,
    },
  });
}

async function launch(ec2: EC2Client, owner: string): Promise<string> {
  const { Instances } = await ec2.send(
    new RunInstancesCommand({
      ImageId: 'ami-12c6146b',
      MinCount: 1,
      MaxCount: 1,
      TagSpecifications: [
        {
          ResourceType: 'instance',
          Tags: [
            { Key: 'vew:workbench:ownerId', Value: owner },
            { Key: 'vew:workbench:type', Value: 'cad' },
          ],
        },
      ],
    }),
  );
  return Instances![0].InstanceId!;
}

describe('reconciliation (moto)', () => {
  let ledger: DynamoDbLedger;
  let a: EC2Client;
  beforeAll(async () => {
    await createLedgerTable(new DynamoDBClient({}), 'reconcile-ledger');
    ledger = new DynamoDbLedger(DynamoDBDocumentClient.from(new DynamoDBClient({})), 'reconcile-ledger');
    a = await ec2In(WORKBENCH_A, 'eu-west-1');
  });

  it('lists each workbench account through its role, keeping accounts apart', async () => {
    const id = await launch(a, 'alice');
    const lister = new WorkbenchLister(new STSClient({}), { roleName: ROLE, partition: 'aws' });
    const [listed, otherAccount] = await lister.observe([
      { account: WORKBENCH_A, region: 'eu-west-1' },
      { account: WORKBENCH_B, region: 'eu-west-1' },
    ]);
    expect(listed).toMatchObject({ account: WORKBENCH_A, region: 'eu-west-1' });
    expect('instances' in listed && listed.instances).toEqual([
      { instanceId: id, state: 'running', tags: { 'vew:workbench:ownerId': 'alice', 'vew:workbench:type': 'cad' } },
    ]);
    // The other account has no instances (moto keeps accounts apart).
    expect('instances' in otherAccount && otherAccount.instances).toEqual([]);
  });

  it('repairs missed starts, missed stops and holding drift, and counts them', async () => {
    const running = (await a.send(new RunInstancesCommand({ ImageId: 'ami-12c6146b', MinCount: 1, MaxCount: 1 })))
      .Instances![0].InstanceId!;
    void running; // an instance without workbench tags: never touched
    const bob = await launch(a, 'bob');
    await a.send(new StopInstancesCommand({ InstanceIds: [bob] }));
    const carol = await launch(a, 'carol');
    await a.send(new TerminateInstancesCommand({ InstanceIds: [carol] }));
    // The ledger saw bob and carol start, but none of what followed; alice's start was lost.
    const started = (instanceId: string, userId: string): WorkbenchStateChangeV1 => ({
      version: 1,
      instanceId,
      userId,
      workbenchType: 'cad',
      state: 'running',
      sourceEventId: `start-${instanceId}`,
      sourceEventTime: '2025-03-03T08:00:00Z',
      account: WORKBENCH_A,
      region: 'eu-west-1',
    });
    await applyEvent(ledger, started(bob, 'bob'), ['cad-suite']);
    await applyEvent(ledger, started(carol, 'carol'), ['cad-suite']);
    // A holding from an instance the ledger never recorded (only a bug or a manual edit does this).
    await ledger.applyHoldingFix({
      product: 'cad-suite',
      userId: 'mallory',
      instanceId: 'i-0badbadbadbadbad0',
      action: 'add',
      expectedRevision: undefined,
    });
    expect(await ledger.listUsers('cad-suite')).toEqual(['bob', 'carol', 'mallory']);

    const t = testTelemetry();
    const lister = new WorkbenchLister(new STSClient({}), { roleName: ROLE, partition: 'aws' });
    const handler = createReconcilerHandler(() => ({
      ledger,
      observe: (scopes) => lister.observe(scopes),
      scopes: [{ account: WORKBENCH_A, region: 'eu-west-1' }],
      settings: {
        ownerTag: 'vew:workbench:ownerId',
        typeTag: 'vew:workbench:type',
        userId: /^[a-z]+$/,
        catalog: CATALOG,
      },
      now: Date.now,
      ...t,
    }));
    const report = await handler({});
    // carol's instance is listed as terminated (moto keeps it listed), which is a missed stop.
    expect(report.repairs).toEqual({ 'missed-start': 1, 'missed-stop': 2, 'holding-drift': 1 });
    expect(await ledger.listUsers('cad-suite')).toEqual(['alice']);
    expect(total(t.emitted, 'Repairs', { kind: 'missed-stop' })).toBe(2);
    expect(total(t.emitted, 'Repairs', { kind: 'holding-drift' })).toBe(1);

    // A second run finds nothing to repair.
    expect((await handler({})).repairs).toEqual({});
  });
});
