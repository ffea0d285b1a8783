// The license server through SSM Run Command: SendCommand with the project's document, then
// GetCommandInvocation until the invocation on the one license-server instance ends.
import { GetCommandInvocationCommand, SendCommandCommand, type SSMClient } from '@aws-sdk/client-ssm';
import type { CommandOutcome, LicenseServer, SyncRequest } from '../core/sync';

export interface SsmLicenseServerOptions {
  readonly documentName: string;
  readonly instanceId: string;
  /** Seconds SSM may take to deliver the command to the agent. */
  readonly deliveryTimeoutSeconds?: number;
  /** Delay between two GetCommandInvocation calls. */
  readonly pollIntervalMs?: number;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly now?: () => number;
}

// GetCommandInvocation's final statuses (a Cancelling command ends Cancelled, so the wait stops
// there). Pending, InProgress and Delayed are still running.
const TERMINAL: Readonly<Record<string, CommandOutcome['status']>> = {
  Success: 'Success',
  Failed: 'Failed',
  TimedOut: 'TimedOut',
  Cancelled: 'Cancelled',
  Cancelling: 'Cancelled',
};

/** What an invocation status means for the sync; undefined while the command may still end. */
export function commandOutcomeOf(status: string | undefined): CommandOutcome['status'] | undefined {
  return status !== undefined && Object.prototype.hasOwnProperty.call(TERMINAL, status) ? TERMINAL[status] : undefined;
}

export class SsmLicenseServer implements LicenseServer {
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly now: () => number;

  constructor(
    private readonly client: SSMClient,
    private readonly options: SsmLicenseServerOptions,
  ) {
    this.sleep = options.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
    this.now = options.now ?? Date.now;
  }

  async send(request: SyncRequest): Promise<string> {
    const parameters: Record<string, string[]> = {
      product: [request.product],
      users: [request.users],
      version: [String(request.version)],
    };
    if (request.usersObject) {
      parameters.usersObject = [request.usersObject.key];
      parameters.usersSha256 = [request.usersObject.sha256];
    }
    const { Command } = await this.client.send(
      new SendCommandCommand({
        DocumentName: this.options.documentName,
        InstanceIds: [this.options.instanceId],
        Parameters: parameters,
        TimeoutSeconds: this.options.deliveryTimeoutSeconds ?? 60,
        Comment: `license-orchestration: ${request.product} version ${request.version}`.slice(0, 100),
      }),
    );
    if (!Command?.CommandId) throw new Error('SendCommand returned no command ID');
    return Command.CommandId;
  }

  async wait(commandId: string, deadlineMs: number): Promise<CommandOutcome> {
    const interval = this.options.pollIntervalMs ?? 1000;
    for (;;) {
      try {
        const invocation = await this.client.send(
          new GetCommandInvocationCommand({ CommandId: commandId, InstanceId: this.options.instanceId }),
        );
        const status = commandOutcomeOf(invocation.Status);
        if (status) {
          const detail = [invocation.StatusDetails, invocation.StandardErrorContent?.trim().slice(-500)]
            .filter((s) => s)
            .join(': ');
          return { status, detail: detail || undefined };
        }
      } catch (e) {
        // Right after SendCommand the invocation may not exist yet.
        if ((e as { name?: string }).name !== 'InvocationDoesNotExist') throw e;
      }
      if (this.now() + interval > deadlineMs) {
        return { status: 'TimedOut', detail: `no result from the license server before the sync's deadline` };
      }
      await this.sleep(interval);
    }
  }
}
