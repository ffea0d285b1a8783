// Names that cross account boundaries. They are physical names on purpose: the workbench accounts
// must know them before the license-server stack exists.
import { join } from 'node:path';

/** ARN of the central bus, built from config so workbench stacks need no deploy-time lookup. */
export function licenseBusArn(server: { account: string; region: string }, busName: string, partition = 'aws'): string {
  return `arn:${partition}:events:${server.region}:${server.account}:event-bus/${busName}`;
}

/** Name of the reconciliation function's role in the license-server account (trusted by the reader roles). */
export function reconcilerRoleName(serverRegion: string): string {
  return `license-orchestration-reconciler-${serverRegion}`;
}

export function reconcilerRoleArn(server: { account: string; region: string }, partition = 'aws'): string {
  return `arn:${partition}:iam::${server.account}:role/${reconcilerRoleName(server.region)}`;
}

/** Handler entry points. */
const HANDLERS = join(__dirname, '..', '..', 'lambda', 'license-orchestration', 'handlers');
export const HANDLER_ENTRY = {
  publisher: join(HANDLERS, 'publisher.ts'),
  ledger: join(HANDLERS, 'ledger.ts'),
  changeDetector: join(HANDLERS, 'change-detector.ts'),
  sync: join(HANDLERS, 'sync.ts'),
  reconciler: join(HANDLERS, 'reconciler.ts'),
} as const;

export { acknowledge } from '../shared/compliance';
export { skipCheckov } from '../shared/template-lint';
