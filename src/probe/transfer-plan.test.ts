import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BadInputError } from '../util/errors.js';
import { planTransfer, type TransferLimits } from './transfer-plan.js';

const V2J40: TransferLimits = { maxRw8: 64, maxRw16_32: 6144, tarBlock: 4096, hasMem16Bit: true };
const V2J21: TransferLimits = { ...V2J40, hasMem16Bit: false };
const V3J7: TransferLimits = { ...V2J40, maxRw8: 512 };
const plan = (a: number, n: number, l = V2J40, w?: 8 | 16) =>
  planTransfer(a, n, l, w).map((c) => `${c.width}:${c.address.toString(16)}+${c.length}@${c.offset}`);

describe('transfer plan', () => {
  it('an aligned transfer inside one block is one 32-bit command', () => {
    assert.deepEqual(plan(0x2000_0000, 64), ['32:20000000+64@0']);
  });

  it('a 40 KiB flash read becomes 4096-byte chunks on 4 KiB boundaries (A.5, verified)', () => {
    const chunks = planTransfer(0x0800_0000, 40 * 1024, V2J40);
    assert.equal(chunks.length, 10);
    assert.ok(
      chunks.every((c, i) => c.width === 32 && c.length === 4096 && c.address === 0x0800_0000 + 4096 * i),
    );
  });

  it('never crosses a TAR block: 4012 + 4096 + … + 72 for the loader FIFO (C.6)', () => {
    assert.deepEqual(
      planTransfer(0x2000_0054, 4012 + 3 * 4096 + 72, V2J40).map((c) => c.length),
      [4012, 4096, 4096, 4096, 72],
    );
    assert.deepEqual(plan(0x2000_03fc, 8, { ...V2J40, tarBlock: 1024 }), [
      '32:200003fc+4@0',
      '32:20000400+4@4',
    ]);
  });

  it('unaligned head and tail go as one 8-bit command each; halfword pieces as 16-bit', () => {
    assert.deepEqual(plan(0x2000_0ffd, 12), ['8:20000ffd+3@0', '32:20001000+8@3', '8:20001008+1@11']);
    assert.deepEqual(plan(0x2000_0002, 8), ['16:20000002+2@0', '32:20000004+4@2', '16:20000008+2@6']);
    assert.deepEqual(plan(0x1fff_7a22, 2), ['16:1fff7a22+2@0']);
    assert.deepEqual(plan(0x2000_0001, 2), ['8:20000001+2@0']);
    assert.deepEqual(plan(0x2000_0001, 1), ['8:20000001+1@0']);
  });

  it('without 16-bit support halfword pieces become 8-bit (V2 below J26)', () => {
    assert.deepEqual(plan(0x2000_0002, 8, V2J21), ['8:20000002+2@0', '32:20000004+4@2', '8:20000008+2@6']);
    assert.deepEqual(plan(0x1fff_7a22, 2, V2J21, 16), ['8:1fff7a22+2@0']);
  });

  it('a forced 8-bit transfer uses 64-byte chunks on V2 and 512-byte chunks on V3 from J6', () => {
    assert.deepEqual(
      planTransfer(0x2000_0000, 600, V2J40, 8).map((c) => c.length),
      [64, 64, 64, 64, 64, 64, 64, 64, 64, 24],
    );
    assert.deepEqual(
      planTransfer(0x2000_0000, 600, V3J7, 8).map((c) => c.length),
      [512, 88],
    );
  });

  it('a forced 16-bit transfer stays 16-bit and needs even address and length', () => {
    assert.deepEqual(plan(0x0800_0000, 8, V2J40, 16), ['16:8000000+8@0']);
    assert.throws(() => planTransfer(0x0800_0001, 2, V2J40, 16), BadInputError);
    assert.throws(() => planTransfer(0x0800_0000, 3, V2J40, 16), BadInputError);
  });

  it('caps 32-bit chunks at the firmware buffer when the block is larger', () => {
    assert.deepEqual(
      planTransfer(0, 8192, { ...V2J40, tarBlock: 8192 }).map((c) => c.length),
      [6144, 2048],
    );
  });

  it('an empty transfer has no chunks; past 4 GiB is bad input', () => {
    assert.deepEqual(plan(0x2000_0000, 0), []);
    assert.throws(() => planTransfer(0xffff_fffc, 8, V2J40), /past the end of the 32-bit address space/);
    assert.deepEqual(plan(0xffff_fffc, 4), ['32:fffffffc+4@0']);
  });
});
