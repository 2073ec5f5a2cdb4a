import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { withTimeout } from './timeout.js';

describe('withTimeout', () => {
  it('passes through a value that arrives in time, and never calls onTimeout', async () => {
    let called = false;
    const value = await withTimeout(Promise.resolve(42), 1000, () => {
      called = true;
      return new Error('late');
    });
    assert.equal(value, 42);
    assert.equal(called, false);
  });

  it('passes through a rejection that arrives in time', async () => {
    await assert.rejects(
      withTimeout(Promise.reject(new Error('own failure')), 1000, () => new Error('late')),
      /own failure/,
    );
  });

  it('rejects with the error onTimeout builds when the promise is too slow', async () => {
    const never = new Promise<number>(() => undefined);
    const started = Date.now();
    await assert.rejects(
      withTimeout(never, 20, () => new Error('no answer within 20 ms')),
      /no answer within 20 ms/,
    );
    assert.ok(Date.now() - started >= 15);
  });
});
