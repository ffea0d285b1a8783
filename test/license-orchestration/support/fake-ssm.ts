// A small SSM endpoint speaking the service's wire protocol (AWS JSON 1.1), for what moto cannot
// do: moto reports every command as Success at once, so command failures, time-outs and the
// "invocation does not exist yet" window right after SendCommand are served from here. Given a
// `run` function, SendCommand runs the command (the document's script) and its result is served.
import { createServer, type Server } from 'node:http';
import { freePort } from '../../../testing/shared/free-port';

export interface ScriptedInvocation {
  /** Statuses returned by successive GetCommandInvocation calls; the last one repeats. */
  readonly statuses: readonly (string | 'InvocationDoesNotExist')[];
  readonly statusDetails?: string;
  readonly standardError?: string;
}

export interface FakeSsm {
  readonly endpoint: string;
  /** SendCommand requests received (parsed JSON bodies). */
  readonly sent: Record<string, unknown>[];
  /** Invocations to script, in SendCommand order. */
  readonly script: ScriptedInvocation[];
  getCalls: number;
  close(): Promise<void>;
}

export interface FakeSsmOptions {
  /** Runs each SendCommand request and returns how its invocation ends. */
  readonly run?: (request: Record<string, unknown>) => Promise<ScriptedInvocation>;
}

export async function startFakeSsm(options: FakeSsmOptions = {}): Promise<FakeSsm> {
  const port = await freePort();
  const state: {
    sent: Record<string, unknown>[];
    script: ScriptedInvocation[];
    polls: Map<string, number>;
    getCalls: number;
  } = {
    sent: [],
    script: [],
    polls: new Map(),
    getCalls: 0,
  };
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', async () => {
      const target = String(req.headers['x-amz-target'] ?? '');
      const input = body ? (JSON.parse(body) as Record<string, unknown>) : {};
      const reply = (status: number, payload: unknown) => {
        res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' });
        res.end(JSON.stringify(payload));
      };
      if (target === 'AmazonSSM.SendCommand') {
        state.sent.push(input);
        const id = `cmd-${state.sent.length}`;
        if (options.run) state.script[state.sent.length - 1] = await options.run(input);
        reply(200, {
          Command: { CommandId: id, DocumentName: input.DocumentName, Status: 'Pending', Parameters: input.Parameters },
        });
      } else if (target === 'AmazonSSM.GetCommandInvocation') {
        state.getCalls++;
        const id = String(input.CommandId);
        const index = Number(id.replace('cmd-', '')) - 1;
        const scripted = state.script[index] ?? { statuses: ['Success'] };
        const n = state.polls.get(id) ?? 0;
        state.polls.set(id, n + 1);
        const status = scripted.statuses[Math.min(n, scripted.statuses.length - 1)];
        if (status === 'InvocationDoesNotExist') {
          reply(400, { __type: 'InvocationDoesNotExist', message: 'invocation does not exist' });
          return;
        }
        reply(200, {
          CommandId: id,
          InstanceId: input.InstanceId,
          Status: status,
          StatusDetails: scripted.statusDetails ?? status,
          StandardErrorContent: scripted.standardError ?? '',
        });
      } else {
        reply(400, { __type: 'InvalidAction', message: `fake SSM does not serve ${target}` });
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    endpoint: `http://127.0.0.1:${port}`,
    sent: state.sent,
    script: state.script,
    get getCalls() {
      return state.getCalls;
    },
    set getCalls(v: number) {
      state.getCalls = v;
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
