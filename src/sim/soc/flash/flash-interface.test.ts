import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { NS_PER_MS, NS_PER_SECOND, NS_PER_US } from '../clock.js';
import { EventClock } from '../event-clock.js';
import type { SocContext } from '../soc-context.js';
import { FlashInterface } from './flash-interface.js';
import {
  FLASH_CR,
  FLASH_KEY,
  FLASH_OPTKEY,
  FLASH_REG,
  FLASH_SR,
  type Psize,
} from '../../../target/stm32f4/flash-registers.js';
import { FlashStorage } from './flash-storage.js';

const { ACR, KEYR, OPTKEYR, SR, CR, OPTCR } = FLASH_REG;
const FLASH = 0x0800_0000;
const OTP = 0x1fff_7800;
const PG = FLASH_CR.PG;
const PSIZE = (p: Psize) => p << 8;

class TestBusError extends Error {
  constructor(
    readonly address: number,
    readonly access: string,
  ) {
    super(`bus error ${access} 0x${address.toString(16)}`);
  }
}

/** A FLASH interface on a fake SoC with a real EventClock. */
function rig(storage = new FlashStorage()) {
  const clock = new EventClock();
  const irqNumbers: number[] = [];
  let irqLevel = false;
  const ctx: SocContext = {
    clock,
    clocks: { sysclk: 16e6, hclk: 16e6, pclk1: 16e6, pclk2: 16e6, lsi: 32e3 },
    irq(n) {
      irqNumbers.push(n);
      return (level) => (irqLevel = level);
    },
    requestReset() {},
    coreHalted: false,
    debugFreeze: { cr: 0, apb1fz: 0, apb2fz: 0 },
    consoleByte() {},
  };
  const codeChanges: [number, number][] = [];
  const state = { intrusion: false, backupSramErased: 0 };
  const flash = new FlashInterface(ctx, storage, {
    codeChanged: (address, length) => codeChanges.push([address, length]),
    busError: (address, access) => {
      throw new TestBusError(address, access);
    },
    debugIntrusion: () => state.intrusion,
    eraseBackupSram: () => state.backupSramErased++,
  });
  const regs = flash.registers;
  const r = {
    clock,
    flash,
    storage,
    state,
    codeChanges,
    irqNumbers,
    get irq() {
      return irqLevel;
    },
    read: (offset: number) => regs.read(offset, 4) >>> 0,
    write: (offset: number, value: number) => {
      regs.write(offset, 4, value);
    },
    unlock() {
      r.write(KEYR, FLASH_KEY.KEY1);
      r.write(KEYR, FLASH_KEY.KEY2);
    },
    unlockOptions() {
      r.write(OPTKEYR, FLASH_OPTKEY.OPTKEY1);
      r.write(OPTKEYR, FLASH_OPTKEY.OPTKEY2);
    },
    busy: () => (r.read(SR) & FLASH_SR.BSY) !== 0,
    /** Lets virtual time run until the flash is idle (what a BSY poll loop does). */
    waitIdle() {
      clock.advanceTo(Math.max(clock.now, flash.busyUntil));
    },
    /** Commits OPTCR options the way OpenOCD's write_options does (docs/stlink-protocol.md §C.7). */
    writeOptions(options: number) {
      if ((r.read(OPTCR) & 1) !== 0) r.unlockOptions();
      r.write(OPTCR, options);
      r.write(OPTCR, options | 2);
      r.waitIdle();
      r.write(OPTCR, options | 1);
    },
    reset() {
      flash.reset('system');
    },
  };
  return r;
}

describe('FLASH registers after reset', () => {
  test('hold RM0090 reset values; FLASH is IRQ 4 and always clocked', () => {
    const r = rig();
    assert.equal(r.read(ACR), 0);
    assert.equal(r.read(SR), 0);
    assert.equal(r.read(CR), 0x8000_0000);
    assert.equal(r.read(OPTCR), 0x0fff_aaed);
    assert.equal(r.read(KEYR), 0);
    assert.deepEqual(r.irqNumbers, [4]);
    assert.equal(r.flash.registers.base, 0x4002_3c00);
    assert.equal(r.flash.registers.clockEnable, undefined);
    assert.equal(r.flash.rdpLevel, 0);
  });

  test('ACR holds LATENCY/PRFTEN/ICEN/DCEN; ICRST is writable only with the I-cache off', () => {
    const r = rig();
    r.write(ACR, 0xffff_ffff);
    assert.equal(r.read(ACR), 0x1f07);
    assert.equal(r.flash.latency, 7);
    r.write(ACR, 0);
    r.write(ACR, 0x0205); // ICEN on, ICRST off
    r.write(ACR, 0x0a05); // ICRST while ICEN is (still) on: ignored
    assert.equal(r.read(ACR), 0x0205);
    r.write(ACR, 0x0005);
    r.write(ACR, 0x0805); // with the I-cache off, ICRST is writable
    assert.equal(r.read(ACR), 0x0805);
    r.write(ACR, 0x0205);
    r.flash.registers.write(ACR, 1, 0x03); // byte access to LATENCY, as the HAL does
    assert.equal(r.read(ACR), 0x0203);
  });
});

describe('FLASH_KEYR', () => {
  test('KEY1 then KEY2 clears LOCK; setting LOCK relocks and the keys work again', () => {
    const r = rig();
    r.unlock();
    assert.equal(r.read(CR), 0);
    r.write(CR, FLASH_CR.LOCK);
    assert.equal(r.read(CR), 0x8000_0000);
    r.unlock();
    assert.equal(r.read(CR), 0);
  });

  test('CR ignores writes while locked', () => {
    const r = rig();
    r.write(CR, PG | PSIZE(2));
    assert.equal(r.read(CR), 0x8000_0000);
  });

  for (const [name, sequence] of [
    ['a wrong first key', [0x1234_5678]],
    ['KEY2 first', [FLASH_KEY.KEY2]],
    ['KEY1 then a wrong key', [FLASH_KEY.KEY1, 0]],
    ['KEY1 twice', [FLASH_KEY.KEY1, FLASH_KEY.KEY1]],
    ['a key written while unlocked', [FLASH_KEY.KEY1, FLASH_KEY.KEY2, FLASH_KEY.KEY1]],
  ] as const) {
    test(`${name} is a bus error and locks CR until reset`, () => {
      const r = rig();
      const last = sequence.length - 1;
      sequence.forEach((key, i) => {
        if (i < last) r.write(KEYR, key);
        else
          assert.throws(
            () => {
              r.write(KEYR, key);
            },
            { address: 0x4002_3c04, access: 'write' },
          );
      });
      assert.equal(r.read(CR), 0x8000_0000);
      // The right sequence no longer helps: every key write is a bus error now.
      assert.throws(() => {
        r.write(KEYR, FLASH_KEY.KEY1);
      }, TestBusError);
      assert.throws(() => {
        r.write(KEYR, FLASH_KEY.KEY2);
      }, TestBusError);
      assert.equal(r.read(CR), 0x8000_0000);
      r.reset();
      r.unlock();
      assert.equal(r.read(CR), 0);
    });
  }

  test('a key split into halfword writes is a wrong sequence', () => {
    const r = rig();
    assert.throws(() => {
      r.flash.registers.write(KEYR, 2, FLASH_KEY.KEY1 & 0xffff);
    }, TestBusError);
    assert.equal(r.read(CR), 0x8000_0000);
  });
});

describe('programming (PG)', () => {
  for (const [psize, size, value, expected] of [
    [0, 1, 0x5a, [0x5a, 0xff, 0xff, 0xff]],
    [1, 2, 0x1234, [0x34, 0x12, 0xff, 0xff]],
    [2, 4, 0x8765_4321, [0x21, 0x43, 0x65, 0x87]],
  ] as const) {
    test(`x${8 << psize}: a ${size}-byte store programs, BSY for 16 µs, EOP only with EOPIE`, () => {
      const r = rig();
      r.unlock();
      r.write(CR, PG | PSIZE(psize));
      r.clock.advanceTo(1000);
      assert.equal(r.flash.programWrite(FLASH + 0x100, size, value), true);
      assert.deepEqual([...r.storage.main.subarray(0x100, 0x104)], expected);
      assert.deepEqual(r.codeChanges, [[FLASH + 0x100, size]]);
      assert.equal(r.flash.busyUntil, 1000 + 16 * NS_PER_US);
      r.clock.advanceTo(1000 + 16 * NS_PER_US - 1);
      assert.equal(r.read(SR), FLASH_SR.BSY);
      r.clock.advanceTo(1000 + 16 * NS_PER_US);
      assert.equal(r.read(SR), 0, 'no EOP without EOPIE');

      r.write(CR, PG | PSIZE(psize) | FLASH_CR.EOPIE);
      r.flash.programWrite(FLASH + 0x200, size, 0);
      r.waitIdle();
      assert.equal(r.read(SR), FLASH_SR.EOP);
      assert.equal(r.irq, true);
      r.write(SR, FLASH_SR.EOP);
      assert.equal(r.read(SR), 0);
      assert.equal(r.irq, false);
    });
  }

  test('bits only go from 1 to 0: programming ANDs into the old contents', () => {
    const r = rig();
    r.unlock();
    r.write(CR, PG | PSIZE(0));
    r.flash.programWrite(FLASH, 1, 0x0f);
    r.waitIdle();
    r.flash.programWrite(FLASH, 1, 0xf0);
    r.waitIdle();
    assert.equal(r.storage.main[0], 0x00);
    r.flash.programWrite(FLASH + 1, 1, 0xff); // programming 0xFF over 0xFF changes nothing
    assert.equal(r.codeChanges.length, 2);
  });

  test('the boot alias at 0x00000000 programs main flash', () => {
    const r = rig();
    r.unlock();
    r.write(CR, PG | PSIZE(2));
    r.flash.programWrite(0x0000_0010, 4, 0);
    assert.deepEqual([...r.storage.main.subarray(0x10, 0x14)], [0, 0, 0, 0]);
    assert.deepEqual(r.codeChanges, [[FLASH + 0x10, 4]]);
  });

  test('addresses outside main flash and OTP are not the flash interface’s', () => {
    const r = rig();
    assert.equal(r.flash.programWrite(0x2000_0000, 4, 0), false);
    assert.equal(r.flash.programWrite(0x1fff_c000, 1, 0), false);
    assert.equal(r.read(SR), 0);
  });

  const errorCases: readonly [string, number, number, 1 | 2 | 4, number][] = [
    ['PG clear: PGSERR', PSIZE(2), FLASH + 0x40, 4, FLASH_SR.PGSERR],
    ['PG clear at x8 with a word store: PGSERR | PGPERR (0xC0)', PSIZE(0), FLASH + 0x40, 4, 0xc0],
    ['PG with SER: PGSERR', PG | FLASH_CR.SER | PSIZE(2), FLASH + 0x40, 4, FLASH_SR.PGSERR],
    ['PG with MER: PGSERR', PG | FLASH_CR.MER | PSIZE(0), FLASH + 0x40, 1, FLASH_SR.PGSERR],
    ['halfword at x32: PGPERR', PG | PSIZE(2), FLASH + 0x40, 2, FLASH_SR.PGPERR],
    ['word at x16: PGPERR', PG | PSIZE(1), FLASH + 0x40, 4, FLASH_SR.PGPERR],
    ['word at x64: PGPERR', PG | PSIZE(3), FLASH + 0x40, 4, FLASH_SR.PGPERR],
    ['misaligned word: PGAERR', PG | PSIZE(2), FLASH + 0x42, 4, FLASH_SR.PGAERR],
    ['word crossing a 128-bit row: PGAERR', PG | PSIZE(2), FLASH + 0x4e, 4, FLASH_SR.PGAERR],
  ];
  for (const [name, cr, address, size, flags] of errorCases) {
    test(`${name}; nothing is programmed, BSY stays clear`, () => {
      const r = rig();
      r.unlock();
      r.write(CR, cr);
      r.flash.programWrite(address, size, 0);
      assert.equal(r.read(SR), flags);
      assert.ok(r.storage.main.every((byte) => byte === 0xff));
      assert.deepEqual(r.codeChanges, []);
      assert.equal(r.flash.busyUntil, 0);
      r.write(SR, 0xf3);
      assert.equal(r.read(SR), 0, 'error flags are write-1-to-clear');
    });
  }

  test('ERRIE: an error also sets OPERR and raises the FLASH interrupt', () => {
    const r = rig();
    r.unlock();
    r.write(CR, PSIZE(2) | FLASH_CR.ERRIE);
    r.flash.programWrite(FLASH, 4, 0);
    assert.equal(r.read(SR), FLASH_SR.PGSERR | FLASH_SR.OPERR);
    assert.equal(r.irq, true);
    r.write(SR, FLASH_SR.PGSERR | FLASH_SR.OPERR);
    assert.equal(r.irq, false);
  });

  test('BSY is read-only', () => {
    const r = rig();
    r.unlock();
    r.write(CR, PG);
    r.flash.programWrite(FLASH, 1, 0);
    r.write(SR, 0xffff_ffff);
    assert.equal(r.read(SR), FLASH_SR.BSY);
  });

  test('accesses that arrive while BSY are replayed in order when it clears (a stalled bus)', () => {
    const r = rig();
    r.unlock();
    r.write(CR, PG | PSIZE(0));
    r.flash.programWrite(FLASH, 1, 0x0f);
    assert.equal(r.flash.registerWriteStallUntil(CR), 16 * NS_PER_US);
    assert.equal(r.flash.registerWriteStallUntil(OPTCR), 16 * NS_PER_US);
    assert.equal(r.flash.registerWriteStallUntil(SR), 0);
    r.flash.programWrite(FLASH + 1, 1, 0x00);
    r.write(CR, PG | PSIZE(2)); // must not change PSIZE under the first two accesses
    r.flash.programWrite(FLASH + 4, 4, 0);
    assert.equal(r.storage.main[1], 0xff);
    assert.equal(r.read(CR), PG | PSIZE(0));
    r.waitIdle(); // first completes, second starts
    assert.equal(r.storage.main[1], 0x00);
    r.waitIdle(); // second completes; the CR write applies, then the word store starts
    assert.equal(r.read(CR), PG | PSIZE(2));
    assert.equal(r.storage.main[4], 0x00);
    r.waitIdle();
    assert.equal(r.read(SR) & 0xf2, 0);
    assert.equal(r.clock.now, 3 * 16 * NS_PER_US);
  });

  test('OpenOCD’s loader flow (reference C.6): CR ← 0x101, STRH, poll BSY, SR & 0xF0 = 0', () => {
    const r = rig();
    r.unlock();
    const image = [0x4800, 0x4801, 0xbeef, 0x0000];
    image.forEach((halfword, i) => {
      r.write(CR, 0x0000_0101);
      r.flash.programWrite(FLASH + 2 * i, 2, halfword);
      let polls = 0;
      while (r.busy()) {
        r.clock.advanceTo(r.clock.now + 1000);
        polls++;
      }
      assert.equal(polls, 16);
      assert.equal(r.read(SR) & 0xf0, 0);
    });
    r.write(CR, 0x8000_0000);
    assert.deepEqual([...r.storage.main.subarray(0, 8)], [0x00, 0x48, 0x01, 0x48, 0xef, 0xbe, 0, 0]);
    // Odd trailing byte: CR ← PG | x8 and a byte store.
    r.unlock();
    r.write(CR, 0x0000_0001);
    r.flash.programWrite(FLASH + 8, 1, 0x12);
    r.waitIdle();
    assert.equal(r.read(SR) & 0xf2, 0);
    assert.equal(r.storage.main[8], 0x12);
  });
});

describe('erase', () => {
  const cases: readonly [Psize, number, number][] = [
    [0, 0, 400 * NS_PER_MS],
    [0, 4, 1200 * NS_PER_MS],
    [0, 5, 2 * NS_PER_SECOND],
    [1, 3, 300 * NS_PER_MS],
    [1, 4, 700 * NS_PER_MS],
    [1, 11, 1.3 * NS_PER_SECOND],
    [2, 1, 250 * NS_PER_MS],
    [2, 4, 550 * NS_PER_MS],
    [2, 7, 1 * NS_PER_SECOND],
    [3, 0, 250 * NS_PER_MS],
  ];
  const sectorBounds = (index: number) => {
    const starts = [0, 0x4000, 0x8000, 0xc000, 0x1_0000];
    const start = index < 5 ? starts[index]! : 0x2_0000 * (index - 4);
    const size = index < 4 ? 0x4000 : index === 4 ? 0x1_0000 : 0x2_0000;
    return { start, size };
  };
  for (const [psize, sector, duration] of cases) {
    test(`sector ${sector} at x${8 << psize}: ${duration / NS_PER_MS} ms of BSY, then EOP`, () => {
      const r = rig();
      r.storage.main.fill(0);
      r.unlock();
      r.write(CR, PSIZE(psize) | FLASH_CR.EOPIE);
      r.write(CR, PSIZE(psize) | FLASH_CR.EOPIE | FLASH_CR.SER | (sector << 3) | FLASH_CR.STRT);
      assert.equal(r.flash.busyUntil, duration);
      assert.notEqual(r.read(CR) & FLASH_CR.STRT, 0, 'STRT reads 1 while the erase runs');
      r.clock.advanceTo(duration - 1);
      assert.equal(r.read(SR), FLASH_SR.BSY);
      r.clock.advanceTo(duration);
      assert.equal(r.read(SR), FLASH_SR.EOP);
      assert.equal(r.read(CR) & FLASH_CR.STRT, 0);
      const { start, size } = sectorBounds(sector);
      assert.ok(r.storage.main.subarray(start, start + size).every((b) => b === 0xff));
      assert.equal(r.storage.main[start - 1] ?? 0, 0);
      assert.equal(r.storage.main[start + size] ?? 0, 0);
      assert.deepEqual(r.codeChanges, [[FLASH + start, size]]);
    });
  }

  test('OpenOCD’s single-write erase CR ← 0x00010012 erases sector 2 at x8 (reference C.4)', () => {
    const r = rig();
    r.storage.main.fill(0);
    r.unlock();
    r.write(CR, 0x0001_0012);
    let polls = 0;
    while (r.busy()) {
      r.clock.advanceTo(r.clock.now + NS_PER_MS);
      polls++;
    }
    assert.equal(polls, 400);
    assert.equal(r.read(SR) & 0xf2, 0);
    assert.equal(r.storage.main[0x8000], 0xff);
    assert.equal(r.storage.main[0x7fff], 0);
    r.write(CR, 0x8000_0000);
    assert.equal(r.read(CR), 0x8000_0000);
  });

  for (const [psize, seconds] of [
    [0, 16],
    [1, 11],
    [2, 8],
  ] as const) {
    test(`mass erase at x${8 << psize} takes ${seconds} s and leaves OTP alone`, () => {
      const r = rig();
      r.storage.main.fill(0x11);
      r.storage.otp.fill(0x22);
      r.unlock();
      r.write(CR, PSIZE(psize) | FLASH_CR.MER);
      r.write(CR, PSIZE(psize) | FLASH_CR.MER | FLASH_CR.STRT);
      assert.equal(r.flash.busyUntil, seconds * NS_PER_SECOND);
      r.waitIdle();
      assert.equal(r.read(SR), 0);
      assert.ok(r.storage.main.every((b) => b === 0xff));
      assert.ok(r.storage.otp.every((b) => b === 0x22));
    });
  }

  test('SER with MER, or a sector number past 11, sets PGSERR and erases nothing', () => {
    for (const cr of [
      FLASH_CR.SER | FLASH_CR.MER | FLASH_CR.STRT,
      FLASH_CR.SER | (12 << 3) | FLASH_CR.STRT,
    ]) {
      const r = rig();
      r.storage.main.fill(0);
      r.unlock();
      r.write(CR, cr);
      assert.equal(r.read(SR), FLASH_SR.PGSERR);
      assert.equal(r.flash.busyUntil, 0);
      assert.ok(r.storage.main.every((b) => b === 0));
    }
  });

  test('STRT without SER or MER starts nothing', () => {
    const r = rig();
    r.unlock();
    r.write(CR, FLASH_CR.STRT | PG);
    assert.equal(r.read(SR), 0);
    assert.equal(r.read(CR), PG);
  });

  test('a reset during an erase aborts it: BSY clear, the sector reads erased, CR locked', () => {
    const r = rig();
    r.storage.main.fill(0);
    r.unlock();
    r.write(CR, FLASH_CR.SER | (5 << 3) | FLASH_CR.STRT);
    r.clock.advanceTo(NS_PER_MS);
    r.reset();
    assert.equal(r.read(SR), 0);
    assert.equal(r.read(CR), 0x8000_0000);
    assert.equal(r.flash.busyUntil, 0);
    assert.equal(r.storage.main[0x2_0000], 0xff);
    r.clock.advanceTo(10 * NS_PER_SECOND); // the cancelled completion never fires
    assert.equal(r.read(SR), 0);
  });
});

describe('write protection (nWRP)', () => {
  function protectedRig() {
    const storage = new FlashStorage();
    storage.optionWord = 0x0fff_aaec & ~(1 << (16 + 2)); // sector 2 protected
    return rig(storage);
  }

  test('programming a protected sector sets WRPERR; other sectors program', () => {
    const r = protectedRig();
    assert.equal(r.flash.sectorWriteProtected(2), true);
    assert.equal(r.read(OPTCR), 0x0ffb_aaed);
    r.unlock();
    r.write(CR, PG | PSIZE(2));
    r.flash.programWrite(FLASH + 0x8000, 4, 0);
    assert.equal(r.read(SR), FLASH_SR.WRPERR);
    assert.equal(r.storage.main[0x8000], 0xff);
    r.write(SR, FLASH_SR.WRPERR);
    r.flash.programWrite(FLASH + 0xc000, 4, 0);
    assert.equal(r.read(SR) & 0xf2, 0);
    assert.equal(r.storage.main[0xc000], 0);
  });

  test('erasing a protected sector, or a mass erase with any protected sector, sets WRPERR', () => {
    const r = protectedRig();
    r.storage.main.fill(0);
    r.unlock();
    r.write(CR, FLASH_CR.SER | (2 << 3) | FLASH_CR.STRT);
    assert.equal(r.read(SR), FLASH_SR.WRPERR);
    r.write(SR, FLASH_SR.WRPERR);
    r.write(CR, FLASH_CR.MER | FLASH_CR.STRT);
    assert.equal(r.read(SR), FLASH_SR.WRPERR);
    assert.ok(r.storage.main.every((b) => b === 0));
    r.write(SR, FLASH_SR.WRPERR);
    r.write(CR, FLASH_CR.SER | (3 << 3) | FLASH_CR.STRT);
    assert.equal(r.read(SR), FLASH_SR.BSY);
  });

  test('new nWRP bits take effect at the next reset; flash protect off (C.7) lifts protection', () => {
    const r = rig();
    r.writeOptions(0x0ffe_aaec); // protect sector 0
    assert.equal(r.flash.sectorWriteProtected(0), false);
    r.reset();
    assert.equal(r.flash.sectorWriteProtected(0), true);
    r.writeOptions(0x0fff_aaec);
    r.reset();
    assert.equal(r.flash.sectorWriteProtected(0), false);
  });
});

describe('option bytes (OPTCR, OPTSTRT)', () => {
  test('OPTKEYR unlocks OPTCR; a wrong key is a bus error that locks it until reset', () => {
    const r = rig();
    r.write(OPTCR, 0x0fff_55ec);
    assert.equal(r.read(OPTCR), 0x0fff_aaed, 'locked OPTCR ignores writes');
    r.unlockOptions();
    assert.equal(r.read(OPTCR), 0x0fff_aaec);
    r.write(OPTCR, 0x0fff_aaed);
    assert.equal(r.read(OPTCR), 0x0fff_aaed, 'OPTLOCK relocks');
    assert.throws(
      () => {
        r.write(OPTKEYR, FLASH_OPTKEY.OPTKEY2);
      },
      { address: 0x4002_3c08 },
    );
    assert.throws(() => {
      r.unlockOptions();
    }, TestBusError);
    assert.equal(r.read(OPTCR) & 1, 1);
    r.reset();
    r.unlockOptions();
    assert.equal(r.read(OPTCR), 0x0fff_aaec);
  });

  test('OpenOCD’s lock (C.7): OPTCR 0x0FFF00EC, 0x0FFF00EE, 0x0FFF00ED; level 1 after reset', () => {
    const r = rig();
    r.unlockOptions();
    r.write(OPTCR, 0x0fff_00ec);
    assert.equal(r.read(OPTCR), 0x0fff_00ec);
    r.write(OPTCR, 0x0fff_00ee);
    assert.equal(r.read(SR), FLASH_SR.BSY);
    assert.equal(r.read(OPTCR), 0x0fff_00ee, 'OPTSTRT reads 1 while programming');
    assert.equal(r.flash.busyUntil, 400 * NS_PER_MS);
    r.waitIdle();
    assert.equal(r.read(OPTCR), 0x0fff_00ec);
    r.write(OPTCR, 0x0fff_00ed);
    assert.equal(r.flash.rdpLevel, 0, 'not before the next reset');
    assert.deepEqual([...r.storage.optionBytes.subarray(0, 4)], [0xec, 0x00, 0x13, 0xff]);
    r.reset();
    assert.equal(r.read(OPTCR), 0x0fff_00ed);
    assert.equal(r.flash.rdpLevel, 1);
  });

  test('RDP 0x55 committed by OPTSTRT is level 1 after a reset, and flash is kept', () => {
    const r = rig();
    r.storage.main[0] = 0x42;
    r.writeOptions(0x0fff_55ec);
    r.reset();
    assert.equal(r.flash.rdpLevel, 1);
    assert.equal(r.storage.main[0], 0x42);
    assert.equal(r.state.backupSramErased, 0);
  });

  test('byte-lane OPTCR writes as the STM32 HAL does them: RDP byte, then OPTSTRT in byte 0', () => {
    const r = rig();
    r.unlockOptions();
    const regs = r.flash.registers;
    regs.write(OPTCR + 1, 1, 0x55);
    assert.equal(r.read(OPTCR), 0x0fff_55ec);
    regs.write(OPTCR, 1, regs.read(OPTCR, 1) | 0x02);
    assert.equal(r.busy(), true);
    r.waitIdle();
    r.reset();
    assert.equal(r.flash.rdpLevel, 1);
  });

  test('an OPTCR written without OPTSTRT is forgotten at reset', () => {
    const r = rig();
    r.unlockOptions();
    r.write(OPTCR, 0x0fff_55ec);
    r.reset();
    assert.equal(r.read(OPTCR), 0x0fff_aaed);
  });

  test('level 1 → 0 mass-erases main flash and backup SRAM, keeps OTP, and takes tME + option time', () => {
    const r = rig();
    r.writeOptions(0x0fff_00ec);
    r.reset();
    r.storage.main.fill(0x33);
    r.storage.otp.fill(0x44);
    r.codeChanges.length = 0;
    const start = r.clock.now;
    r.unlockOptions();
    r.write(OPTCR, 0x0fff_aaec);
    r.write(OPTCR, 0x0fff_aaee);
    assert.equal(r.flash.busyUntil - start, 16 * NS_PER_SECOND + 400 * NS_PER_MS);
    r.waitIdle();
    r.write(OPTCR, 0x0fff_aaed);
    assert.ok(r.storage.main.every((b) => b === 0xff));
    assert.ok(r.storage.otp.every((b) => b === 0x44));
    assert.deepEqual(r.codeChanges, [[FLASH, 0x10_0000]]);
    assert.equal(r.state.backupSramErased, 1);
    assert.equal(r.flash.rdpLevel, 1, 'still level 1 until reset');
    r.reset();
    assert.equal(r.flash.rdpLevel, 0);
  });

  test('a level 1 → level 1 change and a level 0 → level 0 rewrite erase nothing', () => {
    const r = rig();
    r.storage.main[5] = 0;
    r.writeOptions(0x0fff_aaec);
    r.writeOptions(0x0fff_55ec);
    r.reset();
    r.writeOptions(0x0fff_00ec);
    assert.equal(r.storage.main[5], 0);
    assert.equal(r.state.backupSramErased, 0);
  });

  test('a reset during a level 1 → 0 regression: flash already erased, options unchanged', () => {
    const r = rig();
    r.writeOptions(0x0fff_00ec);
    r.reset();
    r.storage.main.fill(0);
    r.unlockOptions();
    r.write(OPTCR, 0x0fff_aaee);
    r.clock.advanceTo(r.clock.now + NS_PER_SECOND);
    r.reset();
    assert.equal(r.flash.rdpLevel, 1);
    assert.equal(r.storage.main[0], 0xff);
  });

  test('level 2 is permanent: OPTSTRT can no longer change the option bytes', () => {
    const r = rig();
    r.storage.main[0] = 0;
    r.writeOptions(0x0fff_ccec);
    // Stored 0xCC: already final before the reset.
    r.writeOptions(0x0fff_aaec);
    r.reset();
    assert.equal(r.flash.rdpLevel, 2);
    assert.equal(r.read(OPTCR), 0x0fff_cced);
    r.writeOptions(0x0fff_aaec);
    r.writeOptions(0x0ff0_55ec);
    r.reset();
    assert.equal(r.flash.rdpLevel, 2);
    assert.equal(r.read(OPTCR), 0x0fff_cced);
    assert.equal(r.storage.main[0], 0, 'no regression erase either');
  });

  test('USER bits: WDG_SW, nRST_STOP, nRST_STDBY, BOR_LEV load at reset', () => {
    const r = rig();
    assert.equal(r.flash.hardwareWatchdog, false);
    assert.equal(r.flash.resetOnStop, false);
    assert.equal(r.flash.resetOnStandby, false);
    assert.equal(r.flash.borLevel, 3);
    r.writeOptions(0x0fff_aa04); // WDG_SW = 0, nRST_STOP = 0, nRST_STDBY = 0, BOR_LEV = 1
    assert.equal(r.flash.hardwareWatchdog, false);
    r.reset();
    assert.equal(r.flash.hardwareWatchdog, true);
    assert.equal(r.flash.resetOnStop, true);
    assert.equal(r.flash.resetOnStandby, true);
    assert.equal(r.flash.borLevel, 1);
    assert.equal(r.read(OPTCR), 0x0fff_aa05);
  });

  test('readOptionBytes presents the stored bytes little-endian; committed options show before reset', () => {
    const r = rig();
    assert.equal(r.flash.readOptionBytes(0, 4) >>> 0, 0x5513_aaec);
    assert.equal(r.flash.readOptionBytes(8, 4) >>> 0, 0xf000_0fff);
    assert.equal(r.flash.readOptionBytes(1, 1), 0xaa);
    assert.equal(r.flash.readOptionBytes(2, 2), 0x5513);
    r.writeOptions(0x0ffe_55ec);
    assert.equal(r.flash.readOptionBytes(0, 4) >>> 0, 0xaa13_55ec);
    assert.equal(r.flash.readOptionBytes(8, 4) >>> 0, 0xf001_0ffe);
    assert.equal(r.flash.rdpLevel, 0, 'in force only after reset');
    assert.equal(r.flash.main, r.storage.main);
    assert.equal(r.flash.otp, r.storage.otp);
  });

  test('without a debugIntrusion hook no intrusion is assumed; without busError a wrong key still locks', () => {
    const clock = new EventClock();
    const ctx = { clock, irq: () => () => undefined } as unknown as SocContext;
    const storage = new FlashStorage();
    storage.optionWord = 0x0fff_55ec; // level 1
    const flash = new FlashInterface(ctx, storage, { codeChanged: () => undefined });
    flash.registers.write(KEYR, 4, FLASH_KEY.KEY1);
    flash.registers.write(KEYR, 4, FLASH_KEY.KEY2);
    flash.registers.write(CR, 4, PG);
    flash.programWrite(FLASH, 1, 0);
    assert.equal(storage.main[0], 0, 'level 1 without intrusion: programming allowed');
    flash.reset('system');
    flash.registers.write(KEYR, 4, 0);
    flash.registers.write(KEYR, 4, FLASH_KEY.KEY1);
    flash.registers.write(KEYR, 4, FLASH_KEY.KEY2);
    assert.equal(flash.registers.read(CR, 4) >>> 0, 0x8000_0000);
  });

  test('option bytes read back with complements at 0x1FFFC000 (factory image)', () => {
    const { optionBytes } = new FlashStorage();
    assert.deepEqual(
      [...optionBytes],
      [0xec, 0xaa, 0x13, 0x55, 0xff, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x00, 0xf0, 0xff, 0xff, 0xff, 0xff],
    );
  });
});

describe('read protection (RDP level 1)', () => {
  function level1() {
    const r = rig();
    r.writeOptions(0x0fff_00ec);
    r.reset();
    return r;
  }

  test('readProtected needs level ≥ 1 and intrusion', () => {
    const r = rig();
    assert.equal(r.flash.readProtected(true), false);
    const p = level1();
    assert.equal(p.flash.readProtected(false), false);
    assert.equal(p.flash.readProtected(true), true);
  });

  test('with intrusion, flash stores and erases are refused with WRPERR; OTP stays programmable', () => {
    const r = level1();
    r.state.intrusion = true;
    r.unlock();
    r.write(CR, PG | PSIZE(0));
    r.flash.programWrite(FLASH, 1, 0);
    assert.equal(r.read(SR), FLASH_SR.WRPERR);
    assert.equal(r.storage.main[0], 0xff);
    r.write(SR, FLASH_SR.WRPERR);
    r.flash.programWrite(OTP, 1, 0x5a);
    r.waitIdle();
    assert.equal(r.storage.otp[0], 0x5a);
    r.write(CR, FLASH_CR.MER | FLASH_CR.STRT);
    assert.equal(r.read(SR), FLASH_SR.WRPERR);
    r.write(SR, FLASH_SR.WRPERR);
    r.write(CR, FLASH_CR.SER | (7 << 3) | FLASH_CR.STRT);
    assert.equal(r.read(SR), FLASH_SR.WRPERR);
  });

  test('without intrusion (booted from flash), level 1 code programs and erases its flash', () => {
    const r = level1();
    r.unlock();
    r.write(CR, PG | PSIZE(0));
    r.flash.programWrite(FLASH, 1, 0);
    r.waitIdle();
    assert.equal(r.storage.main[0], 0);
    r.write(CR, FLASH_CR.SER | FLASH_CR.STRT);
    r.waitIdle();
    assert.equal(r.read(SR) & 0xf2, 0);
    assert.equal(r.storage.main[0], 0xff);
  });
});

describe('OTP', () => {
  test('programs once (bits only clear) and is never erased', () => {
    const r = rig();
    r.unlock();
    r.write(CR, PG | PSIZE(2));
    r.flash.programWrite(OTP + 0x20, 4, 0x1234_5678);
    r.waitIdle();
    assert.deepEqual([...r.storage.otp.subarray(0x20, 0x24)], [0x78, 0x56, 0x34, 0x12]);
    r.flash.programWrite(OTP + 0x20, 4, 0xffff_ffff);
    r.waitIdle();
    assert.deepEqual([...r.storage.otp.subarray(0x20, 0x24)], [0x78, 0x56, 0x34, 0x12]);
    assert.deepEqual(r.codeChanges, [], 'OTP is not code');
  });

  test('a lock byte of 0x00 locks its block (WRPERR); other blocks and lock bytes stay programmable', () => {
    const r = rig();
    r.unlock();
    r.write(CR, PG | PSIZE(0));
    r.flash.programWrite(OTP + 0x200 + 1, 1, 0x00); // lock block 1 (0x1FFF7820–3F)
    r.waitIdle();
    r.flash.programWrite(OTP + 0x200 + 2, 1, 0x0f); // partly programmed lock byte: not locked
    r.waitIdle();
    r.flash.programWrite(OTP + 0x3f, 1, 0);
    assert.equal(r.read(SR), FLASH_SR.WRPERR);
    assert.equal(r.storage.otp[0x3f], 0xff);
    r.write(SR, FLASH_SR.WRPERR);
    r.flash.programWrite(OTP + 0x40, 1, 0);
    r.waitIdle();
    r.flash.programWrite(OTP + 0x1f, 1, 0);
    r.waitIdle();
    assert.equal(r.read(SR) & 0xf2, 0);
    assert.equal(r.storage.otp[0x40], 0);
    assert.equal(r.storage.otp[0x1f], 0);
  });
});
