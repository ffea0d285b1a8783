import { MessageChannel, type MessagePort, receiveMessageOnPort, Worker } from 'node:worker_threads';

/**
 * How long synth waits for work on another thread or process (bundling, template validation,
 * cfn-guard): far beyond a normal run, so that a hung tool fails synth instead of hanging it.
 */
export const WAIT_LIMIT_MS = 600_000;

/**
 * A worker thread that the main thread waits for without running its event loop: CDK asks
 * validation plugins for their reports synchronously, so a plugin that hands work to a worker
 * blocks on a shared counter and reads the replies straight off the port. The worker's script
 * (plain CommonJS, run as given) has in scope `input` (what the constructor got), `port` (to post
 * replies and receive what `post` sends), `signal()` (call once the replies are posted) and
 * `errorMessage(e)`.
 *
 * A `background` worker, and every process it starts, runs at a lower CPU priority (Linux only,
 * where the priority is a thread's): work that synth can wait for (bundling, cfn-guard) then
 * yields the cores to the work it waits on first (the main thread, the schema validation engine).
 */
export class BlockingWorker {
  private readonly signalled = new Int32Array(new SharedArrayBuffer(4));
  private readonly port: MessagePort;
  private readonly worker: Worker;

  constructor(script: string, input: unknown, options: { background?: boolean } = {}) {
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    const background = options.background === true && process.platform === 'linux';
    this.worker = new Worker(PRELUDE + script, {
      eval: true,
      execArgv: [],
      workerData: { input, port: port2, signalled: this.signalled.buffer, background },
      transferList: [port2],
    });
    // The app exits when its synth is done, whether or not a worker still runs.
    this.worker.unref();
  }

  post(message: unknown): void {
    this.port.postMessage(message);
  }

  /**
   * Blocks until the worker signals, then returns what it posted, in order; undefined if it has not
   * signalled within `timeoutMs`; throws if the worker's script threw where nothing caught it. The
   * worker is stopped either way.
   */
  replies(timeoutMs: number): unknown[] | undefined {
    try {
      if (Atomics.wait(this.signalled, 0, 0, Math.max(0, timeoutMs)) === 'timed-out') return undefined;
      const messages: unknown[] = [];
      for (let m = receiveMessageOnPort(this.port); m; m = receiveMessageOnPort(this.port)) {
        const failure = (m.message as { [WORKER_FAILED]?: string } | undefined)?.[WORKER_FAILED];
        if (failure !== undefined) throw new Error(`A worker thread failed: ${failure}`);
        messages.push(m.message);
      }
      return messages;
    } finally {
      this.port.close();
      void this.worker.terminate();
    }
  }
}

/** How much background workers add to the app's nice value (as `nice` does): about a tenth of a core's share. */
const BACKGROUND_NICENESS = 10;

/** The key of the message a worker posts when its script threw where nothing caught it. */
const WORKER_FAILED = 'blockingWorkerFailed';

// A script that throws where nothing catches it still signals: the main thread, blocked, cannot see
// the worker's error event, and would otherwise wait out the whole limit for a dead thread.
const PRELUDE = `
const { workerData } = require('node:worker_threads');
const { input, port } = workerData;
const signalled = new Int32Array(workerData.signalled);
const signal = () => {
  Atomics.store(signalled, 0, 1);
  Atomics.notify(signalled, 0);
};
const errorMessage = (e) => String((e && e.message) || e);
// On Linux, setpriority for the calling process ID 0 applies to the calling thread, and threads and
// processes started from it inherit it. Only ever raised: lowering needs privileges.
if (workerData.background) {
  const os = require('node:os');
  os.setPriority(Math.min(19, os.getPriority() + ${BACKGROUND_NICENESS}));
}
process.on('uncaughtException', (e) => {
  port.postMessage({ ${WORKER_FAILED}: errorMessage(e) });
  signal();
});
`;

/**
 * A Node.js script in a child process that the main thread waits for like a {@link BlockingWorker}
 * (a worker thread relays to it): for work that needs V8 flags of its own, which hold for a whole
 * process. The script (plain CommonJS, run with `node -e`) has in scope `input(callback)`, which
 * calls back with what `post` sent (and ends the process if the app exits or never posts), and
 * `output(value)`, which sends the one reply.
 */
export class BlockingProcess {
  private readonly worker: BlockingWorker;

  constructor(script: string, nodeFlags: readonly string[] = []) {
    this.worker = new BlockingWorker(PROCESS_RELAY, {
      node: process.execPath,
      args: [...nodeFlags, '-e', PROCESS_PRELUDE + script],
    });
  }

  /** Sends `value` to the script's `input`; once only. */
  post(value: unknown): void {
    this.worker.post(value);
  }

  /**
   * Blocks until the script's `output`, then returns it as `{ value }`, or `{ error }` when the
   * process ended without one (its exit and stderr); undefined if neither came within `timeoutMs`.
   * The process is stopped either way.
   */
  reply(timeoutMs: number): { value?: unknown; error?: string } | undefined {
    try {
      return this.worker.replies(timeoutMs)?.[0] as { value?: unknown; error?: string } | undefined;
    } catch (e) {
      return { error: (e as Error).message };
    }
  }
}

const PROCESS_PRELUDE = `
const input = (callback) => {
  const chunks = [];
  process.stdin.on('data', (chunk) => chunks.push(chunk));
  process.stdin.on('end', () => {
    if (chunks.length === 0) process.exit(0);
    callback(JSON.parse(Buffer.concat(chunks).toString('utf8')));
  });
};
const output = (value) => process.stdout.write(JSON.stringify(value) + '\\n');
`;

/**
 * The relay: starts the process, writes what is posted to its stdin, and replies as soon as the
 * output's line is complete, then kills the process (a process's own exit can take a second of V8
 * clean-up that nobody waits for).
 */
const PROCESS_RELAY = `
const { spawn } = require('node:child_process');
let replied = false;
const reply = (message) => {
  if (replied) return;
  replied = true;
  port.postMessage(message);
  signal();
};
const child = spawn(input.node, input.args, { stdio: ['pipe', 'pipe', 'pipe'] });
const out = [];
const err = [];
child.stdout.on('data', (chunk) => {
  out.push(chunk);
  if (chunk[chunk.length - 1] !== 0x0a) return;
  try {
    reply({ value: JSON.parse(Buffer.concat(out).toString('utf8')) });
  } catch (e) {
    reply({ error: errorMessage(e) });
  }
  child.kill('SIGKILL');
});
child.stderr.on('data', (chunk) => err.push(chunk));
child.on('error', (e) => reply({ error: errorMessage(e) }));
child.on('close', (code, signal) =>
  reply({ error: 'exited (' + (signal || code) + ') ' + Buffer.concat(err).toString('utf8').trim() }),
);
// A process that ends before reading its input breaks the pipe; its exit is reported on close.
child.stdin.on('error', () => {});
port.once('message', (value) => child.stdin.end(JSON.stringify(value)));
`;
