/**
 * The STM32F4 flash driver and the image programmer through the real host stack (StLink over the
 * in-process transport to the virtual ST-Link): what is written reads back byte for byte, an unchanged
 * image erases nothing, write protection is named, and a failure names the sectors left behind.
 * The board is seen only through the probe; its internals are read only to check the outcome.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { readImageFile } from '../../src/flash/image/load.js';
import type { Image } from '../../src/flash/image/types.js';
import { planFlash, type PlanMemory } from '../../src/flash/plan.js';
import { FlashIncompleteError, flashImage, type EraseTimes } from '../../src/flash/program-image.js';
import { Stm32f4Flash } from '../../src/flash/stm32f4/driver.js';
import { PARALLELISM } from '../../src/flash/stm32f4/psize.js';
import type { AlgorithmCore, AlgorithmRun } from '../../src/flash/algorithm.js';
import { StLink } from '../../src/probe/stlink.js';
import { DiscoveryBoard } from '../../src/sim/board/discovery.js';
import { VirtualStLinkDevice } from '../../src/sim/probe/virtual-stlink.js';
import { InProcessTransport } from '../../src/transport/in-process.js';
import { SwdkitError } from '../../src/util/errors.js';
import { firmwareElf } from '../support/paths.js';

const KiB = 1024;
const DHCSR = 0xe000_edf0;
const DBGKEY = 0xa05f_0000;
const C_DEBUGEN = 1;
const C_HALT = 2;
const C_MASKINTS = 8;
const S_HALT = 1 << 17;

const SECTOR_SIZES = [16, 16, 16, 16, 64, 128, 128, 128, 128, 128, 128, 128].map((k) => k * KiB);
const SECTORS = SECTOR_SIZES.map((size, index) => ({
  index,
  size,
  address: 0x0800_0000 + SECTOR_SIZES.slice(0, index).reduce((a, b) => a + b, 0),
}));
const MEMORY: PlanMemory = {
  flash: { address: 0x0800_0000, size: 1024 * KiB, sectors: SECTORS },
  ram: [{ name: 'SRAM', address: 0x2000_0000, size: 128 * KiB }],
};
/** DS8626 typical, x32. */
const ERASE_TIMES: EraseTimes = {
  sectorMs: (s) => (s.size <= 16 * KiB ? 250 : s.size <= 64 * KiB ? 550 : 1000),
  massMs: 8000,
};

/** The few core operations the driver needs, straight over the probe (the arm/ layer's job later). */
function algorithmCore(stlink: StLink): AlgorithmCore {
  return {
    async startAlgorithm(run: AlgorithmRun) {
      for (const [i, value] of run.args.entries()) await stlink.writeRegister(i, value);
      await stlink.writeRegister(13, run.stack);
      await stlink.writeRegister(16, 0x0100_0000);
      await stlink.writeRegister(15, run.entry);
      await stlink.writeDebugRegister(DHCSR, DBGKEY | C_DEBUGEN | C_MASKINTS);
    },
    async isHalted() {
      return ((await stlink.readDebugRegister(DHCSR)) & S_HALT) !== 0;
    },
    async halt() {
      await stlink.writeDebugRegister(DHCSR, DBGKEY | C_DEBUGEN | C_HALT);
    },
    readCoreRegister: (index) => stlink.readRegister(index),
  };
}

interface Rig {
  readonly board: DiscoveryBoard;
  readonly stlink: StLink;
  readonly flash: Stm32f4Flash;
  /** Probe commands answered so far; a cut is armed by setting `cutAfter`. */
  commands: number;
  cutAfter: number;
}

async function rig(preload?: Image): Promise<Rig> {
  const board = new DiscoveryBoard({
    powered: false,
    ...(preload === undefined ? {} : { preload: preload.segments.map((s) => ({ ...s })) }),
  });
  board.power(true);
  board.runFor(2e6);
  const device = new VirtualStLinkDevice(board, {
    charge: (ns) => {
      board.runFor(ns);
    },
  });
  const state: Rig = {
    board,
    stlink: undefined as unknown as StLink,
    flash: undefined as unknown as Stm32f4Flash,
    commands: 0,
    cutAfter: Infinity,
  };
  // Counting exchanges lets a test unplug the probe after the Nth command.
  const counting = {
    identity: device.identity,
    exchange: (command: Uint8Array, phase: Parameters<typeof device.exchange>[1]) => {
      state.commands++;
      if (state.commands > state.cutAfter) throw new Error('test: USB link cut');
      return device.exchange(command, phase);
    },
    readTrace: (n: number) => device.readTrace(n),
  };
  const stlink = await StLink.open(new InProcessTransport(counting));
  await stlink.enterSwd();
  await stlink.writeDebugRegister(DHCSR, DBGKEY | C_DEBUGEN | C_HALT);
  const flash = new Stm32f4Flash({
    memory: stlink,
    core: algorithmCore(stlink),
    parallelism: PARALLELISM.x32,
    ramBase: 0x2000_0000,
    sleep: async () => {
      board.runFor(1e6);
      await Promise.resolve();
    },
  });
  return Object.assign(state, { stlink, flash });
}

function image(...segments: [number, Uint8Array][]): Image {
  return {
    format: 'elf',
    entry: undefined,
    segments: segments.map(([address, data]) => ({ address, data })),
  };
}

function pattern(length: number, seed: number): Uint8Array {
  let x = seed;
  return Uint8Array.from({ length }, () => {
    x = (Math.imul(x, 1_103_515_245) + 12_345) >>> 0;
    return x >>> 24;
  });
}

const flashBytes = (board: DiscoveryBoard, address: number, length: number): Uint8Array =>
  board.soc.devices.flash.storage.main.subarray(address - 0x0800_0000, address - 0x0800_0000 + length);

describe('STM32F4 flash driver on the virtual board', () => {
  test('blinky.elf programs at x32 into sector 0 only, verifies by CRC, and leaves FLASH_CR locked', async () => {
    const blinky = readImageFile(firmwareElf('blinky'));
    const r = await rig(image([0x0800_0000, pattern(20 * KiB, 7)]));
    const plan = planFlash('blinky.elf', blinky, MEMORY);
    const report = await flashImage(plan, r.flash, r.stlink, {
      allSectors: SECTORS,
      eraseTimes: ERASE_TIMES,
    });
    assert.deepEqual(report.written, [0]);
    assert.equal(report.verified, 'crc');
    assert.equal(report.massErase, false);
    for (const segment of blinky.segments) {
      assert.deepEqual(flashBytes(r.board, segment.address, segment.data.length), segment.data);
    }
    // Sector 1 still holds what was there: only the sectors the image touches are erased.
    assert.deepEqual(flashBytes(r.board, 0x0800_4000, 4 * KiB), pattern(20 * KiB, 7).subarray(16 * KiB));
    assert.notEqual((await r.stlink.read32(0x4002_3c10)) & 0x8000_0000, 0, 'FLASH_CR.LOCK');
  });

  test('flashing the same image again erases and programs nothing', async () => {
    const data = pattern(200 * KiB, 3);
    const r = await rig();
    const plan = planFlash('x.bin', image([0x0800_0000, data]), MEMORY);
    const first = await flashImage(plan, r.flash, r.stlink, { allSectors: SECTORS, eraseTimes: ERASE_TIMES });
    assert.deepEqual(first.written, [0, 1, 2, 3, 4, 5]);
    const again = await flashImage(plan, r.flash, r.stlink, { allSectors: SECTORS, eraseTimes: ERASE_TIMES });
    assert.deepEqual(again.written, []);
    assert.deepEqual(again.unchanged, [0, 1, 2, 3, 4, 5]);
    assert.equal(again.bytesProgrammed, 0);
    assert.deepEqual(flashBytes(r.board, 0x0800_0000, data.length), data);
  });

  test('an image that changes one sector rewrites that sector only', async () => {
    const data = pattern(64 * KiB, 5);
    const r = await rig(image([0x0800_0000, data]));
    const changed = data.slice();
    changed[40 * KiB] = (changed[40 * KiB] ?? 0) ^ 0xff;
    const report = await flashImage(
      planFlash('x.bin', image([0x0800_0000, changed]), MEMORY),
      r.flash,
      r.stlink,
      {
        allSectors: SECTORS,
        eraseTimes: ERASE_TIMES,
      },
    );
    assert.deepEqual(report.written, [2]);
    assert.deepEqual(flashBytes(r.board, 0x0800_0000, changed.length), changed);
  });

  test('an image covering every sector is written after one mass erase', async () => {
    const data = pattern(1024 * KiB, 9);
    const r = await rig(image([0x0800_0000, pattern(1024 * KiB, 10)]));
    const report = await flashImage(
      planFlash('big.bin', image([0x0800_0000, data]), MEMORY),
      r.flash,
      r.stlink,
      {
        allSectors: SECTORS,
        eraseTimes: ERASE_TIMES,
      },
    );
    assert.equal(report.massErase, true);
    assert.equal(report.written.length, 12);
    assert.deepEqual(flashBytes(r.board, 0x0800_0000, data.length), data);
  });

  test('a write-protected sector fails with WRPERR naming the sector and the command that clears it', async () => {
    const r = await rig();
    // nWRP bit 1 cleared through the option bytes, as `flash protect` would.
    await r.stlink.write32(0x4002_3c08, 0x0819_2a3b);
    await r.stlink.write32(0x4002_3c08, 0x4c5d_6e7f);
    const optcr = 0x0fff_aaec & ~(1 << 17);
    await r.stlink.write32(0x4002_3c14, optcr);
    await r.stlink.write32(0x4002_3c14, optcr | 2);
    while ((await r.stlink.read32(0x4002_3c0c)) & (1 << 16)) r.board.runFor(10e6);
    // Option bytes are loaded at reset (RM0090 3.7): reset with VC_CORERESET to halt at the vector.
    await r.stlink.write32(0xe000_edfc, 1);
    await r.stlink.write32(0xe000_ed0c, 0x05fa_0004);
    r.board.runFor(1e6);
    assert.ok(await algorithmCore(r.stlink).isHalted());
    await assert.rejects(
      flashImage(planFlash('x.bin', image([0x0800_4000, pattern(1024, 1)]), MEMORY), r.flash, r.stlink, {
        allSectors: SECTORS,
        eraseTimes: ERASE_TIMES,
      }),
      (error: unknown) => {
        assert.ok(error instanceof SwdkitError);
        assert.match(error.message, /WRPERR.*sector 1 is write-protected/);
        assert.match(error.hint ?? '', /--unprotect-sectors 1/);
        assert.ok(!(error instanceof FlashIncompleteError), 'a refused erase changed nothing');
        return true;
      },
    );
  });

  test('a link cut part way through programming names the sectors left erased or partly written', async () => {
    const data = pattern(96 * KiB, 11);
    const r = await rig(image([0x0800_0000, pattern(96 * KiB, 12)]));
    r.cutAfter = r.commands + 400;
    await assert.rejects(
      flashImage(planFlash('x.bin', image([0x0800_0000, data]), MEMORY), r.flash, r.stlink, {
        allSectors: SECTORS,
        eraseTimes: ERASE_TIMES,
      }),
      (error: unknown) => {
        assert.ok(error instanceof FlashIncompleteError, String(error));
        assert.match(error.message, /NOT on the target/);
        assert.ok(error.erased.length + error.partlyWritten.length > 0);
        return true;
      },
    );
  });
});
