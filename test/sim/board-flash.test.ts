import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DiscoveryBoard } from '../../src/sim/board/discovery.js';
import { decodeState, encodeState } from '../../src/sim/board/state-file.node.js';
import { MS, SwdDebugger, SwdDebuggerError, boardWithFirmware } from '../support/swd-debugger.js';

/**
 * Flash programming and erase through the debugger, as a host's flash driver does it (RM0090 §3.6),
 * with DS8626's typical times in virtual time, and the non-volatile contents kept across boards
 * (what `--state FILE` does with them).
 */
const FLASH = { KEYR: 0x4002_3c04, SR: 0x4002_3c0c, CR: 0x4002_3c10 } as const;
const KEY1 = 0x4567_0123;
const KEY2 = 0xcdef_89ab;
const CR = {
  PG: 1 << 0,
  SER: 1 << 1,
  STRT: 1 << 16,
  LOCK: 1 << 31,
  PSIZE_X8: 0 << 8,
  PSIZE_X32: 2 << 8,
} as const;
const SR = { EOP: 1 << 0, PGSERR: 1 << 7, BSY: 1 << 16, ERRORS: 0xf2 } as const;
const SECTOR4 = 0x0801_0000; // 64 KiB, erased on a blinky board
const OTP = 0x1fff_7800;

function unlock(debug: SwdDebugger): void {
  debug.write32(FLASH.KEYR, KEY1);
  debug.write32(FLASH.KEYR, KEY2);
  assert.equal(debug.read32(FLASH.CR) & CR.LOCK, 0, 'FLASH_CR unlocked');
}

describe('flash through the debugger', () => {
  it('programs words with PG and PSIZE x32; each program access takes 16 µs', () => {
    const { board, debug } = boardWithFirmware('blinky');
    debug.connect();
    debug.halt();
    unlock(debug);
    debug.write32(FLASH.CR, CR.PSIZE_X32 | CR.PG);
    const start = board.now;
    const words = [0x1122_3344, 0x5566_7788, 0x99aa_bbcc, 0xddee_ff00];
    words.forEach((word, i) => {
      debug.write32(SECTOR4 + 4 * i, word);
    });
    const elapsed = board.now - start;
    // Back-to-back writes wait for BSY (WAIT, retried while the board runs): at least 3 × 16 µs.
    assert.ok(elapsed >= 3 * 16_000, `programming took ${elapsed} ns of virtual time`);
    while ((debug.read32(FLASH.SR) & SR.BSY) !== 0) board.runFor(0.01 * MS);
    debug.write32(FLASH.CR, CR.PSIZE_X32);
    assert.equal(debug.read32(FLASH.SR) & SR.ERRORS, 0);
    assert.deepEqual([...debug.readBlock(SECTOR4, 4)], words);
    // Programming only clears bits: writing 0xFFFFFFFF over a word leaves it as it is.
    debug.write32(FLASH.CR, CR.PSIZE_X32 | CR.PG);
    debug.write32(SECTOR4, 0xffff_ffff);
    board.runFor(0.1 * MS);
    assert.equal(debug.read32(SECTOR4), words[0]);
  });

  it('a store without FLASH_CR.PG is a programming sequence error and changes nothing', () => {
    const { board, debug } = boardWithFirmware('blinky');
    debug.connect();
    debug.halt();
    debug.write32(SECTOR4, 0);
    board.runFor(0.1 * MS);
    assert.notEqual(debug.read32(FLASH.SR) & SR.PGSERR, 0, 'PGSERR');
    assert.equal(debug.read32(SECTOR4), 0xffff_ffff);
    assert.notEqual(debug.read32(FLASH.CR) & CR.LOCK, 0, 'still locked');
  });

  it('a sector erase takes DS8626 time (64 KiB at x32: 550 ms); a flash read meanwhile waits', () => {
    const { board, debug } = boardWithFirmware('blinky');
    debug.connect();
    debug.halt();
    unlock(debug);
    debug.write32(FLASH.CR, CR.PSIZE_X32 | CR.PG);
    debug.write32(SECTOR4, 0x0bad_f00d);
    board.runFor(0.1 * MS);
    debug.write32(FLASH.CR, CR.PSIZE_X32 | CR.SER | (4 << 3));
    debug.write32(FLASH.CR, CR.PSIZE_X32 | CR.SER | (4 << 3) | CR.STRT);
    const start = board.now;
    board.runFor(500 * MS);
    assert.notEqual(debug.read32(FLASH.SR) & SR.BSY, 0, 'BSY after 500 ms');
    // The AHB read stalls; the SW-DP answers WAIT until the erase is over, then the erased value.
    assert.equal(debug.read32(SECTOR4), 0xffff_ffff);
    const took = board.now - start;
    assert.ok(took >= 550 * MS && took < 551 * MS, `erase took ${took / MS} ms`);
    assert.equal(debug.read32(FLASH.SR) & (SR.BSY | SR.ERRORS), 0);
  });

  it('a mass erase at x32 takes 8 s of virtual time (DS8626 tME) and erases everything', () => {
    const { board, debug } = boardWithFirmware('blinky');
    debug.connect();
    debug.halt();
    unlock(debug);
    const MER = 1 << 2;
    debug.write32(FLASH.CR, CR.PSIZE_X32 | MER);
    debug.write32(FLASH.CR, CR.PSIZE_X32 | MER | CR.STRT);
    const start = board.now;
    board.runFor(7900 * MS);
    assert.notEqual(debug.read32(FLASH.SR) & SR.BSY, 0, 'BSY after 7.9 s');
    board.runFor(101 * MS);
    assert.equal(debug.read32(FLASH.SR) & (SR.BSY | SR.ERRORS), 0);
    assert.ok(board.now - start >= 8000 * MS);
    assert.equal(debug.read32(0x0800_0000), 0xffff_ffff, 'blinky is gone');
  });

  it('flash and OTP contents survive into a new board built from the same storage (--state)', () => {
    const { board, debug } = boardWithFirmware('blinky');
    debug.connect();
    debug.halt();
    unlock(debug);
    debug.write32(FLASH.CR, CR.PSIZE_X32 | CR.PG);
    debug.write32(SECTOR4 + 0x100, 0xa5a5_5a5a);
    board.runFor(0.1 * MS);
    debug.write32(FLASH.CR, CR.PSIZE_X8 | CR.PG);
    debug.write(OTP, 0x42, 1);
    board.runFor(0.1 * MS);
    assert.equal(debug.read(OTP, 1), 0x42);

    // Through the --state file format (src/sim/board/state-file.node.ts) and back.
    const restored = decodeState(encodeState(board.soc.devices.flash.storage), 'state.bin');
    board.power(false);

    const next = new DiscoveryBoard({ storage: restored });
    const nextDebug = new SwdDebugger(next.swd, {
      onWait: () => {
        next.runFor(10_000);
      },
    });
    nextDebug.connect();
    assert.equal(nextDebug.read32(SECTOR4 + 0x100), 0xa5a5_5a5a);
    assert.equal(nextDebug.read(OTP, 1), 0x42);
    next.runFor(300 * MS);
    // blinky itself came along in flash and runs on the new board.
    assert.notEqual(nextDebug.read32(0x4002_0c14) & 0xf000, 0);
  });

  it('a wrong key locks FLASH_CR until the next reset', () => {
    const { board, debug } = boardWithFirmware('blinky');
    debug.connect();
    debug.halt();
    const faults = (run: () => void): boolean => {
      try {
        run();
        return false;
      } catch (error) {
        if (error instanceof SwdDebuggerError && error.failure === 'fault') return true;
        throw error;
      }
    };
    // RM0090 §3.6.1: a wrong sequence is answered with a bus error (a FAULT to the debugger).
    assert.ok(
      faults(() => {
        debug.write32(FLASH.KEYR, 0x1234_5678);
      }),
      'wrong key: bus error',
    );
    faults(() => {
      debug.write32(FLASH.KEYR, KEY1);
    });
    faults(() => {
      debug.write32(FLASH.KEYR, KEY2);
    });
    assert.notEqual(debug.read32(FLASH.CR) & CR.LOCK, 0, 'locked until reset');
    board.setNrst(true);
    board.setNrst(false);
    board.runFor(1 * MS);
    unlock(debug);
  });
});
