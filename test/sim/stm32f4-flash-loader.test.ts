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
const SR_EOP = 1 << 0;
const SR_PGPERR = 1 << 6;
const CR_EOPIE = 1 << 24;
const SCB_SCR = 0xe000_ed10;
const NVIC_ISPR0 = 0xe000_e200;
const FLASH_IRQ_BIT = 1 << 4;
const DHCSR_S_SLEEP = 1 << 18;

const LOADER = 0x2000_0000;
const CONTROL = 0x2000_0400;
/** A ring of three: the third in the data-only CCM, which the loader reads but cannot execute. */
const SLOT_DATA = [0x2000_2000, 0x2000_6000, 0x1000_0000] as const;
const SLOT_BYTES = 0x4000;
const CRC_LIST = 0x2000_0700;
const CRC_SCRATCH = 0x2000_0a00;
/** Descriptor i at CONTROL + 16 + 20 i: { dest, length, data, crc, state }. */
const descriptor = (slot: number): number => CONTROL + 16 + 20 * slot;
const STATE = 16;
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

/**
 * Streams `data` to flash at `address` through the ring of slots, as the host driver does; returns
 * the CRC the loader stored for each slot's programmed flash (with `crcTables`).
 */
function program(
  fb: FirmwareBoard,
  address: number,
  data: Uint8Array,
  accessSize: 1 | 2 | 4,
  cr: number,
  crcTables = 0,
): { address: number; length: number; crc: number }[] {
  const { debug, board } = fb;
  debug.writeBlock(
    CONTROL,
    Uint32Array.of(0, 0, SLOT_DATA.length, crcTables, ...new Array<number>(20).fill(0)),
  );
  startLoader(fb, STM32F4_LOADER_ENTRY.program, [CONTROL, FLASH_R_BASE, cr, accessSize]);
  const done: { address: number; length: number; crc: number }[] = [];
  const inSlot: ({ address: number; length: number } | undefined)[] = [];
  const collect = (slot: number): void => {
    const piece = inSlot[slot];
    if (piece !== undefined) done.push({ ...piece, crc: debug.read32(descriptor(slot) + 12) });
    inSlot[slot] = undefined;
  };
  let slot = 0;
  for (let offset = 0; offset < data.length; offset += SLOT_BYTES) {
    const state = descriptor(slot) + STATE;
    for (let i = 0; debug.read32(state) === SLOT.FULL; i++) {
      if (i > 20_000) assert.fail('the loader did not take a slot');
      board.runFor(0.1 * MS);
    }
    if (debug.read32(state) === SLOT.ERROR) return done;
    collect(slot);
    const chunk = data.subarray(offset, offset + SLOT_BYTES);
    const buffer = SLOT_DATA[slot] ?? 0;
    debug.writeBlock(buffer, words(chunk));
    // One block write, state last: the loader must never see FULL before the rest.
    debug.writeBlock(descriptor(slot), Uint32Array.of(address + offset, chunk.length, buffer, 0, SLOT.FULL));
    inSlot[slot] = { address: address + offset, length: chunk.length };
    slot = (slot + 1) % SLOT_DATA.length;
  }
  const state = descriptor(slot) + STATE;
  while (debug.read32(state) === SLOT.FULL) board.runFor(0.1 * MS);
  if (debug.read32(state) !== SLOT.ERROR) debug.write32(state, SLOT.STOP);
  waitHalted(fb);
  for (let i = 0; i < SLOT_DATA.length; i++) collect((slot + i) % SLOT_DATA.length);
  return done;
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

test('the loader streams 80 KiB around a ring of three slots (one in CCM) at x32 and flash reads back identical', () => {
  const fb = boardWithFirmware('blinky');
  fb.debug.connect();
  fb.debug.halt();
  unlockAndEraseSectors(fb, [1, 2, 3, 4]);
  const data = testImage(80 * 1024);
  const pieces = program(fb, 0x0800_4000, data, 4, CR_PG | PSIZE_X32);
  assert.equal(pieces.length, 5);
  assert.equal(fb.debug.read32(CONTROL), 0, 'status: finished without an error');
  assert.equal(fb.debug.read32(CR) & CR_PG, 0, 'FLASH_CR.PG is off after the run');
  assert.deepEqual(readBytes(fb, 0x0800_4000, data.length), data);
  const pc = fb.debug.readRegister(REGSEL.PC);
  assert.equal(fb.debug.read(pc & ~1, 2), 0xbe00, `halted on a BKPT (pc 0x${pc.toString(16)})`);
});

test('between accesses the core sleeps in WFE, and SCR, FLASH_CR, EOP and the FLASH interrupt are left as found', () => {
  const fb = boardWithFirmware('blinky');
  fb.debug.connect();
  fb.debug.halt();
  unlockAndEraseSectors(fb, [1]);
  // A previous operation with EOPIE leaves EOP set and the (disabled) FLASH interrupt pending: the
  // loader must clear both first, or the first end of operation would be no transition, and no event.
  fb.debug.write32(CR, CR_SER | PSIZE_X32 | (2 << 3) | CR_EOPIE);
  fb.debug.write32(CR, CR_SER | PSIZE_X32 | (2 << 3) | CR_EOPIE | CR_STRT);
  waitFlashIdle(fb);
  assert.notEqual(fb.debug.read32(SR) & SR_EOP, 0, 'EOP set by the erase');
  assert.notEqual(fb.debug.read32(NVIC_ISPR0) & FLASH_IRQ_BIT, 0, 'FLASH interrupt pending');
  fb.debug.write32(CR, 0);
  const scr = fb.debug.read32(SCB_SCR);

  const data = testImage(SLOT_BYTES);
  fb.debug.writeBlock(CONTROL, Uint32Array.of(0, 0, 1, 0, 0x0800_4000, data.length, SLOT_DATA[0], 0, 0));
  fb.debug.writeBlock(SLOT_DATA[0], words(data));
  startLoader(fb, STM32F4_LOADER_ENTRY.program, [CONTROL, FLASH_R_BASE, CR_PG | PSIZE_X32, 4]);
  fb.debug.write32(descriptor(0) + STATE, SLOT.FULL);
  // 4096 accesses of 16 µs: sample DHCSR through the SW-DP every 0.2 ms while the slot is programmed.
  let samples = 0;
  let sleeping = 0;
  for (let i = 0; fb.debug.read32(descriptor(0) + STATE) === SLOT.FULL; i++) {
    if (i > 5_000) assert.fail('the loader did not finish the slot');
    fb.board.runFor(0.2 * MS);
    samples++;
    if (fb.debug.dhcsr() & DHCSR_S_SLEEP) sleeping++;
  }
  fb.debug.write32(descriptor(0) + STATE, SLOT.STOP); // a ring of one: slot 0 is next again
  waitHalted(fb);
  assert.ok(samples >= 200, `${samples} samples`);
  assert.ok(sleeping / samples > 0.8, `asleep in ${sleeping} of ${samples} samples`);
  assert.equal(fb.debug.read32(CONTROL), 0, 'status: finished without an error');
  assert.deepEqual(readBytes(fb, 0x0800_4000, data.length), data);
  assert.equal(fb.debug.read32(SCB_SCR), scr, 'SCR as found (SEVONPEND off again)');
  assert.equal(fb.debug.read32(CR), 0, 'FLASH_CR: PG, EOPIE, ERRIE off');
  assert.equal(fb.debug.read32(SR) & SR_EOP, 0, 'EOP clear');
  assert.equal(fb.debug.read32(NVIC_ISPR0) & FLASH_IRQ_BIT, 0, 'FLASH interrupt not pending');
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
  assert.equal(fb.debug.read32(descriptor(0) + STATE), SLOT.ERROR);
  assert.equal(fb.debug.read32(CR) & CR_PG, 0);
});

test('with CRC tables the loader stores each slot’s CRC of the flash it programmed', () => {
  const fb = boardWithFirmware('blinky');
  fb.debug.connect();
  fb.debug.halt();
  unlockAndEraseSectors(fb, [1, 2, 3, 4]);
  const data = testImage(72 * 1024 + 12);
  const pieces = program(fb, 0x0800_4000, data, 4, CR_PG | PSIZE_X32, CRC_SCRATCH);
  assert.deepEqual(
    pieces.map((p) => p.length),
    [16384, 16384, 16384, 16384, 8204],
  );
  for (const piece of pieces) {
    const offset = piece.address - 0x0800_4000;
    assert.equal(
      piece.crc,
      crc32Mpeg2(data.subarray(offset, offset + piece.length)),
      `slot CRC at 0x${piece.address.toString(16)}`,
    );
  }
  assert.deepEqual(readBytes(fb, 0x0800_4000, data.length), data);
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
