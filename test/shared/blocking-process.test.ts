import { describe, expect, it } from 'vitest';
import { BlockingProcess } from '../../lib/shared/blocking-worker';

describe('BlockingProcess', () => {
  it('gives the script what is posted and returns its output, waiting without an event loop', () => {
    const child = new BlockingProcess('input((n) => output({ doubled: n * 2, pid: process.pid }));');
    child.post(21);
    const reply = child.reply(60_000);
    expect(reply?.value).toMatchObject({ doubled: 42 });
    expect((reply?.value as { pid: number }).pid).not.toBe(process.pid);
  });

  it('runs the script with the node flags given', () => {
    const child = new BlockingProcess("input(() => output(process.execArgv.includes('--single-threaded')));", [
      '--single-threaded',
    ]);
    child.post({});
    expect(child.reply(60_000)).toEqual({ value: true });
  });

  it('returns the exit and stderr of a script that ends without output', () => {
    const child = new BlockingProcess("input(() => { console.error('no such table'); process.exit(3); });");
    child.post({});
    expect(child.reply(60_000)).toEqual({ error: 'exited (3) no such table' });
  });
});
