import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SerialQueue } from './serial-queue.js';

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('SerialQueue', () => {
  it('runs tasks one at a time, in queueing order, even when an earlier one takes longer', async () => {
    const queue = new SerialQueue();
    const log: string[] = [];
    const slow = queue.run(async () => {
      log.push('slow start');
      await tick();
      await tick();
      log.push('slow end');
      return 1;
    });
    const fast = queue.run(() => {
      log.push('fast');
      return 2;
    });
    assert.deepEqual(await Promise.all([slow, fast]), [1, 2]);
    assert.deepEqual(log, ['slow start', 'slow end', 'fast']);
  });

  it('a failing task rejects its own caller only; the next task still runs', async () => {
    const queue = new SerialQueue();
    const failed = queue.run(() => Promise.reject(new Error('boom')));
    const thrown = queue.run(() => {
      throw new Error('sync boom');
    });
    const next = queue.run(() => 'ran');
    await assert.rejects(failed, /boom/);
    await assert.rejects(thrown, /sync boom/);
    assert.equal(await next, 'ran');
  });

  it('does not start a task before the caller has returned (no re-entrancy)', async () => {
    const queue = new SerialQueue();
    let started = false;
    const done = queue.run(() => {
      started = true;
    });
    assert.equal(started, false);
    await done;
    assert.equal(started, true);
  });
});
