// Lists too long for one SSM parameter, end to end: the sync writes them to the user-list bucket
// in moto through the real S3 adapter, sends the command to a local SSM endpoint, which runs the
// generated document's script with /bin/sh as the agent would (SSM_* variables), and the script
// fetches the object with the real AWS CLI (pointed at moto by AWS_ENDPOINT_URL), checks its
// sha256 and runs the product command.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectVersionsCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { SSMClient } from '@aws-sdk/client-ssm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { S3UserLists } from '../../lambda/license-orchestration/adapters/s3-user-lists';
import { SsmLicenseServer } from '../../lambda/license-orchestration/adapters/ssm-license-server';
import { runSync, type SyncSettings } from '../../lambda/license-orchestration/core/sync';
import { buildSyncDocument } from '../../lambda/license-orchestration/core/sync-document';
import { type FakeSsm, type ScriptedInvocation, startFakeSsm } from './support/fake-ssm';
import { createUserListBucket } from '../../testing/license-orchestration/local-aws';
import { MemoryLedger } from '../../testing/license-orchestration/memory-ledger';

const BUCKET = 'license-user-lists';
const KEY_ARN = 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';
const USER_ID = '^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$';
const USERS_PER_PRODUCT = 100_000;

const work = mkdtempSync(join(tmpdir(), 'license-handoff-'));
const received = (product: string) => join(work, `${product}.received`);
/** Product commands as an operator would write them; `fail-next` makes the next run exit 7. */
const PRODUCTS = ['cad-suite', 'sim-tool'].map((name) => ({
  name,
  command: `if [ -f ${work}/fail-next ]; then rm ${work}/fail-next; exit 7; fi; cp "$LICENSE_USERS_FILE" ${received(name)}`,
}));
const DOCUMENT = buildSyncDocument({
  products: PRODUCTS,
  userIdPattern: USER_ID,
  userLists: { bucket: BUCKET, region: 'us-east-1' },
  executionTimeoutSeconds: 120,
}) as {
  parameters: Record<string, { default?: string }>;
  mainSteps: { inputs: { runCommand: string[] } }[];
};
const SCRIPT = join(work, 'sync-document.sh');
/** The AWS CLI the project installs (requirements-dev.txt), ahead of any on the machine. */
const VENV_BIN = join(__dirname, '..', '..', '.venv', 'bin');
writeFileSync(SCRIPT, DOCUMENT.mainSteps[0].inputs.runCommand.join('\n'));

/** 64-character user IDs, distinct per product. */
function users(product: string, count: number): string[] {
  return Array.from({ length: count }, (_, i) => `${product}.${String(i).padStart(6, '0')}@`.padEnd(64, 'x'));
}

/** What the agent does with a command of this document: the script under /bin/sh, SSM_* set. */
let beforeRun: ((parameters: Record<string, string>) => Promise<void>) | undefined;
async function runDocument(request: Record<string, unknown>): Promise<ScriptedInvocation> {
  const given = request.Parameters as Record<string, string[]>;
  const parameters: Record<string, string> = {};
  for (const [name, spec] of Object.entries(DOCUMENT.parameters)) parameters[name] = given[name]?.[0] ?? spec.default!;
  await beforeRun?.(parameters);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PATH: `${VENV_BIN}:${process.env.PATH ?? ''}`,
    LICENSE_ORCHESTRATION_STATE_DIR: join(work, 'state'),
  };
  for (const [name, value] of Object.entries(parameters)) env[`SSM_${name}`] = value;
  return new Promise((resolve) => {
    execFile('/bin/sh', [SCRIPT], { env, maxBuffer: 1 << 20 }, (error, _stdout, stderr) =>
      resolve({ statuses: [error ? 'Failed' : 'Success'], standardError: stderr }),
    );
  });
}

async function versionsInBucket(): Promise<{ key: string; deleteMarker: boolean }[]> {
  const page = await s3.send(new ListObjectVersionsCommand({ Bucket: BUCKET }));
  return [
    ...(page.Versions ?? []).map((v) => ({ key: v.Key as string, deleteMarker: false })),
    ...(page.DeleteMarkers ?? []).map((m) => ({ key: m.Key as string, deleteMarker: true })),
  ];
}

const s3 = new S3Client({ forcePathStyle: true });
let fake: FakeSsm;
let ledger: MemoryLedger;
let sync: () => ReturnType<typeof runSync>;

beforeAll(async () => {
  await new Promise<void>((resolve, reject) =>
    execFile(join(VENV_BIN, 'aws'), ['--version'], (error) =>
      error
        ? reject(new Error('these tests run the document with the AWS CLI: run bash scripts/python-env.sh'))
        : resolve(),
    ),
  );
  await createUserListBucket(BUCKET, KEY_ARN);
  fake = await startFakeSsm({ run: runDocument });
  const server = new SsmLicenseServer(new SSMClient({ endpoint: fake.endpoint, maxAttempts: 1 }), {
    documentName: 'license-sync',
    instanceId: 'i-0123456789abcdef0',
    pollIntervalMs: 5,
  });
  ledger = new MemoryLedger();
  const settings: SyncSettings = {
    products: PRODUCTS.map((p) => ({ name: p.name, seats: USERS_PER_PRODUCT })),
    userId: new RegExp(USER_ID),
    commandTimeoutMs: 60_000,
    deadlineMs: Number.MAX_SAFE_INTEGER,
    maxCycles: 5,
  };
  const userLists = new S3UserLists(s3, { bucket: BUCKET, keyArn: KEY_ARN });
  sync = () => runSync({ store: ledger, server, clock: { now: Date.now }, userLists }, settings);
});
afterAll(async () => fake?.close());

/** Gives `product` exactly `list` and raises its desired version, as the ledger and change detection would. */
function hold(product: string, list: readonly string[]): void {
  for (const [k, h] of ledger.holdings) if (h.product === product) ledger.holdings.delete(k);
  for (const user of list)
    ledger.holdings.set(`${product}\u0000${user}`, { product, userId: user, instances: new Set(['i-1']) });
  ledger.bumpDesiredVersion(product, Date.now());
}

describe('user lists handed over through S3', () => {
  it('delivers 100,000 users of 64 characters per product through encrypted objects, deleted after success', async () => {
    const lists = Object.fromEntries(PRODUCTS.map((p) => [p.name, users(p.name, USERS_PER_PRODUCT)]));
    for (const p of PRODUCTS) hold(p.name, lists[p.name]);
    const encrypted: string[] = [];
    beforeRun = async (parameters) => {
      const head = await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: parameters.usersObject }));
      if (head.ServerSideEncryption === 'aws:kms' && head.SSEKMSKeyId === KEY_ARN)
        encrypted.push(parameters.usersObject);
    };
    fake.sent.length = 0;
    fake.script.length = 0;

    const report = await sync();

    expect(report.stopped).toBe('quiet');
    const sent = fake.sent.map((r) => (r as { Parameters: Record<string, string[]> }).Parameters);
    expect(sent).toHaveLength(2);
    for (const parameters of sent) {
      expect(parameters.users).toEqual(['users:']);
      expect(parameters.usersObject[0]).toMatch(/^user-lists\/(cad-suite|sim-tool)\/1-[0-9a-f]{64}$/);
      expect(parameters.usersSha256[0]).toHaveLength(64);
      // The command stays far below SSM's 64 KB whatever the list's size.
      expect(JSON.stringify(parameters).length).toBeLessThan(1000);
    }
    expect(encrypted.sort()).toEqual(sent.map((p) => p.usersObject[0]).sort());
    for (const p of PRODUCTS) {
      expect(readFileSync(received(p.name), 'utf8')).toBe(lists[p.name].map((u) => `${u}\n`).join(''));
      expect(ledger.sync.get(p.name)).toMatchObject({ desired: 1, applied: 1 });
    }
    // Deleted by version: nothing is left, not even a delete marker.
    expect(await versionsInBucket()).toEqual([]);
    beforeRun = undefined;
  });

  it('keeps the object when the command fails, and a later run delivers the list again', async () => {
    const list = users('cad-suite', 1000);
    hold('cad-suite', list);
    writeFileSync(join(work, 'fail-next'), '');
    const failed = await sync();
    expect(failed.stopped).toBe('failure');
    const product = failed.cycles[0].products.find((p) => p.product === 'cad-suite')!;
    expect(product).toMatchObject({ action: 'failed' });
    expect(product.error).toMatch(/ended Failed/);
    const kept = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: product.usersObject }));
    expect(await kept.Body?.transformToString()).toBe(list.map((u) => `${u}\n`).join(''));

    const retried = await sync();
    expect(retried.stopped).toBe('quiet');
    expect(readFileSync(received('cad-suite'), 'utf8')).toBe(list.map((u) => `${u}\n`).join(''));
    // Same version, same content, same key: the retry's own version was deleted; the failed
    // run's version is left to the lifecycle rule.
    expect(await versionsInBucket()).toEqual([{ key: product.usersObject, deleteMarker: false }]);
  });

  it('refuses an object changed after the sync wrote it (sha256 mismatch) and runs no product command', async () => {
    hold('sim-tool', users('sim-tool', 2000));
    const before = readFileSync(received('sim-tool'), 'utf8');
    beforeRun = async (parameters) => {
      await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: parameters.usersObject, Body: 'mallory\n' }));
    };
    const report = await sync();
    beforeRun = undefined;
    const product = report.cycles[0].products.find((p) => p.product === 'sim-tool')!;
    expect(product.action).toBe('failed');
    expect(product.error).toMatch(/has sha256 [0-9a-f]{64}, not [0-9a-f]{64}: refused/);
    expect(readFileSync(received('sim-tool'), 'utf8')).toBe(before);
    expect(ledger.sync.get('sim-tool')).toMatchObject({ applied: 1 });
  });

  it('still sends a list that fits as the users parameter, writing nothing to S3', async () => {
    const list = ['alice', 'bob'];
    hold('cad-suite', list);
    hold('sim-tool', list);
    const objectsBefore = await versionsInBucket();
    fake.sent.length = 0;
    fake.script.length = 0;
    const report = await sync();
    expect(report.stopped).toBe('quiet');
    for (const request of fake.sent) {
      const parameters = (request as { Parameters: Record<string, string[]> }).Parameters;
      expect(parameters.users).toEqual(['users:alice,bob']);
      expect(parameters.usersObject).toBeUndefined();
    }
    expect(fake.sent).toHaveLength(2);
    expect(readFileSync(received('cad-suite'), 'utf8')).toBe('alice\nbob\n');
    expect(await versionsInBucket()).toEqual(objectsBefore);
  });
});
