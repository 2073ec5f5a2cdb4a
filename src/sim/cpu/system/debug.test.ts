import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EXCEPTION } from '../exceptions.js';
import { cpuWithVectors, handlerAddress, VECTORED_CODE } from '../../../../test/support/cpu-fixtures.js';
import { DEMCR, DFSR, DHCSR } from '../../../arch/armv7m/debug.js';
import { HFSR } from '../../../arch/armv7m/scb.js';

/**
 * Halting debug, FPB and DWT (ARMv7-M C1) as a debugger sees them through `cpu.debugPort` (the
 * AHB-AP view of the PPB). nop = 0xBF00, b . = 0xE7FE, bkpt = 0xBE00, str r0, [r1] = 0x6008,
 * ldr r0, [r1] = 0x6808.
 */
const NOP = 0xbf00;
const B_SELF = 0xe7fe;
const DHCSR_ADDRESS = 0xe000_edf0;
const DCRSR = 0xe000_edf4;
const DCRDR = 0xe000_edf8;
const DEMCR_ADDRESS = 0xe000_edfc;
const DFSR_ADDRESS = 0xe000_ed30;
const KEY = 0xa05f_0000;

function dhcsr(cpu: ReturnType<typeof cpuWithVectors>['cpu']): number {
  return cpu.debugPort.read32(DHCSR_ADDRESS) >>> 0;
}

test('DHCSR: the key guards writes; only the debugger sets C_DEBUGEN; C_HALT halts at once', () => {
  const { cpu } = cpuWithVectors([NOP, NOP, NOP, B_SELF]);
  cpu.debugPort.write32(DHCSR_ADDRESS, 0x0000_0003); // no key
  assert.equal(dhcsr(cpu) & DHCSR.C_DEBUGEN, 0);
  cpu.write32(DHCSR_ADDRESS, KEY | 1); // software cannot enable halting debug
  assert.equal(dhcsr(cpu) & DHCSR.C_DEBUGEN, 0);
  cpu.debugPort.write32(DHCSR_ADDRESS, KEY | 3);
  assert.equal(cpu.halted, true);
  assert.equal(
    dhcsr(cpu) & (DHCSR.S_HALT | DHCSR.S_REGRDY | DHCSR.C_HALT),
    DHCSR.S_HALT | DHCSR.S_REGRDY | DHCSR.C_HALT,
  );
  assert.equal(cpu.read32(DFSR_ADDRESS), DFSR.HALTED);
  assert.equal(cpu.run(100), 0, 'nothing runs while halted');
  cpu.step();
  assert.equal(cpu.pc, VECTORED_CODE);
  cpu.debugPort.write32(DHCSR_ADDRESS, KEY | 1); // resume
  assert.equal(cpu.halted, false);
  cpu.run(50);
  assert.equal(cpu.pc, VECTORED_CODE + 6);
});

test('S_RESET_ST and S_RETIRE_ST are sticky and clear on read', () => {
  const { cpu } = cpuWithVectors([NOP, B_SELF]);
  assert.equal(dhcsr(cpu) & DHCSR.S_RESET_ST, 0, 'not after power-on');
  cpu.reset('system');
  assert.notEqual(dhcsr(cpu) & DHCSR.S_RESET_ST, 0);
  assert.equal(dhcsr(cpu) & DHCSR.S_RESET_ST, 0);
  cpu.step();
  assert.notEqual(dhcsr(cpu) & DHCSR.S_RETIRE_ST, 0);
  assert.equal(dhcsr(cpu) & DHCSR.S_RETIRE_ST, 0);
});

test('C_STEP executes one instruction, or halts on the first instruction of an exception handler', () => {
  const { cpu } = cpuWithVectors([NOP, NOP, NOP, B_SELF]);
  cpu.debugPort.write32(DHCSR_ADDRESS, KEY | 3);
  cpu.debugPort.write32(DHCSR_ADDRESS, KEY | 5); // C_STEP, C_HALT clear
  cpu.run(1000);
  assert.equal(cpu.halted, true);
  assert.equal(cpu.pc, VECTORED_CODE + 2);
  // An interrupt pending: with C_MASKINTS the step runs the next instruction...
  cpu.write32(0xe000_e100, 1);
  cpu.pendIrq(0);
  cpu.debugPort.write32(DHCSR_ADDRESS, KEY | 3 | DHCSR.C_MASKINTS);
  cpu.debugPort.write32(DHCSR_ADDRESS, KEY | 5 | DHCSR.C_MASKINTS);
  cpu.run(1000);
  assert.equal(cpu.pc, VECTORED_CODE + 4);
  assert.equal(cpu.ipsr, 0);
  // ...without it the step enters the handler and halts there.
  cpu.debugPort.write32(DHCSR_ADDRESS, KEY | 3);
  cpu.debugPort.write32(DHCSR_ADDRESS, KEY | 5);
  cpu.run(1000);
  assert.equal(cpu.halted, true);
  assert.equal(cpu.ipsr, EXCEPTION.IRQ0);
  assert.equal(cpu.pc, handlerAddress(EXCEPTION.IRQ0));
  assert.notEqual(cpu.debug.dfsr & DFSR.HALTED, 0);
});

test('DCRSR/DCRDR reach every register selector, S0–S31 included', () => {
  const { cpu } = cpuWithVectors([B_SELF]);
  cpu.debugPort.write32(DHCSR_ADDRESS, KEY | 3);
  const write = (select: number, value: number): void => {
    cpu.debugPort.write32(DCRDR, value);
    cpu.debugPort.write32(DCRSR, (1 << 16) | select);
  };
  const read = (select: number): number => {
    cpu.debugPort.write32(DCRSR, select);
    return cpu.debugPort.read32(DCRDR) >>> 0;
  };
  for (let i = 0; i <= 12; i++) write(i, 0x100 + i);
  write(14, 0x0800_0001);
  for (let i = 0; i <= 12; i++) assert.equal(cpu.r[i], 0x100 + i);
  assert.equal(read(14), 0x0800_0001);
  write(15, 0x0000_0901);
  assert.equal(cpu.pc, 0x900);
  assert.equal(read(15), 0x900);
  write(16, 0xf900_0000);
  assert.deepEqual([cpu.n, cpu.z, cpu.c, cpu.v, cpu.q, cpu.thumb], [1, 1, 1, 1, 1, 1]);
  assert.equal(read(16), 0xf900_0000);
  write(17, 0x2001_0000);
  write(18, 0x2000_8000);
  assert.equal(read(13), 0x2001_0000, 'SP is MSP in Thread mode with SPSEL 0');
  assert.equal(read(18), 0x2000_8000);
  write(20, 0x0201_8001); // CONTROL.SPSEL, FAULTMASK, BASEPRI 0x80, PRIMASK
  assert.deepEqual([cpu.control, cpu.faultmask, cpu.basepri, cpu.primask], [2, 1, 0x80, 1]);
  assert.equal(read(13), 0x2000_8000, 'now on PSP');
  assert.equal(read(17), 0x2001_0000);
  assert.equal(read(20), 0x0201_8001);
  write(0x21, 0x0340_0000);
  assert.equal(cpu.fpscr, 0x0340_0000);
  assert.equal(read(0x21), 0x0340_0000);
  for (let i = 0; i < 32; i++) write(0x40 + i, 0x4000_0000 + i);
  for (let i = 0; i < 32; i++) assert.equal(cpu.fpRegs[i], 0x4000_0000 + i);
  assert.equal(read(0x5f), 0x4000_001f);
  assert.equal(read(0x13), 0, 'reserved selector');
});

test('vector catch on reset halts at the reset handler; DHCSR and DEMCR survive a system reset only', () => {
  const { cpu } = cpuWithVectors([B_SELF]);
  cpu.debugPort.write32(DHCSR_ADDRESS, KEY | 1);
  cpu.debugPort.write32(DEMCR_ADDRESS, DEMCR.VC_CORERESET | DEMCR.TRCENA);
  cpu.reset('system');
  assert.equal(cpu.halted, true);
  assert.equal(cpu.pc, VECTORED_CODE);
  assert.equal(cpu.debug.dfsr, DFSR.VCATCH);
  assert.equal(cpu.debugPort.read32(DEMCR_ADDRESS) >>> 0, (DEMCR.VC_CORERESET | DEMCR.TRCENA) >>> 0);
  assert.notEqual(dhcsr(cpu) & DHCSR.C_DEBUGEN, 0);
  cpu.reset('local');
  assert.equal(cpu.halted, true);
  cpu.reset('power-on');
  assert.equal(cpu.halted, false);
  assert.equal(dhcsr(cpu) & DHCSR.C_DEBUGEN, 0);
  assert.equal(cpu.debugPort.read32(DEMCR_ADDRESS), 0);
  assert.equal(cpu.debug.dfsr, 0);
});

test('vector catch on a fault: VC_HARDERR halts on the HardFault handler', () => {
  const { cpu } = cpuWithVectors([0xde00]);
  cpu.debugPort.write32(DHCSR_ADDRESS, KEY | 1);
  cpu.debugPort.write32(DEMCR_ADDRESS, DEMCR.VC_HARDERR);
  cpu.run(100);
  assert.equal(cpu.halted, true);
  assert.equal(cpu.ipsr, EXCEPTION.HardFault);
  assert.equal(cpu.pc, handlerAddress(EXCEPTION.HardFault));
  assert.equal(cpu.debug.dfsr, DFSR.VCATCH);
});

test('BKPT: halts with C_DEBUGEN, DebugMonitor with MON_EN, else HardFault with DEBUGEVT', () => {
  const halting = cpuWithVectors([NOP, 0xbe00, NOP]).cpu;
  halting.debugPort.write32(DHCSR_ADDRESS, KEY | 1);
  halting.run(100);
  assert.equal(halting.halted, true);
  assert.equal(halting.pc, VECTORED_CODE + 2, 'halted on the BKPT');
  assert.equal(halting.debug.dfsr, DFSR.BKPT);

  const monitor = cpuWithVectors([0xbe00]).cpu;
  monitor.write32(DEMCR_ADDRESS, DEMCR.MON_EN);
  monitor.step();
  monitor.step();
  assert.equal(monitor.ipsr, EXCEPTION.DebugMonitor);
  assert.notEqual(monitor.read32(0xe000_ed24) & (1 << 8), 0, 'MONITORACT');

  const hard = cpuWithVectors([0xbe00]).cpu;
  hard.step();
  hard.step();
  assert.equal(hard.ipsr, EXCEPTION.HardFault);
  assert.equal(hard.scb.hfsr >>> 0, HFSR.DEBUGEVT >>> 0);
});

test('FPB: FP_CTRL reads 0x260; an enabled comparator halts before the instruction (DFSR.BKPT)', () => {
  const { cpu } = cpuWithVectors([NOP, NOP, NOP, NOP, B_SELF]);
  cpu.debugPort.write32(DHCSR_ADDRESS, KEY | 1);
  assert.equal(cpu.debugPort.read32(0xe000_2000), 0x260);
  cpu.debugPort.write32(0xe000_2000, 1); // no KEY: ignored
  assert.equal(cpu.debugPort.read32(0xe000_2000), 0x260);
  cpu.debugPort.write32(0xe000_2000, 3);
  assert.equal(cpu.debugPort.read32(0xe000_2000), 0x261);
  // Upper halfword of the word at VECTORED_CODE + 4: the instruction at VECTORED_CODE + 6.
  cpu.debugPort.write32(0xe000_2008, (2 << 30) | (VECTORED_CODE + 4) | 1);
  cpu.run(100);
  assert.equal(cpu.halted, true);
  assert.equal(cpu.pc, VECTORED_CODE + 6);
  assert.equal(cpu.debug.dfsr, DFSR.BKPT);
  // Disabling the comparator lets execution continue.
  cpu.debugPort.write32(0xe000_2008, 0);
  cpu.debugPort.write32(DHCSR_ADDRESS, KEY | 1);
  cpu.run(100);
  assert.equal(cpu.pc, VECTORED_CODE + 8);
});

test('DWT data watchpoint: halts after the store with DWTTRAP; MATCHED clears on read', () => {
  const { cpu } = cpuWithVectors([0x6808, 0x6008, NOP, B_SELF]); // ldr r0, [r1]; str r0, [r1]
  cpu.debugPort.write32(DHCSR_ADDRESS, KEY | 1);
  cpu.debugPort.write32(DEMCR_ADDRESS, DEMCR.TRCENA);
  assert.equal(cpu.debugPort.read32(0xe000_1000) >>> 28, 4, 'NUMCOMP');
  cpu.debugPort.write32(0xe000_1020, 0x2000_0100); // COMP0
  cpu.debugPort.write32(0xe000_1024, 4); // MASK0: 16 bytes
  cpu.debugPort.write32(0xe000_1028, 0b0110); // FUNCTION0: write watchpoint
  assert.equal(cpu.watchData, true);
  cpu.r[1] = 0x2000_010c;
  cpu.run(100);
  assert.equal(cpu.halted, true);
  assert.equal(cpu.pc, VECTORED_CODE + 4, 'after the store, not the load');
  assert.equal(cpu.debug.dfsr, DFSR.DWTTRAP);
  assert.equal(cpu.debugPort.read32(0xe000_1028) >>> 0, (1 << 24) | 0b0110);
  assert.equal(cpu.debugPort.read32(0xe000_1028), 0b0110);
  cpu.debugPort.write32(DEMCR_ADDRESS, 0);
  assert.equal(cpu.watchData, false, 'the DWT needs TRCENA');
});

test('DWT PC comparator and CYCCNT', () => {
  const { cpu } = cpuWithVectors([NOP, NOP, NOP, B_SELF]);
  cpu.debugPort.write32(DHCSR_ADDRESS, KEY | 1);
  cpu.debugPort.write32(DEMCR_ADDRESS, DEMCR.TRCENA);
  cpu.debugPort.write32(0xe000_1000, 1); // CYCCNTENA
  cpu.debugPort.write32(0xe000_1004, 0xffff_fff0); // wraps
  cpu.debugPort.write32(0xe000_1020, VECTORED_CODE + 2);
  cpu.debugPort.write32(0xe000_1028, 0b0100);
  cpu.run(100);
  assert.equal(cpu.halted, true);
  assert.equal(cpu.pc, VECTORED_CODE + 4);
  assert.equal(cpu.debug.dfsr, DFSR.DWTTRAP);
  assert.equal(cpu.debugPort.read32(0xe000_1004) >>> 0, 0xffff_fff2);
  assert.equal(cpu.debugPort.read32(0xe000_101c), -1, 'PCSR reads all ones while halted');
});

test('the core reaches the debug registers through its own bus but cannot enable debug', () => {
  const { cpu } = cpuWithVectors([B_SELF]);
  cpu.write32(DEMCR_ADDRESS, DEMCR.TRCENA | DEMCR.MON_EN);
  assert.equal(cpu.debugPort.read32(DEMCR_ADDRESS) >>> 0, (DEMCR.TRCENA | DEMCR.MON_EN) >>> 0);
  cpu.write32(DCRDR, 0x1234);
  assert.equal(cpu.debugPort.read32(DCRDR), 0x1234);
});
