// License server: scheduled reconciliation of the ledger with what EC2 reports in every
// workbench account and Region (through each account's read-only role).
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { STSClient } from '@aws-sdk/client-sts';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Logger } from '@aws-lambda-powertools/logger';
import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { createLogger, createMetrics, powertoolsHandler } from '../../shared/powertools';
import { applyEvent, type ProductCatalog, productsFor } from '../core/ledger';
import { METRIC } from '../core/metrics';
import { planHoldingFixes, planRepairs, type ReconcileSettings, type ScopeObservation } from '../core/reconcile';
import { DynamoDbLedger } from '../adapters/dynamodb-ledger';
import { type WorkbenchScope, WorkbenchLister } from '../adapters/ec2';
import { stackSetScopes } from '../adapters/stack-set-scopes';
import { catalogFrom, ENV, readerRoleNameFrom, required, scopesFrom, tagsFrom, userIdFrom } from '../adapters/settings';
import { stackSetFrom } from '../adapters/stack-set-settings';
import { emitWithDimension } from '../adapters/telemetry';

export interface ReconcilerDeps {
  readonly ledger: Pick<
    DynamoDbLedger,
    'getInstance' | 'commit' | 'listInstances' | 'listHoldings' | 'applyHoldingFix'
  >;
  readonly observe: (scopes: readonly WorkbenchScope[]) => Promise<ScopeObservation[]>;
  readonly scopes: readonly WorkbenchScope[];
  /** Scopes found at run time (the workbench StackSet's instances), besides `scopes`. */
  readonly discoverScopes?: () => Promise<readonly WorkbenchScope[]>;
  readonly settings: ReconcileSettings & { readonly catalog: ProductCatalog };
  readonly now: () => number;
  readonly logger: Logger;
  readonly metrics: Metrics;
}

export interface ReconcileReport {
  readonly repairs: Readonly<Record<string, number>>;
  readonly failedScopes: number;
  readonly skipped: number;
}

export function createReconcilerHandler(buildDeps: () => ReconcilerDeps) {
  return powertoolsHandler(buildDeps, async (_event: unknown, deps): Promise<ReconcileReport> => {
    const { logger, metrics } = deps;
    const repairs: Record<string, number> = {};
    // Taken before the listing starts (and a second earlier for clock skew): whatever the
    // listing shows held at least from then on.
    const observedAt = new Date(deps.now() - 1000).toISOString();
    const discovered = deps.discoverScopes ? await deps.discoverScopes() : [];
    const scopes = new Map([...deps.scopes, ...discovered].map((s) => [`${s.account}/${s.region}`, s]));
    const observations = await deps.observe([...scopes.values()]);
    const plan = planRepairs(observations, await deps.ledger.listInstances(), deps.settings, observedAt);
    for (const repair of plan.repairs) {
      const products = productsFor(deps.settings.catalog, repair.event.workbenchType) ?? [];
      const outcome = await applyEvent(deps.ledger, repair.event, products);
      if (outcome.kind === 'applied') {
        repairs[repair.kind] = (repairs[repair.kind] ?? 0) + 1;
        logger.warn('ledger repaired', {
          kind: repair.kind,
          instanceId: repair.event.instanceId,
          state: repair.event.state,
        });
      }
    }
    const fixes = planHoldingFixes(await deps.ledger.listInstances(), await deps.ledger.listHoldings());
    for (const fix of fixes) {
      if (await deps.ledger.applyHoldingFix(fix)) {
        repairs['holding-drift'] = (repairs['holding-drift'] ?? 0) + 1;
        logger.warn('holding repaired', { ...fix });
      }
    }
    for (const [kind, n] of Object.entries(repairs))
      emitWithDimension(metrics, METRIC.repairs, { name: 'kind', value: kind }, n);
    metrics.addMetric(
      METRIC.repairs,
      MetricUnit.Count,
      Object.values(repairs).reduce((a, b) => a + b, 0),
    );
    metrics.addMetric(METRIC.scopesFailed, MetricUnit.Count, plan.failedScopes.length);
    for (const s of plan.failedScopes) logger.error('could not list a workbench account', { ...s });
    const skippedBy: Record<string, number> = {};
    for (const s of plan.skipped) skippedBy[s.reason] = (skippedBy[s.reason] ?? 0) + 1;
    for (const [reason, n] of Object.entries(skippedBy)) {
      emitWithDimension(metrics, METRIC.instancesSkipped, { name: 'reason', value: reason }, n);
    }
    if (plan.skipped.length > 0) logger.warn('workbenches skipped', { skipped: plan.skipped });
    return { repairs, failedScopes: plan.failedScopes.length, skipped: plan.skipped.length };
  });
}

export const handler = createReconcilerHandler(() => {
  const env = process.env;
  const ledger = new DynamoDbLedger(DynamoDBDocumentClient.from(new DynamoDBClient({})), required(env, ENV.tableName));
  const sts = new STSClient({});
  const stackSet = stackSetFrom(env);
  const lister = new WorkbenchLister(sts, {
    roleName: readerRoleNameFrom(env),
    partition: env[ENV.partition] ?? 'aws',
  });
  return {
    ledger,
    observe: (scopes) => lister.observe(scopes),
    // Absent when every workbench account comes from the StackSet.
    scopes: env[ENV.workbenchScopes] ? scopesFrom(env) : [],
    discoverScopes: stackSet ? () => stackSetScopes(sts, stackSet) : undefined,
    settings: {
      ...tagsFrom(env),
      userId: userIdFrom(env),
      catalog: catalogFrom(env),
    },
    now: Date.now,
    logger: createLogger(),
    metrics: createMetrics(),
  };
});
