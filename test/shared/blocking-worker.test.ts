import { getPriority } from 'node:os';
import { describe, expect, it } from 'vitest';
import { BlockingProcess, BlockingWorker } from '../../lib/shared/blocking-worker';

// Far below the test's own timeout: a reply that never comes fails the assertion, not the run.
const REPLY_WAIT_MS = 30_000;

describe('BlockingProcess', () => {
  it('gives the script what is posted and returns its output, waiting without an event loop', () => {
    const child = new BlockingProcess('input((n) => output({ doubled: n * 2, pid: process.pid }));');
    child.post(21);
    const reply = child.reply(REPLY_WAIT_MS);
    expect(reply?.value).toMatchObject({ doubled: 42 });
    expect((reply?.value as { pid: number }).pid).not.toBe(process.pid);
  });

  it('runs the script with the node flags given', () => {
    const child = new BlockingProcess("input(() => output(process.execArgv.includes('--single-threaded')));", [
      '--single-threaded',
    ]);
    child.post({});
    expect(child.reply(REPLY_WAIT_MS)).toEqual({ value: true });
  });

  it('returns the exit and stderr of a script that ends without output', () => {
    const child = new BlockingProcess("input(() => { console.error('no such table'); process.exit(3); });");
    child.post({});
    expect(child.reply(REPLY_WAIT_MS)).toEqual({ error: 'exited (3) no such table' });
  });

  it('returns the exit of a script that ends before reading a large input (the pipe breaks)', () => {
    const child = new BlockingProcess('process.exit(4);');
    child.post('x'.repeat(8_000_000));
    expect(child.reply(REPLY_WAIT_MS)).toEqual({ error: 'exited (4) ' });
  });
});

describe('BlockingWorker', () => {
  it('returns what the worker posted once it signals', () => {
    const worker = new BlockingWorker('port.postMessage(input + 1); port.postMessage(input + 2); signal();', 40);
    expect(worker.replies(REPLY_WAIT_MS)).toEqual([41, 42]);
  });

  it('returns undefined when the worker does not signal in time', () => {
    const worker = new BlockingWorker('setInterval(() => {}, 1000);', null);
    expect(worker.replies(50)).toBeUndefined();
  });

  it('fails at once, with the error, when the script throws where nothing catches it', () => {
    const worker = new BlockingWorker("setTimeout(() => { throw new Error('lost the pipe'); }, 10);", null);
    expect(() => worker.replies(REPLY_WAIT_MS)).toThrow('A worker thread failed: lost the pipe');
  });

  it('fails at once when a promise of the script is rejected and not handled', () => {
    const worker = new BlockingWorker("Promise.reject(new Error('no build'));", null);
    expect(() => worker.replies(REPLY_WAIT_MS)).toThrow('A worker thread failed: no build');
  });

  it.runIf(process.platform === 'linux')(
    'runs a background worker, and the processes it starts, at a lower priority than the main thread',
    () => {
      const before = getPriority();
      const script = `
        const child = require('node:child_process').execFileSync(process.execPath, ['-e', 'process.stdout.write(String(require("node:os").getPriority()))']);
        port.postMessage({ worker: require('node:os').getPriority(), child: Number(child) });
        signal();`;
      const expected = Math.min(19, before + 10);
      expect(new BlockingWorker(script, null, { background: true }).replies(REPLY_WAIT_MS)).toEqual([
        { worker: expected, child: expected },
      ]);
      expect(new BlockingWorker(script, null).replies(REPLY_WAIT_MS)).toEqual([{ worker: before, child: before }]);
      expect(getPriority()).toBe(before);
    },
  );
});
