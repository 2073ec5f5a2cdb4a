import assert from 'node:assert/strict';
import { test } from 'node:test';
import { massEraseTime, optionProgramTime, PROGRAM_TIME_NS, sectorEraseTime } from './flash-timing.js';

const MS = 1e6;

test('the virtual flash keeps DS8626’s typical figures, now read from target/', () => {
  assert.equal(PROGRAM_TIME_NS, 16_000);
  const expected: [number, [number, number, number]][] = [
    [16 * 1024, [400, 300, 250]],
    [64 * 1024, [1200, 700, 550]],
    [128 * 1024, [2000, 1300, 1000]],
  ];
  for (const [size, [x8, x16, x32]] of expected) {
    assert.equal(sectorEraseTime(size, 0), x8 * MS);
    assert.equal(sectorEraseTime(size, 1), x16 * MS);
    assert.equal(sectorEraseTime(size, 2), x32 * MS);
    assert.equal(sectorEraseTime(size, 3), x32 * MS, 'x64 without VPP: the x32 figures');
  }
  assert.deepEqual(
    [0, 1, 2, 3].map((p) => massEraseTime(p as 0) / MS),
    [16_000, 11_000, 8_000, 8_000],
  );
  assert.equal(optionProgramTime(0), 400 * MS);
  assert.equal(optionProgramTime(2), 250 * MS);
});
