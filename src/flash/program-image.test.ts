/**
 * flashImage's choices against an in-memory flash driver: what it compares, when it preloads the
 * loader's ring (during the erase, never before it starts), and how a CRC the driver reports per piece
 * replaces the verify pass and catches a piece that did not take.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { MemoryAccess } from '../arm/memory-access.js';
import { SwdkitError } from '../util/errors.js';
import { crc32Mpeg2 } from './crc32-mpeg2.js';
import type { Segment } from './image/types.js';
import { planFlash, type FlashSector, type PlanMemory } from './plan.js';
import { flashImage, type FlashDriver, type Meanwhile } from './program-image.js';

const KiB = 1024;
const BASE = 0x0800_0000;
const sectors: FlashSector[] = [16, 16, 16, 16].map((k, index) => ({
  index,
  address: BASE + index * 16 * KiB,
  size: k * KiB,
}));
const MEMORY: PlanMemory = {
  flash: { address: BASE, size: 64 * KiB, sectors },
  ram: [{ name: 'SRAM', address: 0x2000_0000, size: 128 * KiB }],
};

/** A flash of four 16 KiB sectors that records what it was asked to do, in order. */
class FakeFlash implements FlashDriver {
  readonly parallelism = { accessBytes: 4 as const, name: 'x32' };
  readonly pieceBytes = 4 * KiB;
  readonly bytes = new Uint8Array(64 * KiB).fill(0xff);
  readonly log: string[] = [];
  crcRequests = 0;
  /** Pieces (by address) the "hardware" programs wrongly: one bit flipped. */
  readonly flaky = new Set<number>();
  reportCrc = true;

  async unlock(): Promise<void> {}
  async lock(): Promise<void> {}
  async eraseSector(sector: FlashSector, _ms: number, meanwhile?: Meanwhile): Promise<void> {
    this.log.push(`erase ${sector.index}`);
    if (meanwhile !== undefined) await meanwhile(Number.POSITIVE_INFINITY);
    this.bytes.fill(0xff, sector.address - BASE, sector.address - BASE + sector.size);
  }
  async massErase(_ms: number, meanwhile?: Meanwhile): Promise<void> {
    this.log.push('mass erase');
    if (meanwhile !== undefined) await meanwhile(Number.POSITIVE_INFINITY);
    this.bytes.fill(0xff);
  }
  async preload(pieces: readonly Segment[], options: { crc: boolean }): Promise<void> {
    await Promise.resolve();
    this.log.push(`preload ${pieces.length} crc=${options.crc}`);
  }
  async program(
    pieces: readonly Segment[],
    onProgrammed: (piece: Segment, crc: number | undefined) => void,
    options: { crc?: boolean } = {},
  ): Promise<void> {
    await Promise.resolve();
    this.log.push(`program ${pieces.length}`);
    for (const piece of pieces) {
      this.bytes.set(piece.data, piece.address - BASE);
      if (this.flaky.has(piece.address)) this.bytes.set([(piece.data[0] ?? 0) ^ 1], piece.address - BASE);
      const actual = this.bytes.subarray(piece.address - BASE, piece.address - BASE + piece.data.length);
      onProgrammed(piece, options.crc === true && this.reportCrc ? crc32Mpeg2(actual) : undefined);
    }
  }
  async crc(ranges: readonly { address: number; length: number }[]): Promise<number[]> {
    await Promise.resolve();
    this.crcRequests++;
    return ranges.map((r) => crc32Mpeg2(this.bytes.subarray(r.address - BASE, r.address - BASE + r.length)));
  }
  /** The MemoryAccess view of the same flash (the sample reads and readback). */
  memory(): MemoryAccess {
    const read = (address: number, length: number): Promise<Uint8Array> =>
      Promise.resolve(this.bytes.slice(address - BASE, address - BASE + length));
    return { readMemory: read } as unknown as MemoryAccess;
  }
}

function imageOf(length: number, seed: number): Segment {
  const data = new Uint8Array(length);
  for (let i = 0; i < length; i++) data[i] = (i * 31 + seed) & 0xff;
  return { address: BASE, data };
}

const eraseTimes = { sectorMs: () => 500, massMs: 100 };

async function flash(driver: FakeFlash, segment: Segment, verify = true) {
  const plan = planFlash('x.bin', { format: 'bin', entry: undefined, segments: [segment] }, MEMORY);
  return flashImage(plan, driver, driver.memory(), { allSectors: sectors, eraseTimes, verify });
}

test('the ring is preloaded during the (mass) erase, and the per-piece CRCs make the verify pass', async () => {
  const driver = new FakeFlash();
  const report = await flash(driver, imageOf(64 * KiB, 1));
  assert.deepEqual(driver.log, ['mass erase', 'preload 16 crc=true', 'program 16']);
  assert.equal(report.verified, 'crc');
  // Every sector's first bytes differed from the erased flash: the comparison needed no loader CRC,
  // and the verify needed none either.
  assert.equal(driver.crcRequests, 0);
});

test('sector by sector, only the first erase carries the preload', async () => {
  const driver = new FakeFlash();
  await flash(driver, imageOf(32 * KiB, 2));
  assert.deepEqual(driver.log, ['erase 0', 'preload 8 crc=true', 'erase 1', 'program 8']);
});

test('a sector whose first bytes match is compared by CRC, and left alone when it matches', async () => {
  const driver = new FakeFlash();
  const image = imageOf(32 * KiB, 3);
  await flash(driver, image);
  driver.log.length = 0;
  // Change the end of sector 1 only: its first 64 bytes still match, so only a CRC can tell.
  const changed = { address: image.address, data: image.data.slice() };
  changed.data.set([(image.data[32 * KiB - 1] ?? 0) ^ 0xff], 32 * KiB - 1);
  const report = await flash(driver, changed);
  assert.deepEqual(report.written, [1]);
  assert.deepEqual(report.unchanged, [0]);
  assert.equal(driver.crcRequests, 1);
});

test('a piece whose CRC after programming differs fails the verify, naming its sector', async () => {
  const driver = new FakeFlash();
  driver.flaky.add(BASE + 20 * KiB);
  await assert.rejects(flash(driver, imageOf(64 * KiB, 4)), (error: unknown) => {
    assert.ok(error instanceof SwdkitError);
    assert.equal(error.code, 'target.flash-verify-failed');
    assert.match(error.message, /sector 1 do not hold the image/);
    return true;
  });
});

test('a driver that reports no CRCs gets a verify pass of its own, which catches the same fault', async () => {
  const driver = new FakeFlash();
  driver.reportCrc = false;
  driver.flaky.add(BASE + 36 * KiB);
  await assert.rejects(flash(driver, imageOf(64 * KiB, 5)), /sector 2 do not hold the image/);
  assert.equal(driver.crcRequests, 1);
});

test('without verify no CRC is asked of the loader', async () => {
  const driver = new FakeFlash();
  const report = await flash(driver, imageOf(16 * KiB, 6), false);
  assert.equal(report.verified, 'no');
  assert.deepEqual(driver.log, ['erase 0', 'preload 4 crc=false', 'program 4']);
});
