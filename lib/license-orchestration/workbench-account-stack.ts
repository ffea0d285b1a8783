import type { Stack } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { PlatformStack, type PlatformStackProps } from '../shared';
import { licenseBusArn, reconcilerRoleArn } from './contracts';
import { ReconciliationReaderRole } from './reconciliation-reader-role';
import { WorkbenchPublisher } from './workbench-publisher';

export interface WorkbenchAccountStackProps extends Omit<PlatformStackProps, 'system' | 'role'> {
  /** Where the central bus is (its ARN is built from these, so this stack needs no deploy-time lookup). */
  readonly bus: { readonly account: string; readonly region: string; readonly name: string };
  /** Tag holding a workbench's owner user ID. */
  readonly ownerTag: string;
  /** Tag holding a workbench's type. */
  readonly typeTag: string;
  /** User-ID pattern (matched against the whole ID). */
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
    this.templateOptions.description = WORKBENCH_DESCRIPTION;
    ({ publisher: this.publisher, readerRole: this.readerRole } = addWorkbenchResources(this, props));
  }
}

export const WORKBENCH_DESCRIPTION = 'Floating-license orchestration: workbench account publisher';

/** The publisher and (when asked) the reader role, in a workbench stack or a StackSet's template. */
export function addWorkbenchResources(
  stack: Stack,
  props: Pick<WorkbenchAccountStackProps, 'bus' | 'ownerTag' | 'typeTag' | 'userIdPattern' | 'readerRole'>,
): { publisher: WorkbenchPublisher; readerRole?: ReconciliationReaderRole } {
  const publisher = new WorkbenchPublisher(stack, 'Publisher', {
    busArn: licenseBusArn(props.bus, props.bus.name, stack.partition),
    ownerTag: props.ownerTag,
    typeTag: props.typeTag,
    userIdPattern: props.userIdPattern,
  });
  const readerRole = props.readerRole
    ? new ReconciliationReaderRole(stack, 'ReconciliationReader', {
        roleName: props.readerRole.roleName,
        trustedAccount: props.readerRole.licenseServer.account,
        trustedRoleArn: reconcilerRoleArn(props.readerRole.licenseServer, stack.partition),
      })
    : undefined;
  return { publisher, readerRole };
}
