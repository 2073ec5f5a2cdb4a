import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FlashStorage } from '../../src/sim/soc/flash/flash-storage.js';
import {
  DEBUG_REG,
  DEMCR_BITS,
  DHCSR_BITS,
  MS,
  REGSEL,
  SwdDebuggerError,
  boardWithFirmware,
} from '../support/swd-debugger.js';

/**
 * The debug-port rules of issue 4, each on its own, on the virtual Discovery and seen only through
 * its SW-DP: when the port answers, what survives which reset, and what a halted or reset core does.
 */
const DBGMCU_CR = 0xe004_2004;
const DBG = { SLEEP: 1 << 0, STOP: 1 << 1, STANDBY: 1 << 2 } as const;
const GPIOA_MODER = 0x4002_0000;
const RCC_AHB1ENR = 0x4002_3830;
const SRAM = 0x2000_0000;
const SYST_CSR = 0xe000_e010;
const IWDG_KR = 0x4000_3000;

function noResponse(run: () => unknown): void {
  assert.throws(
    run,
    (error: unknown) => error instanceof SwdDebuggerError && error.failure === 'no-response',
  );
}

describe('debug-port rules', () => {
  it('unpowered: no response, target voltage 0 V; powered: answers at 3.0 V', () => {
    const { board, debug } = boardWithFirmware('blinky', { powered: false });
    assert.equal(board.targetVoltage(), 0);
    noResponse(() => debug.connect());
    board.power(true);
    assert.equal(board.targetVoltage(), 3.0);
    assert.equal(debug.connect(), 0x2ba01477);
    board.power(false);
    noResponse(() => debug.read32(SRAM));
    board.power(true);
    // After a power cycle the SWJ-DP is back in JTAG mode and powered down: a full connect is needed.
    noResponse(() => debug.read32(SRAM));
    debug.connect();
    assert.equal(debug.read32(0xe000_ed00), 0x410fc241);
  });

  it('PA13/PA14 taken as GPIO (swd-off): no response; under NRST it answers, pins at reset', () => {
    const { board, debug, symbol } = boardWithFirmware('swd-off');
    debug.connect();
    board.runFor(700 * MS);
    // GPIOA is not clocked yet (the program enables it just before taking the pins): enable it to look.
    debug.write32(RCC_AHB1ENR, debug.read32(RCC_AHB1ENR) | 1);
    assert.equal(debug.read32(GPIOA_MODER) >>> 0, 0xa800_0000, 'PA13/PA14/PA15 in AF at reset');
    board.runFor(100 * MS);
    assert.equal(board.soc.debugPortSilence, 'swd-pins-reassigned');
    noResponse(() => debug.read32(symbol('swd_off_stage')));
    noResponse(() => debug.connect());
    board.setNrst(true);
    debug.connect();
    assert.equal(board.soc.devices.gpio.A.mode(13), 'alternate', 'PA13 back in its reset function');
    board.setNrst(false);
    board.runFor(10 * MS);
    assert.equal(debug.read32(symbol('swd_off_stage')), 1, 'the program restarted');
  });

  it('RDP level 2: no response, even under reset', () => {
    const storage = new FlashStorage();
    storage.optionWord = (storage.optionWord & ~0xff00) | 0xcc00;
    const { board, debug } = boardWithFirmware('blinky', { storage });
    assert.equal(board.soc.debugPortSilence, 'rdp-level-2');
    noResponse(() => debug.connect());
    board.setNrst(true);
    noResponse(() => debug.connect());
  });

  it('Stop without DBGMCU_CR.DBG_STOP: no response; with it the port answers in Stop', () => {
    const without = boardWithFirmware('stop');
    without.board.runFor(300 * MS);
    assert.equal(without.board.soc.lowPower, 'stop');
    noResponse(() => without.debug.connect());

    const kept = boardWithFirmware('stop');
    kept.board.runFor(20 * MS); // the program has cleared DBGMCU_CR by now
    kept.debug.connect();
    kept.debug.write32(DBGMCU_CR, DBG.STOP);
    kept.board.runFor(300 * MS);
    assert.equal(kept.board.soc.lowPower, 'stop');
    assert.equal(kept.debug.read32(kept.symbol('stop_stage')), 4);
    assert.equal(kept.debug.read32(kept.symbol('stop_wakeups')), 0);
  });

  it('Standby without DBGMCU_CR.DBG_STANDBY: no response; with it the port answers in Standby', () => {
    const without = boardWithFirmware('standby');
    without.board.runFor(300 * MS);
    assert.equal(without.board.soc.lowPower, 'standby');
    noResponse(() => without.debug.connect());

    const kept = boardWithFirmware('standby');
    kept.board.runFor(20 * MS);
    kept.debug.connect();
    kept.debug.write32(DBGMCU_CR, DBG.STANDBY);
    kept.board.runFor(300 * MS);
    assert.equal(kept.board.soc.lowPower, 'standby');
    kept.debug.connect();
    assert.equal(kept.debug.read32(DBGMCU_CR) & DBG.STANDBY, DBG.STANDBY);
  });

  it('NRST low: the port answers, memory and debug registers are reachable, the core does not run', () => {
    const { board, debug, symbol } = boardWithFirmware('blinky');
    board.runFor(20 * MS);
    board.setNrst(true);
    debug.connect();
    debug.write32(SRAM + 0x1_0000, 0xfeed_beef);
    assert.equal(debug.read32(SRAM + 0x1_0000), 0xfeed_beef);
    assert.notEqual(debug.dhcsr() & DHCSR_BITS.S_RESET_ST, 0, 'S_RESET_ST while NRST is low');
    debug.write32(DEBUG_REG.DEMCR, DEMCR_BITS.TRCENA);
    assert.equal(debug.read32(DEBUG_REG.DEMCR), DEMCR_BITS.TRCENA);
    const ticks = debug.read32(symbol('blinky_ticks'));
    board.runFor(50 * MS);
    assert.equal(debug.read32(symbol('blinky_ticks')), ticks, 'no SysTick while in reset');
    assert.equal(debug.read32(0x4002_0c14) & 0xf000, 0, 'GPIOD at its reset state: LEDs off');
    board.setNrst(false);
    board.runFor(20 * MS);
    assert.ok(debug.read32(symbol('blinky_ticks')) > 0, 'runs again once NRST is released');
  });

  it('DHCSR control bits and DEMCR survive a system reset; a power-on clears them', () => {
    const { board, debug } = boardWithFirmware('blinky');
    debug.connect();
    debug.setDhcsr(DHCSR_BITS.C_DEBUGEN | DHCSR_BITS.C_MASKINTS);
    debug.write32(DEBUG_REG.DEMCR, DEMCR_BITS.TRCENA | DEMCR_BITS.VC_HARDERR);
    debug.systemReset(); // AIRCR.SYSRESETREQ
    board.runFor(1 * MS);
    assert.equal(debug.dhcsr() & 0xffff, DHCSR_BITS.C_DEBUGEN | DHCSR_BITS.C_MASKINTS);
    assert.equal(debug.read32(DEBUG_REG.DEMCR), DEMCR_BITS.TRCENA | DEMCR_BITS.VC_HARDERR);
    board.setNrst(true); // the NRST pin is a system reset too
    board.setNrst(false);
    board.runFor(1 * MS);
    assert.equal(debug.dhcsr() & 0xffff, DHCSR_BITS.C_DEBUGEN | DHCSR_BITS.C_MASKINTS);
    assert.equal(debug.read32(DEBUG_REG.DEMCR), DEMCR_BITS.TRCENA | DEMCR_BITS.VC_HARDERR);
    board.power(false);
    board.power(true);
    debug.connect();
    assert.equal(debug.dhcsr() & 0xffff, 0);
    assert.equal(debug.read32(DEBUG_REG.DEMCR), 0);
  });

  it('leaving reset with C_DEBUGEN and VC_CORERESET halts the core at the reset vector', () => {
    const { board, debug } = boardWithFirmware('blinky');
    board.setNrst(true);
    debug.connect();
    debug.setDhcsr(DHCSR_BITS.C_DEBUGEN);
    debug.write32(DEBUG_REG.DEMCR, DEMCR_BITS.VC_CORERESET);
    board.setNrst(false);
    board.runFor(1 * MS);
    assert.notEqual(debug.dhcsr() & DHCSR_BITS.S_HALT, 0, 'halted');
    const resetVector = debug.read32(0x0800_0004);
    assert.equal(debug.readRegister(REGSEL.PC), (resetVector & ~1) >>> 0);
    assert.equal(debug.readRegister(REGSEL.MSP), debug.read32(0x0800_0000));
    assert.equal(debug.readRegister(REGSEL.XPSR) >>> 0, 0x0100_0000);
  });

  it('Standby exit is a reset: the user button on PA0/WKUP restarts the program with PWR_CSR.SBF set', () => {
    const { board, debug, symbol } = boardWithFirmware('standby');
    board.runFor(20 * MS);
    debug.connect();
    debug.write32(0x4002_3840, debug.read32(0x4002_3840) | (1 << 28)); // RCC_APB1ENR.PWREN
    debug.write32(0x4000_7004, debug.read32(0x4000_7004) | (1 << 8)); // PWR_CSR.EWUP
    board.runFor(300 * MS);
    assert.equal(board.soc.lowPower, 'standby');
    noResponse(() => debug.connect());
    board.pressButton(true);
    board.pressButton(false);
    assert.equal(board.soc.lowPower, 'run');
    board.runFor(20 * MS);
    debug.connect();
    assert.equal(debug.read32(symbol('standby_woke_from_standby')), 1);
    assert.ok(debug.read32(symbol('standby_stage')) < 4);
  });

  it('an IWDG reset out of Standby is a reset too, and the debugger must reconnect after it', () => {
    const { board, debug, symbol } = boardWithFirmware('standby');
    board.runFor(20 * MS);
    debug.connect();
    debug.write32(IWDG_KR, 0xcccc); // start with the reset prescaler/reload: 512 ms at 32 kHz
    board.runFor(580 * MS); // Standby from ~200 ms, the IWDG expires at ~530 ms, one call
    assert.notEqual(board.soc.lowPower, 'standby', 'woken by the watchdog');
    // The debug domain was off: no answer without a new line reset and power-up.
    noResponse(() => debug.read32(SRAM));
    debug.connect();
    assert.equal(debug.read32(symbol('standby_woke_from_standby')), 1);
    assert.notEqual(debug.read32(0x4002_3874) & (1 << 29), 0, 'RCC_CSR.IWDGRSTF');
  });

  it('Sleep (WFI) never loses the debug connection, DBGMCU_CR.DBG_SLEEP or not', () => {
    const { board, debug } = boardWithFirmware('blinky');
    board.runFor(5 * MS);
    debug.connect();
    assert.equal(debug.read32(DBGMCU_CR) & DBG.SLEEP, 0);
    debug.halt();
    debug.write32(SYST_CSR, 0); // nothing left to wake it
    debug.write(SRAM, 0xe7fd_bf30); // loop: WFI; B loop
    debug.writeRegister(REGSEL.PC, SRAM);
    debug.resume();
    board.runFor(10 * MS);
    assert.equal(board.soc.lowPower, 'sleep');
    assert.notEqual(debug.dhcsr() & DHCSR_BITS.S_SLEEP, 0, 'S_SLEEP');
    debug.connect();
    assert.equal(debug.read32(SRAM), 0xe7fd_bf30);
  });
});
