import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DHCSR_BITS, MS, REGSEL, boardWithFirmware } from '../support/swd-debugger.js';

/**
 * blinky on the virtual Discovery, observed through the SW-DP only: GPIOD_ODR walks the four LEDs
 * every 250 ms of virtual time, and its counters advance (firmware/src/blinky.c).
 */
const GPIOD_ODR = 0x4002_0c14;
const LED_BITS = 0xf000;

describe('blinky through the debug port', () => {
  it('connects: DPIDR 0x2BA01477, DBGMCU_IDCODE 0x10076413, CPUID of a Cortex-M4 r0p1', () => {
    const { debug } = boardWithFirmware('blinky');
    assert.equal(debug.connect(), 0x2ba01477);
    assert.equal(debug.read32(0xe004_2000) & 0xfff, 0x413);
    assert.equal(debug.read32(0xe000_ed00), 0x410fc241);
    assert.equal(debug.read(0x1fff_7a22, 2), 0x0400);
  });

  it('moves blocks of SRAM with TAR auto-increment across 1 KiB boundaries', () => {
    const { debug } = boardWithFirmware('blinky');
    debug.connect();
    const data = Uint32Array.from({ length: 600 }, (_, i) => (i * 0x9e37_79b9) >>> 0);
    debug.writeBlock(0x2001_03f0, data);
    assert.deepEqual([...debug.readBlock(0x2001_03f0, data.length)], [...data]);
    assert.equal(debug.read32(0x2001_03f0 + 4 * 599), data[599]);
  });

  it('walks the LEDs in GPIOD_ODR over virtual time and advances its counters', () => {
    const { board, debug, symbol } = boardWithFirmware('blinky');
    debug.connect();
    const seen: number[] = [];
    let lastTicks = 0;
    let lastLoops = 0;
    for (let step = 0; step < 4; step++) {
      board.runFor(250 * MS);
      const odr = debug.read32(GPIOD_ODR) & LED_BITS;
      seen.push(odr);
      const ticks = debug.read32(symbol('blinky_ticks'));
      const loops = debug.read32(symbol('blinky_loop_count'));
      assert.ok(ticks > lastTicks, `blinky_ticks advanced (${lastTicks} → ${ticks})`);
      assert.ok(loops > lastLoops, `blinky_loop_count advanced (${lastLoops} → ${loops})`);
      lastTicks = ticks;
      lastLoops = loops;
    }
    // Exactly one LED at a time, each of PD12..PD15 in turn (the step lands inside each 250 ms window
    // after the first LED change, so the first one may be PD12 or PD13).
    for (const odr of seen)
      assert.equal(odr.toString(2).replace(/0/g, '').length, 1, `one LED: 0x${odr.toString(16)}`);
    assert.equal(new Set(seen).size, 4, `four different LEDs: ${seen.map((v) => v.toString(16)).join(',')}`);
    // SysTick at 1 kHz from 16 MHz: 1000 ms of virtual time give about 1000 ticks.
    assert.ok(Math.abs(lastTicks - 1000) <= 2, `blinky_ticks ≈ 1000 after 1 s, got ${lastTicks}`);
    // The board's LED model reads the same pins.
    const lit = Object.entries(board.leds).filter(([, on]) => on);
    assert.equal(lit.length, 1);
  });

  it('halts, reads core registers, and resumes with the counters moving on', () => {
    const { board, debug, symbol } = boardWithFirmware('blinky');
    board.runFor(5 * MS);
    debug.connect();
    debug.halt();
    const pc = debug.readRegister(REGSEL.PC);
    assert.ok(pc >= 0x0800_0000 && pc < 0x0810_0000, `PC in flash: 0x${pc.toString(16)}`);
    const sp = debug.readRegister(REGSEL.SP);
    assert.ok(sp >= 0x2000_0000 && sp <= 0x2002_0000, `SP in SRAM: 0x${sp.toString(16)}`);
    const ticks = debug.read32(symbol('blinky_ticks'));
    board.runFor(50 * MS);
    assert.equal(debug.read32(symbol('blinky_ticks')), ticks, 'halted: no ticks');
    assert.equal(debug.readRegister(REGSEL.PC), pc, 'halted: PC unchanged');
    debug.writeRegister(REGSEL.R0, 0x1234_5678);
    assert.equal(debug.readRegister(REGSEL.R0), 0x1234_5678);
    debug.resume();
    board.runFor(50 * MS);
    assert.ok(debug.read32(symbol('blinky_ticks')) >= ticks + 45);
    assert.equal(debug.dhcsr() & DHCSR_BITS.S_HALT, 0);
  });
});
