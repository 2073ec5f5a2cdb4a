/**
 * swdkit's STM32F4 RAM loader (firmware/loader/stm32f4-flash.S) on the virtual board, driven through
 * the SW-DP only: the loader must program what the slots hold, skip nothing it should not, report a
 * failed access with FLASH_SR and the address, and compute the same CRC as the host.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { boardWithFirmware, MS, REGSEL, type FirmwareBoard } from '../support/swd-debugger.js';
import { stm32f4LoaderCode, STM32F4_LOADER_ENTRY } from '../../src/flash/stm32f4/loader-image.js';
import { crc32Mpeg2 } from '../../src/flash/crc32-mpeg2.js';

const FLASH_R_BASE = 0x4002_3c00;
const KEYR = FLASH_R_BASE + 0x04;
const SR = FLASH_R_BASE + 0x0c;
const CR = FLASH_R_BASE + 0x10;
const CR_PG = 1 << 0;
const CR_SER = 1 << 1;
const CR_STRT = 1 << 16;
const PSIZE_X32 = 2 << 8;
const SR_BSY = 1 << 16;
const SR_PGPERR = 1 << 6;

const LOADER = 0x2000_0000;
const CONTROL = 0x2000_0400;
const SLOT_DATA = [0x2000_1000, 0x2000_5000] as const;
const SLOT_BYTES = 0x4000;
const CRC_LIST = 0x2000_0600;
const CRC_SCRATCH = 0x2000_9000;
const STACK_TOP = 0x2002_0000;

const SLOT = { EMPTY: 0, FULL: 1, STOP: 2, ERROR: 3 } as const;

function words(bytes: Uint8Array): Uint32Array {
  const padded = new Uint8Array((bytes.length + 3) & ~3).fill(0xff);
  padded.set(bytes);
  return new Uint32Array(padded.buffer);
}

function waitFlashIdle({ board, debug }: FirmwareBoard): void {
  for (let i = 0; debug.read32(SR) & SR_BSY; i++) {
    if (i > 10_000) assert.fail('FLASH_SR.BSY stayed set');
    board.runFor(1 * MS);
  }
}

function unlockAndEraseSectors(fb: FirmwareBoard, sectors: readonly number[]): void {
  fb.debug.write32(KEYR, 0x4567_0123);
  fb.debug.write32(KEYR, 0xcdef_89ab);
  for (const sector of sectors) {
    fb.debug.write32(CR, CR_SER | PSIZE_X32 | (sector << 3));
    fb.debug.write32(CR, CR_SER | PSIZE_X32 | (sector << 3) | CR_STRT);
    waitFlashIdle(fb);
  }
}

function startLoader(fb: FirmwareBoard, entry: number, registers: readonly number[]): void {
  const { debug } = fb;
  debug.writeBlock(LOADER, words(stm32f4LoaderCode()));
  registers.forEach((value, i) => {
    debug.writeRegister(i, value);
  });
  debug.writeRegister(REGSEL.SP, STACK_TOP);
  debug.writeRegister(REGSEL.XPSR, 0x0100_0000);
  debug.writeRegister(REGSEL.PC, LOADER + entry);
  debug.resume();
}

function waitHalted(fb: FirmwareBoard): void {
  for (let i = 0; !fb.debug.isHalted(); i++) {
    if (i > 20_000) assert.fail('the loader never reached its BKPT');
    fb.board.runFor(0.1 * MS);
  }
}

/** Streams `data` to flash at `address` through the two slots, as the host driver will. */
function program(
  fb: FirmwareBoard,
  address: number,
  data: Uint8Array,
  accessSize: 1 | 2 | 4,
  cr: number,
): void {
  const { debug, board } = fb;
  debug.writeBlock(CONTROL, new Uint32Array(10));
  startLoader(fb, STM32F4_LOADER_ENTRY.program, [CONTROL, FLASH_R_BASE, cr, accessSize]);
  let slot = 0;
  for (let offset = 0; offset < data.length; offset += SLOT_BYTES) {
    const state = CONTROL + 8 + 16 * slot;
    for (let i = 0; debug.read32(state) === SLOT.FULL; i++) {
      if (i > 20_000) assert.fail('the loader did not take a slot');
      board.runFor(0.1 * MS);
    }
    if (debug.read32(state) === SLOT.ERROR) return;
    const chunk = data.subarray(offset, offset + SLOT_BYTES);
    const buffer = slot === 0 ? SLOT_DATA[0] : SLOT_DATA[1];
    debug.writeBlock(buffer, words(chunk));
    debug.writeBlock(state + 4, Uint32Array.of(address + offset, chunk.length, buffer));
    debug.write32(state, SLOT.FULL);
    slot ^= 1;
  }
  const state = CONTROL + 8 + 16 * slot;
  while (debug.read32(state) === SLOT.FULL) board.runFor(0.1 * MS);
  if (debug.read32(state) !== SLOT.ERROR) debug.write32(state, SLOT.STOP);
  waitHalted(fb);
}

function readBytes(fb: FirmwareBoard, address: number, length: number): Uint8Array {
  return new Uint8Array(fb.debug.readBlock(address, length / 4).buffer);
}

function testImage(length: number): Uint8Array {
  const data = new Uint8Array(length);
  let x = 0x1234_5678;
  for (let i = 0; i < length; i++) {
    x = (Math.imul(x, 1_103_515_245) + 12_345) >>> 0;
    data[i] = x >>> 24;
  }
  // Erased-looking runs the loader skips, and must still leave reading all ones.
  data.fill(0xff, 5000, 5100);
  data.fill(0xff, 0x4000, 0x4400);
  return data;
}

test('the loader streams 48 KiB through both slots at x32 and flash reads back identical', () => {
  const fb = boardWithFirmware('blinky');
  fb.debug.connect();
  fb.debug.halt();
  unlockAndEraseSectors(fb, [1, 2, 3]);
  const data = testImage(48 * 1024);
  program(fb, 0x0800_4000, data, 4, CR_PG | PSIZE_X32);
  assert.equal(fb.debug.read32(CONTROL), 0, 'status: finished without an error');
  assert.equal(fb.debug.read32(CR) & CR_PG, 0, 'FLASH_CR.PG is off after the run');
  assert.deepEqual(readBytes(fb, 0x0800_4000, data.length), data);
  const pc = fb.debug.readRegister(REGSEL.PC);
  assert.equal(fb.debug.read(pc & ~1, 2), 0xbe00, `halted on a BKPT (pc 0x${pc.toString(16)})`);
});

test('a parallelism error (byte accesses while PSIZE is x32) stops the loader with FLASH_SR and the address', () => {
  const fb = boardWithFirmware('blinky');
  fb.debug.connect();
  fb.debug.halt();
  unlockAndEraseSectors(fb, [1]);
  program(fb, 0x0800_4000, Uint8Array.of(0x12, 0x34, 0x56, 0x78), 1, CR_PG | PSIZE_X32);
  const status = fb.debug.read32(CONTROL);
  assert.notEqual(status & SR_PGPERR, 0, `FLASH_SR ${status.toString(16)} has PGPERR`);
  assert.equal(fb.debug.read32(CONTROL + 4), 0x0800_4000, 'the failing address');
  assert.equal(fb.debug.read32(CONTROL + 8), SLOT.ERROR);
  assert.equal(fb.debug.read32(CR) & CR_PG, 0);
});

test('the CRC entry equals the host CRC-32/MPEG-2 on aligned, unaligned and tiny ranges of flash and SRAM', () => {
  const fb = boardWithFirmware('blinky');
  fb.debug.connect();
  fb.debug.halt();
  const ranges = [
    [0x0800_0000, 4096],
    [0x0800_0001, 1001],
    [0x0800_0003, 2],
    [0x0800_0010, 0],
    [0x2000_0000, 64],
  ] as const;
  fb.debug.writeBlock(CRC_LIST, Uint32Array.from(ranges.flatMap(([at, n]) => [at, n, 0xffff_ffff])));
  startLoader(fb, STM32F4_LOADER_ENTRY.crc, [CRC_LIST, ranges.length, CRC_SCRATCH]);
  waitHalted(fb);
  ranges.forEach(([at, n], i) => {
    const base = at & ~3;
    const span = (at - base + n + 3) & ~3;
    const bytes = readBytes(fb, base, span).subarray(at - base, at - base + n);
    const target = fb.debug.read32(CRC_LIST + 12 * i + 8);
    assert.equal(target, crc32Mpeg2(bytes), `range ${i} at 0x${at.toString(16)}+${n}`);
  });
});
