// AWS behaviours the license-orchestration stacks rely on (docs/aws-contracts.md, LO- rows), checked
// on the example config's synthesized templates or against AWS's published API model (the SDK's
// generated enums). Each test names the row and the AWS page it follows.
import { Metrics } from '@aws-lambda-powertools/metrics';
import { CommandInvocationStatus } from '@aws-sdk/client-ssm';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { commandOutcomeOf } from '../../lambda/license-orchestration/adapters/ssm-license-server';
import { MAX_DOCUMENT_AND_PARAMETERS_BYTES } from '../../lambda/license-orchestration/core/sync-document';
import { METRICS_NAMESPACE, SERVICES } from '../../lambda/license-orchestration/core/metrics';
import { createReconcilerHandler } from '../../lambda/license-orchestration/handlers/reconciler';
import { createSyncHandler } from '../../lambda/license-orchestration/handlers/sync';
import { exampleTemplates } from '../helpers/example-templates';
import { iamDefinition } from '../shared/aws-service-models';
import { buildStacks } from './stacks';
import { MemoryLedger } from '../../testing/license-orchestration/memory-ledger';
import { testTelemetry } from './support/telemetry';

type Resource = { Type: string; Properties?: Record<string, unknown> };

const licenseStacks = () => exampleTemplates().filter((t) => t.stackName.startsWith('license-'));
const resourcesOf = (t: { template: { Resources?: Record<string, Resource> } }) => t.template.Resources ?? {};
const refId = (v: unknown): string | undefined => {
  const o = v as { Ref?: string; 'Fn::GetAtt'?: [string, string] } | undefined;
  return o?.Ref ?? o?.['Fn::GetAtt']?.[0];
};

/**
 * A number from an API's reference text as AWS's SDK ships it (generated from AWS's service models),
 * so a limit in the code is compared with AWS's own words rather than with our copy of them.
 */
function modelNumber(file: string, pattern: RegExp): number {
  const text = readFileSync(require.resolve(file), 'utf8').replace(/\s*\*\s*/g, ' ');
  const match = pattern.exec(text);
  if (!match) throw new Error(`${file}: ${pattern} not found (AWS's text changed: reread the page)`);
  return Number(match[1]);
}

describe('license orchestration: AWS contracts', () => {
  // LO-2: https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-use-conditions.html
  it("LO-2: the bus policy's service condition keys are ones events:PutEvents supports", () => {
    const putEvents = iamDefinition().events.privileges.PutEvents;
    const supported = new Set(Object.values(putEvents.resource_types).flatMap((r) => r.condition_keys));
    let checked = 0;
    for (const stack of licenseStacks()) {
      for (const policy of Object.values(resourcesOf(stack)).filter((r) => r.Type === 'AWS::Events::EventBusPolicy')) {
        const statement = policy.Properties?.Statement as {
          Action: string;
          Condition: Record<string, Record<string, unknown>>;
        };
        expect(statement.Action).toBe('events:PutEvents');
        const keys = Object.values(statement.Condition).flatMap((c) => Object.keys(c));
        const serviceKeys = keys.filter((k) => !k.startsWith('aws:'));
        expect(serviceKeys.length).toBeGreaterThan(0);
        for (const key of serviceKeys) expect(supported).toContain(key);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(0);
  });

  // LO-39: https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingKMSEncryption.html
  it("LO-39: the user-list grants use S3 object actions and KMS condition keys of AWS's service authorization data", () => {
    const iam = iamDefinition();
    let checked = 0;
    for (const stack of licenseStacks()) {
      for (const [id, policy] of Object.entries(resourcesOf(stack))) {
        if (policy.Type !== 'AWS::IAM::Policy' || !/UserLists(Read|Write)Policy/.test(id)) continue;
        const statements = (policy.Properties?.PolicyDocument as { Statement: Record<string, unknown>[] }).Statement;
        for (const statement of statements) {
          const actions = [statement.Action].flat() as string[];
          for (const action of actions) {
            const [service, name] = action.split(':');
            const privilege = iam[service].privileges[name];
            expect(privilege, action).toBeDefined();
            if (service === 's3') expect(Object.keys(privilege.resource_types), action).toContain('object');
            if (service === 'kms') {
              const keys = Object.values(privilege.resource_types).flatMap((r) => r.condition_keys);
              const used = Object.values(statement.Condition as Record<string, object>).flatMap((c) => Object.keys(c));
              expect(used.sort()).toEqual(['kms:EncryptionContext:aws:s3:arn', 'kms:ViaService']);
              expect(keys).toContain('kms:ViaService');
              expect(keys).toContain('kms:EncryptionContext:${EncryptionContextKey}');
            }
          }
        }
        checked++;
      }
    }
    // The sync's write grant and the license server's read grant.
    expect(checked).toBe(2);
  });

  // LO-14: https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-configure.html
  it('LO-14: every SQS queue feeding a function has a visibility timeout of at least six times its timeout', () => {
    let checked = 0;
    for (const stack of licenseStacks()) {
      const resources = resourcesOf(stack);
      for (const esm of Object.values(resources).filter((r) => r.Type === 'AWS::Lambda::EventSourceMapping')) {
        const source = resources[refId(esm.Properties?.EventSourceArn) ?? ''];
        if (source?.Type !== 'AWS::SQS::Queue') continue;
        const fn = resources[refId(esm.Properties?.FunctionName) ?? ''];
        const timeout = Number(fn?.Properties?.Timeout ?? 3);
        const window = Number(esm.Properties?.MaximumBatchingWindowInSeconds ?? 0);
        expect(Number(source.Properties?.VisibilityTimeout ?? 30)).toBeGreaterThanOrEqual(6 * timeout + window);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(0);
  });

  // LO-11: https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_SqsParameters.html
  it('LO-11: every FIFO queue an EventBridge rule targets has content-based deduplication', () => {
    let checked = 0;
    for (const stack of licenseStacks()) {
      const resources = resourcesOf(stack);
      for (const rule of Object.values(resources).filter((r) => r.Type === 'AWS::Events::Rule')) {
        for (const target of (rule.Properties?.Targets ?? []) as Record<string, unknown>[]) {
          const queue = resources[refId(target.Arn) ?? ''];
          if (queue?.Type !== 'AWS::SQS::Queue' || queue.Properties?.FifoQueue !== true) continue;
          expect(target.SqsParameters).toEqual({ MessageGroupId: expect.any(String) });
          expect(queue.Properties?.ContentBasedDeduplication).toBe(true);
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(0);
  });

  // LO-7: https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rule-dlq.html
  it('LO-7: every rule dead-letter queue is a standard queue without the AWS managed key', () => {
    let checked = 0;
    for (const stack of exampleTemplates().filter((t) => t.stackName.startsWith('license-'))) {
      const resources = resourcesOf(stack);
      for (const rule of Object.values(resources).filter((r) => r.Type === 'AWS::Events::Rule')) {
        for (const target of (rule.Properties?.Targets ?? []) as { DeadLetterConfig?: { Arn?: unknown } }[]) {
          const dlq = resources[refId(target.DeadLetterConfig?.Arn) ?? ''];
          expect(dlq?.Type).toBe('AWS::SQS::Queue');
          expect(dlq?.Properties?.FifoQueue).toBeUndefined();
          expect(dlq?.Properties?.KmsMasterKeyId).toBeUndefined();
          expect(dlq?.Properties?.SqsManagedSseEnabled).toBe(true);
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(0);
  });

  // LO-22: https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_CreateDocument.html
  it('LO-22: refuses products whose document would leave no room for a full user list in 64 KB', () => {
    const kb = modelNumber(
      '@aws-sdk/client-ssm/dist-types/models/models_0.d.ts',
      /must not exceed (\d+)KB\. This quota also includes the content specified for input parameters/,
    );
    expect(MAX_DOCUMENT_AND_PARAMETERS_BYTES).toBe(kb * 1024);
    const long = (name: string) => ({
      name,
      seats: 1,
      command: `/opt/xlc assign --product ${name} ${'x'.repeat(3900)}`,
    });
    const products = Array.from({ length: 9 }, (_, i) => long(`product-${i}`));
    expect(() => buildStacks({ products, workbenchTypes: { all: products.map((p) => p.name) } })).toThrow(
      /64 KB.*document/,
    );
    expect(() => buildStacks()).not.toThrow();
  });

  // LO-30: https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_TransactWriteItems.html
  it('LO-30: refuses a workbench type whose owner change would need more than 100 transaction items', () => {
    const limit = modelNumber(
      '@aws-sdk/client-dynamodb/dist-types/commands/TransactWriteItemsCommand.d.ts',
      /synchronous write operation that groups up to (\d+) action requests/,
    );
    // The instance record plus a removal and an addition per product.
    const most = Math.floor((limit - 1) / 2);
    const products = Array.from({ length: most + 1 }, (_, i) => ({
      name: `p${i}`,
      seats: 1,
      command: '/opt/xlc assign',
    }));
    expect(() => buildStacks({ products, workbenchTypes: { big: products.map((p) => p.name) } })).toThrow(
      /workbenchTypes\.big.*100/,
    );
    const ok = products.slice(0, most);
    expect(() => buildStacks({ products: ok, workbenchTypes: { big: ok.map((p) => p.name) } })).not.toThrow();
  });

  // LO-25: https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_GetCommandInvocation.html
  it("LO-25: classifies every GetCommandInvocation status of AWS's API model as final or still running", () => {
    const statuses = Object.values(CommandInvocationStatus);
    expect(statuses.length).toBeGreaterThanOrEqual(8);
    const outcomes = Object.fromEntries(statuses.map((s) => [s, commandOutcomeOf(s)]));
    expect(outcomes).toEqual({
      Pending: undefined,
      InProgress: undefined,
      Delayed: undefined,
      Success: 'Success',
      Failed: 'Failed',
      TimedOut: 'TimedOut',
      Cancelled: 'Cancelled',
      Cancelling: 'Cancelled',
    });
  });

  // LO-34: https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/cloudwatch_concepts.html#Dimension
  it('LO-34: every alarm on a system metric names a dimension set the handlers emit through Powertools', async () => {
    const server = licenseStacks().find((t) => t.stackName.startsWith('license-server-'))!;
    const alarms = Object.values(resourcesOf(server))
      .filter((r) => r.Type === 'AWS::CloudWatch::Alarm' && r.Properties?.Namespace === METRICS_NAMESPACE)
      .map((r) => ({
        name: r.Properties?.MetricName as string,
        dimensions: Object.fromEntries(
          (r.Properties?.Dimensions as { Name: string; Value: string }[]).map((d) => [d.Name, d.Value]),
        ),
      }));
    const products = [...new Set(alarms.map((a) => a.dimensions.product).filter((p): p is string => !!p))];

    // The real handlers, emitting embedded-metric-format lines through Powertools (captured).
    const t = testTelemetry();
    const ledger = new MemoryLedger();
    for (const p of products) ledger.bumpDesiredVersion(p, 1);
    await createSyncHandler(() => ({
      store: ledger,
      server: { send: async () => 'cmd', wait: async () => ({ status: 'Failed' }) },
      clock: { now: () => 0 },
      products: products.map((name) => ({ name, seats: 1 })),
      userId: /^[a-z]+$/,
      commandTimeoutMs: 1000,
      logger: t.logger,
      metrics: new Metrics({ namespace: METRICS_NAMESPACE, serviceName: SERVICES.sync }),
    }))({ Records: [] });
    await createReconcilerHandler(() => ({
      ledger: Object.assign(new MemoryLedger(), {
        listInstances: async () => [],
        listHoldings: async () => [],
        applyHoldingFix: async () => true,
      }),
      observe: async (scopes) => scopes.map((s) => ({ ...s, error: 'AccessDenied' })),
      scopes: [{ account: '222222222222', region: 'eu-west-1' }],
      settings: { ownerTag: 'owner', typeTag: 'type', userId: /^[a-z]+$/, catalog: {} },
      now: () => 0,
      logger: t.logger,
      metrics: new Metrics({ namespace: METRICS_NAMESPACE, serviceName: SERVICES.reconciler }),
    }))({});

    expect(alarms.length).toBeGreaterThanOrEqual(3);
    for (const alarm of alarms) {
      const sets = t.emitted.filter((m) => m.name === alarm.name).map((m) => m.dimensions);
      expect(sets, `${alarm.name} ${JSON.stringify(alarm.dimensions)}`).toContainEqual(alarm.dimensions);
    }
  });
});
