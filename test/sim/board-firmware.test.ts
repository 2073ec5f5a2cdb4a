import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  CTRL_STAT_BITS,
  DEBUG_REG,
  DEMCR_BITS,
  DHCSR_BITS,
  MS,
  REGSEL,
  SwdDebuggerError,
  boardWithFirmware,
  type FirmwareBoard,
} from '../support/swd-debugger.js';

/**
 * The foundation issue's test firmware on the virtual Discovery, each showing its behaviour to a
 * debugger on the SW-DP (issue 4, Proof). Expected values come from the firmware's own header
 * comments (firmware/src/*.c).
 */
const DBGMCU_APB1_FZ = 0xe004_2008;
const DBG_IWDG_STOP = 1 << 12;
const FLASH_OPTCR = 0x4002_3c14;
const RCC_CSR = 0x4002_3874;
const OPTION_BYTES = 0x1fff_c000;
/** RCC_CSR.IWDGRSTF (RM0090 §7.3.21); watchdog_reset_flags keeps RCC_CSR & 0xFF000000 from boot. */
const IWDGRSTF_IN_FLAGS = 1 << 29;

function isNoResponse(error: unknown): boolean {
  return error instanceof SwdDebuggerError && error.failure === 'no-response';
}

/** Connect under reset and halt at the reset vector: the way back to a target that hides. */
function connectUnderReset(target: FirmwareBoard): void {
  const { board, debug } = target;
  board.setNrst(true);
  debug.connect();
  debug.setDhcsr(DHCSR_BITS.C_DEBUGEN);
  debug.write32(DEBUG_REG.DEMCR, DEMCR_BITS.VC_CORERESET);
  board.setNrst(false);
  board.runFor(1 * MS);
  assert.notEqual(debug.dhcsr() & DHCSR_BITS.S_HALT, 0, 'halted at the reset vector');
}

describe('test firmware on the virtual Discovery', () => {
  it('standby: reaches Standby, the SW-DP goes quiet; connect-under-reset reaches it', () => {
    const target = boardWithFirmware('standby');
    const { board, debug, symbol } = target;
    debug.connect();
    board.runFor(100 * MS);
    assert.equal(debug.read32(0xe004_2004), 0, 'DBGMCU_CR cleared by the program');
    board.runFor(200 * MS);
    assert.throws(() => debug.read32(symbol('standby_stage')), isNoResponse);
    assert.throws(() => debug.connect(), isNoResponse);
    connectUnderReset(target);
    // Out of Standby through NRST: a reset of everything but the backup domain; SRAM was lost.
    board.runFor(500 * MS);
    assert.notEqual(debug.readRegister(REGSEL.PC) & 0x0800_0000, 0);
    debug.resume();
    board.runFor(50 * MS);
    assert.equal(debug.read32(symbol('standby_woke_from_standby')), 1, 'PWR_CSR.SBF seen at boot');
    assert.ok(debug.read32(symbol('standby_stage')) <= 3, 'halted before it could sleep again');
  });

  it('stop: reaches Stop, the SW-DP goes quiet; connect-under-reset reaches it', () => {
    const target = boardWithFirmware('stop');
    const { board, debug, symbol } = target;
    board.runFor(300 * MS);
    assert.throws(() => debug.connect(), isNoResponse);
    connectUnderReset(target);
    assert.equal(debug.read32(symbol('stop_wakeups')), 0);
    debug.resume();
    board.runFor(50 * MS);
    assert.equal(debug.read32(symbol('stop_stage')), 2, 'running its delay again');
  });

  it('swd-off: the SW-DP goes silent after 750 ms; under NRST it answers again', () => {
    const target = boardWithFirmware('swd-off');
    const { board, debug, symbol } = target;
    debug.connect();
    board.runFor(740 * MS);
    assert.equal(debug.read32(symbol('swd_off_stage')), 1);
    board.runFor(20 * MS);
    assert.throws(() => debug.read32(symbol('swd_off_stage')), isNoResponse);
    assert.equal(board.leds.green, true, 'green LED: SWD is gone');
    connectUnderReset(target);
    assert.equal(debug.read32(symbol('swd_off_delay_ms')), 750);
  });

  it('watchdog: a running IWDG resets the halted core (RCC_CSR.IWDGRSTF)', () => {
    const { board, debug, symbol } = boardWithFirmware('watchdog');
    board.runFor(50 * MS);
    debug.connect();
    const feeds = debug.read32(symbol('watchdog_feeds'));
    assert.ok(feeds > 0, 'feeding');
    assert.equal(debug.read32(symbol('watchdog_reset_flags')) & IWDGRSTF_IN_FLAGS, 0);
    debug.read32(DEBUG_REG.DHCSR); // clears the sticky S_RESET_ST
    debug.halt();
    board.runFor(300 * MS); // longer than the 150 ms timeout
    assert.notEqual(debug.dhcsr() & DHCSR_BITS.S_RESET_ST, 0, 'a reset happened while halted');
    // C_HALT survives the system reset, so the new run has not cleared the flags yet.
    assert.notEqual(debug.read32(RCC_CSR) & IWDGRSTF_IN_FLAGS, 0, 'RCC_CSR.IWDGRSTF');
    debug.resume();
    board.runFor(20 * MS);
    assert.equal(debug.read32(symbol('watchdog_boots')), 1);
    assert.notEqual(debug.read32(symbol('watchdog_reset_flags')) & IWDGRSTF_IN_FLAGS, 0, 'IWDGRSTF at boot');
  });

  it('watchdog: frozen by DBGMCU_APB1_FZ.DBG_IWDG_STOP, the halted core is not reset', () => {
    const { board, debug, symbol } = boardWithFirmware('watchdog');
    board.runFor(50 * MS);
    debug.connect();
    debug.write32(DBGMCU_APB1_FZ, DBG_IWDG_STOP);
    debug.halt();
    const feeds = debug.read32(symbol('watchdog_feeds'));
    debug.read32(DEBUG_REG.DHCSR);
    board.runFor(300 * MS);
    assert.equal(debug.dhcsr() & DHCSR_BITS.S_RESET_ST, 0, 'no reset while frozen');
    debug.resume();
    board.runFor(10 * MS);
    assert.ok(debug.read32(symbol('watchdog_feeds')) > feeds, 'the same run goes on feeding');
    assert.equal(debug.read32(symbol('watchdog_reset_flags')) & IWDGRSTF_IN_FLAGS, 0);
  });

  it('rdp1: RDP reads back level 1 after reset and flash is unreadable to the debugger', () => {
    const { board, debug, symbol } = boardWithFirmware('rdp1');
    board.runFor(1000 * MS); // option programming takes a sector erase time
    debug.connect();
    assert.equal(debug.read32(symbol('rdp1_state')), 5, 'programming finished');
    assert.equal((debug.read32(FLASH_OPTCR) >>> 8) & 0xff, 0x55);
    assert.equal(debug.read32(0x0800_0000), debug.read32(0x0800_0000), 'still level 0 until reset');
    board.setNrst(true);
    board.setNrst(false);
    board.runFor(10 * MS);
    debug.connect();
    assert.equal(debug.read(OPTION_BYTES + 1, 1), 0x55, 'RDP option byte');
    assert.equal((debug.read32(FLASH_OPTCR) >>> 8) & 0xff, 0x55);
    assert.throws(
      () => debug.read32(0x0800_0000),
      (error: unknown) =>
        error instanceof SwdDebuggerError &&
        error.failure === 'fault' &&
        ((error.ctrlStat ?? 0) & CTRL_STAT_BITS.STICKYERR) !== 0,
    );
    assert.throws(() => debug.read32(0x0000_0004), SwdDebuggerError, 'the boot alias is flash too');
    // SRAM and the debug registers stay reachable.
    assert.equal(debug.read32(0xe000_ed00), 0x410fc241);
    debug.write32(0x2000_1000, 0x600d);
    assert.equal(debug.read32(0x2000_1000), 0x600d);
    // The option bytes are non-volatile: a power cycle keeps level 1.
    board.power(false);
    board.power(true);
    debug.connect();
    assert.equal(debug.read(OPTION_BYTES + 1, 1), 0x55);
    assert.throws(() => debug.read32(0x0800_0000), SwdDebuggerError);
  });

  it('hardfault: ends in its handler with CFSR.IACCVIOL and HFSR.FORCED', () => {
    const { board, debug, symbol } = boardWithFirmware('hardfault');
    board.runFor(20 * MS);
    debug.connect();
    debug.halt();
    assert.equal(debug.read32(symbol('hardfault_count')), 1);
    assert.equal(debug.read32(symbol('hardfault_cfsr')), 0x1);
    assert.equal(debug.read32(symbol('hardfault_hfsr')) >>> 0, 0x4000_0000);
    assert.equal(debug.read32(symbol('hardfault_stacked_pc')) >>> 0, 0xffff_fff0);
    assert.equal(debug.read32(symbol('hardfault_exc_return')) >>> 0, 0xffff_fff9);
    assert.equal(debug.readRegister(REGSEL.XPSR) & 0x1ff, 3, 'IPSR = HardFault');
    assert.equal(debug.read32(DEBUG_REG.CFSR), 0x1);
  });

  it('lockup: the bad vector table ends in lock-up (DHCSR.S_LOCKUP, PC 0xEFFFFFFE)', () => {
    const { board, debug } = boardWithFirmware('lockup');
    board.runFor(5 * MS);
    debug.connect();
    const dhcsr = debug.dhcsr();
    assert.notEqual(dhcsr & DHCSR_BITS.S_LOCKUP, 0, 'S_LOCKUP');
    assert.equal(dhcsr & DHCSR_BITS.S_HALT, 0, 'not halted: locked up');
    assert.notEqual(debug.read32(DEBUG_REG.CFSR) & (1 << 17), 0, 'CFSR.INVSTATE');
    assert.notEqual(debug.read32(DEBUG_REG.HFSR) & (1 << 30), 0, 'HFSR.FORCED');
    debug.halt();
    assert.equal(debug.readRegister(REGSEL.PC) >>> 0, 0xefff_fffe);
    assert.equal(debug.readRegister(REGSEL.XPSR) & 0x1ff, 3);
  });
});
