import { test } from 'node:test';
import assert from 'node:assert/strict';
import { programPieces } from './pieces.js';

const run = (address: number, ...bytes: number[]) => ({ address, data: Uint8Array.from(bytes) });

test('an unaligned run is padded with 0xFF to whole x32 accesses', () => {
  const [piece, ...rest] = programPieces([run(0x0800_0001, 1, 2, 3, 4, 5)], 4, 16384);
  assert.deepEqual(rest, []);
  assert.equal(piece!.address, 0x0800_0000);
  assert.deepEqual([...piece!.data], [0xff, 1, 2, 3, 4, 5, 0xff, 0xff]);
});

test('two runs in one word become one piece holding both (neither overwrites the other)', () => {
  const pieces = programPieces([run(0x100, 0xaa), run(0x103, 0xbb)], 4, 16384);
  assert.deepEqual(
    pieces.map((p) => [p.address, [...p.data]]),
    [[0x100, [0xaa, 0xff, 0xff, 0xbb]]],
  );
});

test('runs further apart than the join gap stay separate; nearer ones are joined with 0xFF between', () => {
  const far = programPieces([run(0x0, 1), run(0x1000, 2)], 2, 16384, 256);
  assert.deepEqual(
    far.map((p) => [p.address, p.data.length]),
    [
      [0x0, 2],
      [0x1000, 2],
    ],
  );
  const near = programPieces([run(0x0, 1), run(0x10, 2)], 2, 16384, 256);
  assert.deepEqual(
    near.map((p) => [p.address, p.data.length]),
    [[0x0, 0x12]],
  );
  assert.equal(near[0]!.data[0x10], 2);
  assert.equal(near[0]!.data[5], 0xff);
});

test('a long run is cut into pieces of at most the buffer size, on access boundaries', () => {
  const data = new Uint8Array(40_000).map((_, i) => i & 0xff);
  const pieces = programPieces([{ address: 0x0800_4000, data }], 4, 16384);
  assert.deepEqual(
    pieces.map((p) => [p.address - 0x0800_4000, p.data.length]),
    [
      [0, 16384],
      [16384, 16384],
      [32768, 40_000 - 32768],
    ],
  );
  assert.deepEqual(pieces[1]!.data.subarray(0, 4), data.subarray(16384, 16388));
});
