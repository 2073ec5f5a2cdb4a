import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { UnavailableError } from '../util/errors.js';
import { StLinkServerBusyError } from '../transport/errors.js';
import { StLinkStatusError } from '../protocol/status.js';
import { DEFAULT_WAIT_RETRY, retryWhileWait, type Attempt } from './retry.js';

function run(statuses: (number | Error)[], policy = DEFAULT_WAIT_RETRY) {
  const sleeps: number[] = [];
  let calls = 0;
  const result = retryWhileWait(
    'CMD',
    (): Promise<Attempt<string>> => {
      const next = statuses[calls++];
      if (next === undefined) throw new Error('too many attempts');
      if (next instanceof Error) return Promise.reject(next);
      return Promise.resolve({ status: next, result: 'done', faultAddress: 0x1234 });
    },
    policy,
    (ms) => {
      sleeps.push(ms);
      return Promise.resolve();
    },
  );
  return { result, sleeps, calls: () => calls };
}

describe('retryWhileWait', () => {
  it('returns at once on 0x80 and on the ignored 0x0D', async () => {
    for (const status of [0x80, 0x0d]) {
      const r = run([status]);
      assert.equal(await r.result, 'done');
      assert.deepEqual(r.sleeps, []);
    }
  });

  it('a non-WAIT failure is final after one attempt and carries the fault address', async () => {
    const r = run([0x11]);
    await assert.rejects(
      r.result,
      (e: unknown) => e instanceof StLinkStatusError && e.faultAddress === 0x1234,
    );
    assert.equal(r.calls(), 1);
  });

  it('mixes both WAIT codes and succeeds within the budget', async () => {
    const r = run([0x10, 0x14, 0x10, 0x80]);
    assert.equal(await r.result, 'done');
    assert.deepEqual(r.sleeps, [1, 2, 4]);
  });

  it('TCP_BUSY errors are retried; other transport errors are not', async () => {
    const busy = new StLinkServerBusyError('busy');
    const r = run([busy, 0x80]);
    assert.equal(await r.result, 'done');
    const gone = new UnavailableError('usb-disconnected', 'gone');
    const g = run([gone]);
    await assert.rejects(g.result, gone);
    assert.equal(g.calls(), 1);
    const always = run(new Array<Error>(9).fill(busy));
    await assert.rejects(always.result, busy);
    assert.equal(always.calls(), 9);
  });
});
