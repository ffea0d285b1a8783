import { MessageChannel, type MessagePort, receiveMessageOnPort, Worker } from 'node:worker_threads';

/**
 * A worker thread that the main thread waits for without running its event loop: CDK asks
 * validation plugins for their reports synchronously, so a plugin that hands work to a worker
 * blocks on a shared counter and reads the replies straight off the port. The worker's script
 * (plain CommonJS, run as given) has in scope `input` (what the constructor got), `port` (to post
 * replies and receive what `post` sends), `signal()` (call once the replies are posted) and
 * `errorMessage(e)`.
 */
export class BlockingWorker {
  private readonly signalled = new Int32Array(new SharedArrayBuffer(4));
  private readonly port: MessagePort;
  private readonly worker: Worker;

  constructor(script: string, input: unknown) {
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    this.worker = new Worker(PRELUDE + script, {
      eval: true,
      execArgv: [],
      workerData: { input, port: port2, signalled: this.signalled.buffer },
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
   * signalled within `timeoutMs`. The worker is stopped either way.
   */
  replies(timeoutMs: number): unknown[] | undefined {
    try {
      if (Atomics.wait(this.signalled, 0, 0, Math.max(0, timeoutMs)) === 'timed-out') return undefined;
      const messages: unknown[] = [];
      for (let m = receiveMessageOnPort(this.port); m; m = receiveMessageOnPort(this.port)) messages.push(m.message);
      return messages;
    } finally {
      this.port.close();
      void this.worker.terminate();
    }
  }
}

const PRELUDE = `
const { workerData } = require('node:worker_threads');
const { input, port } = workerData;
const signalled = new Int32Array(workerData.signalled);
const signal = () => {
  Atomics.store(signalled, 0, 1);
  Atomics.notify(signalled, 0);
};
const errorMessage = (e) => String((e && e.message) || e);
`;
