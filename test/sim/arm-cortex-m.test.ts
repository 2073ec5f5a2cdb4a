/**
 * The host's ARMv7-M layer (src/arm) on the virtual board, through StLink and the virtual ST-Link:
 * halt, resume, step, the reset methods, registers (FPU included), FPB breakpoints, DWT watchpoints,
 * the state DHCSR reports, and fault status on the test firmware.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { CortexM } from '../../src/arm/cortex-m.js';
import type { CoreResetMethod } from '../../src/arm/reset.js';
import { DEBUG_REG, DHCSR } from '../../src/arch/armv7m/debug.js';
import { openOcdExamineWrites } from '../support/openocd-examine.js';
import { probedBoard, type ProbedBoard } from '../support/probed-board.js';

async function attached(firmware: string, runMs = 5): Promise<ProbedBoard & { core: CortexM }> {
  const b = await probedBoard({ firmware, runMs });
  await b.stlink.enterSwd();
  const core = new CortexM(b.stlink, { clock: b.clock });
  return { ...b, core };
}

describe('CortexM: halt, resume, step', () => {
  test('halt stops blinky, resume lets it run on, and the state says so', async () => {
    const b = await attached('blinky', 20);
    assert.equal(await b.core.state(), 'running');
    await b.core.halt();
    assert.ok(b.board.soc.cpu.halted);
    assert.equal(await b.core.state(), 'halted');
    const ticks = await b.stlink.read32(b.symbol('blinky_ticks'));
    b.board.runFor(10e6);
    assert.equal(await b.stlink.read32(b.symbol('blinky_ticks')), ticks, 'halted: no ticks');
    await b.core.resume();
    assert.equal(await b.core.state(), 'running');
    b.board.runFor(10e6);
    assert.ok((await b.stlink.read32(b.symbol('blinky_ticks'))) >= ticks + 9);
    const status = await b.core.status();
    assert.equal(status.retiredSinceLastStatus, true);
  });

  test('a step executes one instruction; with interrupts masked it never enters the SysTick handler', async () => {
    const b = await attached('blinky', 20);
    await b.core.halt();
    const handler = b.symbol('SysTick_Handler');
    const main = b.elf!.requireSymbol('main');
    let pc = await b.core.readRegister('pc');
    const retired = b.board.soc.cpu.instructionsRetired;
    for (let i = 0; i < 200; i++) {
      const next = await b.core.step();
      assert.notEqual(next, handler);
      pc = next;
      // 200 steps of virtual probe time span several SysTick periods: masked, none is taken.
      assert.ok(b.board.soc.cpu.ipsr === 0, `step ${i} left thread mode at ${pc.toString(16)}`);
    }
    assert.equal(b.board.soc.cpu.instructionsRetired - retired, 200, 'one instruction per step');
    assert.ok(pc >= main.address && pc < main.address + main.size, 'still in main');
    // The step cleared C_MASKINTS again (while halted), so resuming takes interrupts.
    const dhcsr = await b.stlink.readDebugRegister(DEBUG_REG.DHCSR);
    assert.equal(dhcsr & DHCSR.C_MASKINTS, 0);
  });

  test('a step without masking can enter a pending interrupt handler', async () => {
    const b = await attached('blinky', 20);
    await b.core.halt();
    const handler = b.symbol('SysTick_Handler');
    b.board.soc.cpu.nvic.setPending(15);
    const pc = await b.core.step({ maskInterrupts: false });
    assert.equal(pc, handler, 'the step was the exception entry');
  });
});

describe('CortexM: reset', () => {
  const methods: CoreResetMethod[] = ['sysresetreq', 'nrst', 'vectreset'];
  for (const method of methods) {
    test(`${method} with halt stops at Reset_Handler before it runs`, async () => {
      const b = await attached('blinky', 30);
      await b.core.halt();
      await b.core.reset(method, true);
      assert.equal(await b.core.readRegister('pc'), b.symbol('Reset_Handler'));
      assert.equal(await b.core.state(), 'halted');
      assert.deepEqual((await b.core.haltReason()).causes, ['vector-catch']);
      // VC_CORERESET is back as it was (clear).
      assert.equal((await b.stlink.read32(DEBUG_REG.DEMCR)) & 1, 0);
    });

    test(`${method} without halt restarts the firmware running`, async () => {
      const b = await attached('blinky', 300);
      await b.core.halt();
      const before = await b.stlink.read32(b.symbol('blinky_ticks'));
      assert.ok(before >= 250);
      await b.core.reset(method, false);
      assert.equal(await b.core.state(), 'running');
      b.board.runFor(5e6);
      const after = await b.stlink.read32(b.symbol('blinky_ticks'));
      assert.ok(after < before, `ticks restarted (${before} → ${after})`);
      if (method === 'sysresetreq' || method === 'nrst') {
        assert.ok(b.board.soc.cpu.instructionsRetired > 0);
      }
    });
  }

  test('a reset between two status() calls is reported even though reset() read DHCSR itself', async () => {
    const b = await attached('blinky', 20);
    await b.core.status();
    await b.core.reset('sysresetreq', true);
    const status = await b.core.status();
    assert.equal(status.resetSinceLastStatus, true);
    assert.equal((await b.core.status()).resetSinceLastStatus, false);
  });

  test('a core held in reset by NRST reads as in-reset', async () => {
    const b = await attached('blinky', 20);
    await b.stlink.driveNrst('low');
    assert.equal(await b.core.state(), 'in-reset');
    await b.stlink.driveNrst('high');
    assert.equal(await b.core.state(), 'running');
  });
});

describe('CortexM: registers', () => {
  test('cpu-suite after running a while: every register, FPU included, as the core holds them', async () => {
    const b = await attached('cpu-suite-O2', 30);
    await b.core.halt();
    const regs = await b.core.readRegisters();
    const cpu = b.board.soc.cpu;
    for (let i = 0; i <= 12; i++) assert.equal(regs[`r${i}` as 'r0'], cpu.r[i]! >>> 0, `r${i}`);
    assert.equal(regs.pc, cpu.pc >>> 0);
    assert.equal(regs.lr, cpu.r[14]! >>> 0);
    assert.equal(regs.msp, cpu.readMsp() >>> 0);
    assert.equal(regs.primask, cpu.primask);
    assert.equal(regs.basepri, cpu.basepri);
    assert.equal(regs.faultmask, cpu.faultmask);
    assert.equal(regs.control, cpu.control);
    assert.equal(regs.fpscr, cpu.fpscr >>> 0);
    for (let i = 0; i < 32; i++) assert.equal(regs[`s${i}` as 's0'], cpu.fpRegs[i]! >>> 0, `s${i}`);
    assert.ok(
      [...cpu.fpRegs].some((v) => v !== 0),
      'the suite has used the FPU, so the comparison means something',
    );
  });

  test('registers are written by name, the packed four without disturbing each other', async () => {
    const b = await attached('blinky', 5);
    await b.core.halt();
    await b.core.writeRegister('r7', 0xdead_beef);
    assert.equal(b.board.soc.cpu.r[7]! >>> 0, 0xdead_beef);
    await b.core.writeRegister('basepri', 0x40);
    await b.core.writeRegister('primask', 1);
    assert.equal(b.board.soc.cpu.basepri, 0x40);
    assert.equal(b.board.soc.cpu.primask, 1);
    assert.equal(await b.core.readRegister('basepri'), 0x40);
    await b.core.writeRegister('s5', 0x3f80_0000);
    assert.equal(b.board.soc.cpu.fpRegs[5], 0x3f80_0000);
  });

  test('reading registers of a running core is a clear error', async () => {
    const b = await attached('blinky', 5);
    await assert.rejects(b.core.readRegisters(), { code: 'target.core-running' });
  });
});

describe('CortexM: breakpoints and watchpoints', () => {
  test('an FPB breakpoint on SysTick_Handler stops the core there; resuming steps over it', async () => {
    const b = await attached('blinky', 20);
    await b.core.halt();
    const handler = b.symbol('SysTick_Handler');
    await b.core.breakpoints.set(handler);
    assert.deepEqual(await b.core.breakpoints.list(), [handler]);
    await b.core.resume();
    b.board.runFor(2e6);
    assert.equal(await b.core.state(), 'halted');
    assert.equal(await b.core.readRegister('pc'), handler);
    assert.deepEqual((await b.core.haltReason()).causes, ['breakpoint']);
    const ticks = await b.stlink.read32(b.symbol('blinky_ticks'));
    await b.core.resume();
    b.board.runFor(2e6);
    assert.equal(await b.core.readRegister('pc'), handler, 'the next tick hits it again');
    assert.equal(await b.stlink.read32(b.symbol('blinky_ticks')), ticks + 1, 'the handler ran once');
    await b.core.breakpoints.remove(handler);
    await b.core.resume();
    b.board.runFor(5e6);
    assert.equal(await b.core.state(), 'running');
  });

  test('two breakpoints in one word share a comparator (REPLACE both halves)', async () => {
    const b = await attached('blinky', 5);
    const main = b.elf!.requireSymbol('main').address;
    const word = main & ~3;
    await b.core.breakpoints.set(word);
    await b.core.breakpoints.set(word + 2);
    const comp0 = (await b.stlink.read32(0xe000_2008)) >>> 0;
    assert.equal(comp0 >>> 30, 0b11);
    assert.equal(comp0 & 0x1fff_fffc, word);
    assert.equal((await b.stlink.read32(0xe000_200c)) & 1, 0, 'the second comparator stays free');
    await b.core.breakpoints.remove(word);
    assert.equal((await b.stlink.read32(0xe000_2008)) >>> 30, 0b10);
    await assert.rejects(b.core.breakpoints.set(0x2000_0000), { code: 'bad-input.breakpoint-outside-code' });
  });

  test('a DWT write watchpoint on blinky_ticks stops the core right after the store', async () => {
    const b = await attached('blinky', 20);
    await b.core.halt();
    const ticks = b.symbol('blinky_ticks');
    await b.core.watchpoints.set({ address: ticks, size: 4, kind: 'write' });
    await b.core.resume();
    b.board.runFor(2e6);
    assert.equal(await b.core.state(), 'halted');
    const reason = await b.core.haltReason();
    assert.deepEqual(reason.causes, ['watchpoint']);
    assert.deepEqual(reason.watchpoints, [{ address: ticks, size: 4, kind: 'write' }]);
    const handler = b.elf!.requireSymbol('SysTick_Handler');
    const pc = await b.core.readRegister('pc');
    assert.ok(pc >= handler.address && pc < handler.address + handler.size, 'in the handler that stored');
    await b.core.watchpoints.clear();
    await b.core.resume();
    b.board.runFor(5e6);
    assert.equal(await b.core.state(), 'running');
  });
});

describe('CortexM: another debugger clearing our comparators (OpenOCD connecting to the same probe)', () => {
  const openOcdExamine = (b: ProbedBoard): Promise<void> =>
    openOcdExamineWrites((address, value) => b.stlink.write32(address, value));

  test('the FPB: reassert finds the zeroed comparator and puts it back while the core runs; it hits', async () => {
    const b = await attached('blinky', 20);
    await b.core.halt();
    const handler = b.symbol('SysTick_Handler');
    await b.core.breakpoints.set(handler);
    assert.deepEqual(await b.core.breakpoints.reassert(), [], 'nothing to put back');
    // Zeroed before the run (the probe's commands take board time: SysTick could fire meanwhile).
    await openOcdExamine(b);
    await b.core.resume();
    b.board.runFor(3e6);
    assert.equal(await b.core.state(), 'running', 'without its comparator the breakpoint does not hit');
    assert.deepEqual(await b.core.breakpoints.reassert(), [handler]);
    b.board.runFor(2e6);
    assert.equal(await b.core.state(), 'halted');
    assert.equal(await b.core.readRegister('pc'), handler);
  });

  test('the FPB: FP_CTRL.ENABLE cleared by another program is set again, and every breakpoint counts as put back', async () => {
    const b = await attached('blinky', 20);
    await b.core.halt();
    const handler = b.symbol('SysTick_Handler');
    const main = b.symbol('main');
    await b.core.breakpoints.set(handler);
    await b.core.breakpoints.set(main);
    await b.stlink.write32(0xe000_2000, 0x2); // KEY, ENABLE clear
    await b.stlink.write32(0xe000_2008, 0); // and the first comparator zeroed
    assert.deepEqual((await b.core.breakpoints.reassert()).sort(), [handler, main].sort());
    assert.equal((await b.stlink.read32(0xe000_2000)) & 1, 1);
    assert.deepEqual(await b.core.breakpoints.reassert(), []);
  });

  test('the DWT: a zeroed watchpoint is put back with the core halted; it stops the core again', async () => {
    const b = await attached('blinky', 20);
    await b.core.halt();
    const ticks = b.symbol('blinky_ticks');
    const watch = { address: ticks, size: 4, kind: 'write' as const };
    await b.core.watchpoints.set(watch);
    assert.deepEqual(await b.core.watchpoints.reassert(), []);
    await openOcdExamine(b);
    assert.deepEqual(await b.core.watchpoints.reassert(), [watch]);
    await b.core.resume();
    b.board.runFor(2e6);
    assert.equal(await b.core.state(), 'halted');
    assert.deepEqual((await b.core.haltReason()).watchpoints, [watch]);
  });
});

describe('CortexM: state and faults on the test firmware', () => {
  test('lockup firmware: attached without halting, the core reads as locked up', async () => {
    const b = await attached('lockup', 5);
    assert.equal(await b.core.state(), 'locked-up');
    await b.core.halt();
    assert.equal(await b.core.state(), 'halted');
    assert.equal(await b.core.readRegister('pc'), 0xefff_fffe);
  });

  test('hardfault firmware: CFSR and HFSR decoded into what happened', async () => {
    const b = await attached('hardfault', 5);
    const faults = await b.core.faultStatus();
    assert.equal(faults.cfsr, 0x1);
    assert.equal(faults.hfsr, 0x4000_0000);
    assert.deepEqual(
      faults.causes.map((c) => `${c.register}.${c.bit}`),
      ['HFSR.FORCED', 'MMFSR.IACCVIOL'],
    );
    assert.match(faults.summary, /HardFault FORCED: .*escalated.*; MemManage IACCVIOL: instruction fetch/);
  });
});
