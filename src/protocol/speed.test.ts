import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pickJtagDivisor, pickSpeed, pickSwdDivisor, swdKHzForDivisor } from './speed.js';

describe('speed selection (A.6)', () => {
  it('adapter speed 2000 → 1800 kHz (divisor 1); 8000 → 4000 kHz (divisor 0) [verified]', () => {
    assert.deepEqual(pickSwdDivisor(2000), { kHz: 1800, exact: false, divisor: 1 });
    assert.deepEqual(pickSwdDivisor(8000), { kHz: 4000, exact: false, divisor: 0 });
  });

  it('an exact match wins; below every entry the slowest is used', () => {
    assert.deepEqual(pickSwdDivisor(480), { kHz: 480, exact: true, divisor: 7 });
    assert.deepEqual(pickSwdDivisor(5), { kHz: 5, exact: true, divisor: 798 });
    assert.deepEqual(pickSwdDivisor(1), { kHz: 5, exact: false, divisor: 798 });
    assert.deepEqual(pickJtagDivisor(1125), { kHz: 1125, exact: true, divisor: 32 });
    assert.deepEqual(pickJtagDivisor(100_000), { kHz: 9000, exact: false, divisor: 4 });
    assert.deepEqual(pickJtagDivisor(100), { kHz: 140, exact: false, divisor: 256 });
  });

  it('the same rule over a V3 kHz list in any order', () => {
    const list = [3300, 24_000, 8000, 1000, 200];
    assert.deepEqual(pickSpeed(list, 10_000), { kHz: 8000, exact: false });
    assert.deepEqual(pickSpeed(list, 24_000), { kHz: 24_000, exact: true });
    assert.deepEqual(pickSpeed(list, 100), { kHz: 200, exact: false });
    assert.throws(() => pickSpeed([], 100), RangeError);
  });

  it('the virtual probe maps a divisor back to its clock', () => {
    assert.equal(swdKHzForDivisor(1), 1800);
    assert.equal(swdKHzForDivisor(798), 5);
    assert.equal(swdKHzForDivisor(5), undefined);
  });
});
