import { test } from 'node:test';
import assert from 'node:assert/strict';
import { planFlash, type PlanMemory } from './plan.js';
import type { Image } from './image/types.js';
import { SwdkitError } from '../util/errors.js';

const KiB = 1024;
const sizes = [16, 16, 16, 16, 64, 128, 128, 128, 128, 128, 128, 128].map((k) => k * KiB);
let at = 0x0800_0000;
const sectors = sizes.map((size, index) => {
  const sector = { index, address: at, size };
  at += size;
  return sector;
});
const MEMORY: PlanMemory = {
  flash: { address: 0x0800_0000, size: 1024 * KiB, sectors },
  ram: [
    { name: 'SRAM', address: 0x2000_0000, size: 128 * KiB },
    { name: 'CCM', address: 0x1000_0000, size: 64 * KiB },
  ],
};

const image = (...segments: [number, number][]): Image => ({
  format: 'elf',
  entry: undefined,
  segments: segments.map(([address, length]) => ({ address, data: new Uint8Array(length).fill(0xa5) })),
});

test('a 40,112-byte image at the flash base touches sectors 0-2 only, with its bytes split at the sector edges', () => {
  const plan = planFlash('x.elf', image([0x0800_0000, 40_112]), MEMORY);
  assert.deepEqual(
    plan.sectors.map((s) => [s.sector.index, s.bytes]),
    [
      [0, 16 * KiB],
      [1, 16 * KiB],
      [2, 40_112 - 32 * KiB],
    ],
  );
  assert.equal(plan.sectors[2]!.runs[0]!.address, 0x0800_8000);
  assert.equal(plan.flashBytes, 40_112);
  assert.deepEqual(plan.ram, []);
});

test('two runs in one sector stay two runs; a run spanning the 64 KiB sector 4 into sector 5 is split there', () => {
  const plan = planFlash('x.elf', image([0x0800_c000, 16], [0x0800_c100, 16], [0x0801_fff0, 32]), MEMORY);
  assert.deepEqual(
    plan.sectors.map((s) => [s.sector.index, s.runs.map((r) => [r.address, r.data.length])]),
    [
      [
        3,
        [
          [0x0800_c000, 16],
          [0x0800_c100, 16],
        ],
      ],
      [4, [[0x0801_fff0, 16]]],
      [5, [[0x0802_0000, 16]]],
    ],
  );
});

test('segments that load into SRAM or CCM are RAM writes, not flash', () => {
  const plan = planFlash('x.elf', image([0x0800_0000, 8], [0x2000_0000, 64], [0x1000_0000, 4]), MEMORY);
  assert.deepEqual(
    plan.ram.map((s) => s.address),
    [0x2000_0000, 0x1000_0000],
  );
  assert.equal(plan.sectors.length, 1);
});

test('a segment outside flash and RAM is refused, naming its address, before anything is planned', () => {
  assert.throws(
    () => planFlash('x.elf', image([0x0800_0000, 8], [0x6000_0000, 4]), MEMORY),
    (error: unknown) =>
      error instanceof SwdkitError &&
      error.code === 'bad-input.image-outside-memory' &&
      /0x60000000/.test(error.message) &&
      /nothing was written/.test(error.message),
  );
});

test('an image larger than flash is refused as running past the end of flash', () => {
  assert.throws(
    () => planFlash('big.bin', image([0x0800_0000, 1024 * KiB + 1]), MEMORY),
    (error: unknown) => error instanceof SwdkitError && /runs past the end of flash/.test(error.message),
  );
});

test('a segment that straddles the end of SRAM is refused (it is not entirely inside one RAM)', () => {
  assert.throws(() => planFlash('x.elf', image([0x2001_fff0, 32]), MEMORY), /outside the chip/);
});
