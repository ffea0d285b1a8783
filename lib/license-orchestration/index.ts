import { Duration } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { LicenseOrchestrationConfig } from '../../config/schema';
import { type OperationsSettings, requireDeployInput } from '../shared';
import { reconcilerRoleName } from './contracts';
import { LicenseServerStack } from './license-server-stack';
import { WorkbenchAccountStack } from './workbench-account-stack';

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

export interface LicenseOrchestrationStacks {
  readonly server: LicenseServerStack;
  readonly workbenches: readonly WorkbenchAccountStack[];
}

/**
 * Creates the license-server stack and one workbench stack per workbench account and Region.
 * No value passes between them at deploy time (cross-account names come from config), but the
 * workbench stacks deploy after the server stack, whose bus receives their events.
 */
export function addLicenseOrchestrationStacks(
  scope: Construct,
  config: LicenseOrchestrationConfig,
  operations: OperationsSettings,
): LicenseOrchestrationStacks {
  const server = config.licenseServer;
  const scopes = config.workbenchAccounts.flatMap((w) => w.regions.map((region) => ({ account: w.account, region })));
  const serverStack = new LicenseServerStack(scope, {
    env: { account: server.account, region: server.region },
    operations,
    busName: config.busName,
    workbenchScopes: scopes,
    organizationId: config.organizationId,
    archiveRetentionDays: config.archiveRetentionDays,
    ownerTag: config.tags.ownerId,
    typeTag: config.tags.type,
    userIdPattern: config.userIdPattern,
    products: config.products,
    workbenchTypes: config.workbenchTypes,
    licenseServerInstanceId: server.instanceId,
    licenseServerRoleName: server.instanceRoleName,
    syncSchedule: Duration.minutes(config.sync.scheduleMinutes),
    commandTimeout: Duration.seconds(config.sync.commandTimeoutSeconds),
    reconciliation: config.reconciliation.enabled
      ? {
          schedule: Duration.minutes(config.reconciliation.scheduleMinutes),
          readerRoleName: config.reconciliation.readerRoleName,
          roleName: reconcilerRoleName(server.region),
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
  return { server: serverStack, workbenches };
}
