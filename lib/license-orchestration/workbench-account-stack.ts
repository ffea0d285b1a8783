import type { Construct } from 'constructs';
import { PlatformStack, type PlatformStackProps } from '../shared';
import { licenseBusArn, reconcilerRoleArn } from './contracts';
import { ReconciliationReaderRole } from './reconciliation-reader-role';
import { WorkbenchPublisher } from './workbench-publisher';

export interface WorkbenchAccountStackProps extends Omit<PlatformStackProps, 'system' | 'role'> {
  /** Where the central bus is (its ARN is built from these, so this stack needs no deploy-time lookup). */
  readonly bus: { readonly account: string; readonly region: string; readonly name: string };
  readonly ownerTag: string;
  readonly typeTag: string;
  readonly userIdPattern: string;
  /**
   * The read-only role for reconciliation; one per account (IAM is global), so only one of an
   * account's Region stacks creates it.
   * @default - no role
   */
  readonly readerRole?: {
    readonly roleName: string;
    readonly licenseServer: { readonly account: string; readonly region: string };
  };
}

/** One workbench account and Region: publishes workbench state changes to the central bus. */
export class WorkbenchAccountStack extends PlatformStack {
  public readonly publisher: WorkbenchPublisher;
  public readonly readerRole?: ReconciliationReaderRole;

  constructor(scope: Construct, props: WorkbenchAccountStackProps) {
    super(scope, { ...props, system: 'license', role: 'workbench' });
    this.templateOptions.description = 'Floating-license orchestration: workbench account publisher';
    this.publisher = new WorkbenchPublisher(this, 'Publisher', {
      busArn: licenseBusArn(props.bus, props.bus.name, this.partition),
      ownerTag: props.ownerTag,
      typeTag: props.typeTag,
      userIdPattern: props.userIdPattern,
      alarmTopic: this.alarmTopic,
      removalPolicy: this.operations.removalPolicy,
      logRetention: this.operations.logRetention,
      logLevel: this.operations.logLevel,
    });
    if (props.readerRole) {
      this.readerRole = new ReconciliationReaderRole(this, 'ReconciliationReader', {
        roleName: props.readerRole.roleName,
        trustedAccount: props.readerRole.licenseServer.account,
        trustedRoleArn: reconcilerRoleArn(props.readerRole.licenseServer, this.partition),
      });
    }
  }
}
