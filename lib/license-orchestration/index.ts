import { Duration } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { durationIn, type LicenseOrchestrationConfig } from '../../config/schema';
import { type OperationsSettings, requireDeployInput } from '../shared';
import { reconcilerRoleName } from './contracts';
import { LicenseServerStack } from './license-server-stack';
import { WorkbenchAccountStack } from './workbench-account-stack';
import {
  stackInstanceListerRoleName,
  WorkbenchCodeBucketStack,
  workbenchCodeBucketPrefix,
  WorkbenchStackSetStack,
} from './workbench-stack-set';

export * from './change-detection';
export * from './contracts';
export * from './ledger-reconciler';
export * from './license-bus';
export * from './license-dashboard';
export * from './license-ledger';
export * from './license-server-stack';
export * from './license-sync';
export * from './reconciliation-reader-role';
export * from './table-data-events';
export * from './workbench-account-stack';
export * from './workbench-publisher';
export * from './workbench-stack-set';

export interface LicenseOrchestrationStacks {
  /** The license server stack. */
  readonly server: LicenseServerStack;
  /** One workbench stack per listed account and Region. */
  readonly workbenches: readonly WorkbenchAccountStack[];
  /**
   * The stack that deploys the workbench stack by StackSet.
   * @default - none: no StackSet in the config
   */
  readonly workbenchStackSet?: WorkbenchStackSetStack;
  /** The StackSet's per-Region Lambda code buckets. */
  readonly workbenchCode: readonly WorkbenchCodeBucketStack[];
}

/**
 * Creates the license-server stack, one workbench stack per listed workbench account and Region,
 * and with `workbenchStackSet` the StackSet (and its code buckets) deploying the workbench stack
 * to organizational units. Nothing passes between them at deploy time: cross-account names come
 * from config.
 */
export function addLicenseOrchestrationStacks(
  scope: Construct,
  config: LicenseOrchestrationConfig,
  operations: OperationsSettings,
): LicenseOrchestrationStacks {
  const server = config.licenseServer;
  const scopes = config.workbenchAccounts.flatMap((w) => w.regions.map((region) => ({ account: w.account, region })));
  const stackSet = config.workbenchStackSet;
  const serverStack = new LicenseServerStack(scope, {
    env: { account: server.account, region: server.region },
    operations,
    busName: config.busName,
    workbenchScopes: scopes,
    organizationId: config.organizationId,
    organizationalUnitIds: stackSet?.organizationalUnitIds,
    archiveRetentionDays: durationIn(config.archiveRetention, 'P1D'),
    ownerTag: config.tags.ownerId,
    typeTag: config.tags.type,
    userIdPattern: config.userIdPattern,
    products: config.products,
    workbenchTypes: config.workbenchTypes,
    licenseServerInstanceId: server.instanceId,
    licenseServerRoleName: server.instanceRoleName,
    syncSchedule: Duration.minutes(durationIn(config.sync.interval, 'PT1M')),
    commandTimeout: Duration.seconds(durationIn(config.sync.commandTimeout, 'PT1S')),
    reconciliation: config.reconciliation.enabled
      ? {
          schedule: Duration.minutes(durationIn(config.reconciliation.interval, 'PT1M')),
          readerRoleName: config.reconciliation.readerRoleName,
          roleName: reconcilerRoleName(server.region),
          stackSet: stackSet && {
            name: stackSet.name,
            region: stackSet.admin.region,
            callAs: stackSet.callAs,
            adminAccount: stackSet.admin.account,
            listerRoleName: stackInstanceListerRoleName(stackSet.name),
          },
        }
      : undefined,
    cloudTrailDataEvents: config.cloudTrailDataEvents,
  });
  const workbenches = config.workbenchAccounts.flatMap((w) =>
    w.regions.map(
      (region, i) =>
        new WorkbenchAccountStack(scope, {
          env: { account: w.account, region },
          operations,
          bus: { account: server.account, region: server.region, name: config.busName },
          ownerTag: config.tags.ownerId,
          typeTag: config.tags.type,
          userIdPattern: config.userIdPattern,
          // IAM is global: the account's first Region creates its reader role.
          readerRole:
            config.reconciliation.enabled && i === 0
              ? { roleName: config.reconciliation.readerRoleName, licenseServer: server }
              : undefined,
        }),
    ),
  );
  for (const workbench of workbenches) {
    // Events published before the bus exists land in the publisher's failure queue.
    requireDeployInput(workbench, { producer: serverStack, description: 'the license bus, which accepts its events' });
  }
  if (!stackSet) return { server: serverStack, workbenches, workbenchCode: [] };

  const admin = stackSet.admin;
  const workbenchCode = stackSet.regions.map(
    (region) =>
      new WorkbenchCodeBucketStack(scope, {
        env: { account: admin.account, region },
        operations,
        bucketNamePrefix: workbenchCodeBucketPrefix(stackSet.name, admin.account),
        organizationId: config.organizationId as string, // required with workbenchStackSet (config check)
      }),
  );
  const workbenchStackSet = new WorkbenchStackSetStack(scope, {
    env: admin,
    operations,
    stackSet,
    server,
    workbench: {
      bus: { account: server.account, region: server.region, name: config.busName },
      ownerTag: config.tags.ownerId,
      typeTag: config.tags.type,
      userIdPattern: config.userIdPattern,
    },
    readerRoleName: config.reconciliation.enabled ? config.reconciliation.readerRoleName : undefined,
  });
  for (const code of workbenchCode) {
    workbenchStackSet.addStackDependency(
      code,
      'the code must be in its buckets before the StackSet creates a function',
    );
  }
  requireDeployInput(workbenchStackSet, {
    producer: serverStack,
    description: "the license bus, which accepts the member stacks' events",
  });
  return { server: serverStack, workbenches, workbenchStackSet, workbenchCode };
}
