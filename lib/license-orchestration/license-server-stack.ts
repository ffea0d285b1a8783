import type { Duration } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { PlatformStack, type PlatformStackProps } from '../shared';
import { ChangeDetection } from './change-detection';
import { LedgerReconciler, type LedgerReconcilerProps } from './ledger-reconciler';
import { LicenseBus } from './license-bus';
import { LicenseDashboard } from './license-dashboard';
import { LicenseLedger } from './license-ledger';
import { LicenseSync } from './license-sync';
import { TableDataEvents } from './table-data-events';

export interface LicenseServerStackProps extends Omit<PlatformStackProps, 'system' | 'role'> {
  /** Name of the central license bus (workbench stacks build its ARN from it). */
  readonly busName: string;
  /** Every workbench account and Region: their accounts may put events on the bus, and reconciliation lists their instances. */
  readonly workbenchScopes: readonly { readonly account: string; readonly region: string }[];
  /**
   * Accept workbench events from any account of this organization.
   * @default - only the workbench accounts may put events
   */
  readonly organizationId?: string;
  /**
   * With `organizationId`: accept only accounts of these organizational units (and their child OUs).
   * @default - see `organizationId`
   */
  readonly organizationalUnitIds?: readonly string[];
  /** Days the bus archive keeps workbench events; 0 keeps them forever. */
  readonly archiveRetentionDays: number;
  /** Tag holding a workbench's owner user ID. */
  readonly ownerTag: string;
  /** Tag holding a workbench's type. */
  readonly typeTag: string;
  /** User-ID pattern (matched against the whole ID); other owners are rejected. */
  readonly userIdPattern: string;
  /** The licensed products: name, seat count and the command the license server runs to apply a user list. */
  readonly products: readonly { readonly name: string; readonly seats: number; readonly command: string }[];
  /** The products each workbench type is entitled to, by type. */
  readonly workbenchTypes: Readonly<Record<string, readonly string[]>>;
  /** The license server's EC2 instance (SSM managed). */
  readonly licenseServerInstanceId: string;
  /** Name of the role of the license server's instance profile, which reads handed-over user lists. */
  readonly licenseServerRoleName: string;
  /** Safety-net schedule: a sync run starts at least this often. */
  readonly syncSchedule: Duration;
  /** How long the sync waits for one command on the license server. */
  readonly commandTimeout: Duration;
  /**
   * Scheduled reconciliation of the ledger with the instances in the workbench accounts.
   * @default - no reconciliation
   */
  readonly reconciliation?: {
    readonly schedule: Duration;
    readonly readerRoleName: string;
    readonly roleName: string;
    readonly stackSet?: LedgerReconcilerProps['stackSet'];
  };
  /**
   * Record the ledger table's data events with CloudTrail (a trail and bucket of their own).
   * @default false
   */
  readonly cloudTrailDataEvents?: boolean;
}

/** The license-server account: central bus, ledger, change detection, sync, reconciliation, dashboard. */
export class LicenseServerStack extends PlatformStack {
  public readonly bus: LicenseBus;
  public readonly ledger: LicenseLedger;
  public readonly changeDetection: ChangeDetection;
  public readonly sync: LicenseSync;
  public readonly reconciler?: LedgerReconciler;
  public readonly dashboard: LicenseDashboard;
  public readonly dataEvents?: TableDataEvents;

  constructor(scope: Construct, props: LicenseServerStackProps) {
    super(scope, { ...props, system: 'license', role: 'server' });
    this.templateOptions.description = 'Floating-license orchestration: license server (bus, ledger, sync)';
    this.bus = new LicenseBus(this, 'Bus', {
      busName: props.busName,
      workbenchAccounts: [...new Set(props.workbenchScopes.map((s) => s.account))],
      organizationId: props.organizationId,
      organizationalUnitIds: props.organizationalUnitIds,
      archiveRetentionDays: props.archiveRetentionDays,
    });
    this.ledger = new LicenseLedger(this, 'Ledger', {
      bus: this.bus.bus,
      deliveryDeadLetterQueue: this.bus.deliveryDeadLetterQueue,
      workbenchTypes: props.workbenchTypes,
      userIdPattern: props.userIdPattern,
    });
    this.sync = new LicenseSync(this, 'Sync', {
      ledger: this.ledger,
      products: props.products,
      userIdPattern: props.userIdPattern,
      licenseServerInstanceId: props.licenseServerInstanceId,
      licenseServerRoleName: props.licenseServerRoleName,
      commandTimeout: props.commandTimeout,
      schedule: props.syncSchedule,
    });
    this.changeDetection = new ChangeDetection(this, 'ChangeDetection', {
      ledger: this.ledger,
      syncQueue: this.sync.queue,
    });
    if (props.reconciliation) {
      this.reconciler = new LedgerReconciler(this, 'Reconciliation', {
        ledger: this.ledger,
        scopes: props.workbenchScopes,
        readerRoleName: props.reconciliation.readerRoleName,
        roleName: props.reconciliation.roleName,
        stackSet: props.reconciliation.stackSet,
        ownerTag: props.ownerTag,
        typeTag: props.typeTag,
        userIdPattern: props.userIdPattern,
        workbenchTypes: props.workbenchTypes,
        schedule: props.reconciliation.schedule,
      });
    }
    if (props.cloudTrailDataEvents) {
      this.dataEvents = new TableDataEvents(this, 'DataEvents', {
        table: this.ledger.table,
      });
    }
    this.dashboard = new LicenseDashboard(this, 'Dashboard', {
      products: props.products,
      reconciliation: props.reconciliation !== undefined,
      deadLetterQueues: {
        'bus delivery': this.bus.deliveryDeadLetterQueue.queue,
        'rejected events': this.ledger.rejectedEvents.queue,
        'ledger failures': this.ledger.function.failureQueue!.queue,
        'stream failures': this.changeDetection.failureQueue.queue,
        'sync wake-ups': this.sync.deadLetterQueue.queue,
      },
    });
  }
}
