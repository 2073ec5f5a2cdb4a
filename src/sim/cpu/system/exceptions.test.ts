import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EXCEPTION } from '../exceptions.js';
import { CCR, CFSR, FPCCR, HFSR } from '../../../arch/armv7m/scb.js';
import { cpuWithVectors, handlerAddress, VECTORED_CODE } from '../../../../test/support/cpu-fixtures.js';

/**
 * The exception model (ARMv7-M B1.5) driven through the Cpu API and the PPB registers, with a few
 * hand-encoded instructions: b . = 0xE7FE, nop = 0xBF00, bx lr = 0x4770, svc #5 = 0xDF05,
 * udf #0 = 0xDE00, wfi = 0xBF30, wfe = 0xBF20, str r0, [r1] = 0x6008, ldr r0, [r1] = 0x6808,
 * udiv r0, r1, r2 = 0xFBB1 0xF0F2, bx r0 = 0x4700.
 */
const B_SELF = 0xe7fe;
const NOP = 0xbf00;
const BX_LR = 0x4770;
const IRQ = (n: number): number => EXCEPTION.IRQ0 + n;
const NVIC_ISER0 = 0xe000_e100;
const NVIC_ISPR0 = 0xe000_e200;
const NVIC_IPR0 = 0xe000_e400;
const ICSR = 0xe000_ed04;
const AIRCR = 0xe000_ed0c;
const CCR_ADDRESS = 0xe000_ed14;
const SHPR2 = 0xe000_ed1c;
const SHPR3 = 0xe000_ed20;
const SHCSR = 0xe000_ed24;
const CFSR_ADDRESS = 0xe000_ed28;
const HFSR_ADDRESS = 0xe000_ed2c;
const CPACR = 0xe000_ed88;

/** What a plain `bx lr` costs in the executor's timing model. */
function bxCycles(): number {
  const { cpu } = cpuWithVectors([BX_LR]);
  cpu.r[14] = 0x901;
  const before = cpu.cycles;
  cpu.step();
  return cpu.cycles - before;
}

function word(cpu: { bus: { read32(a: number): number } }, address: number): number {
  return cpu.bus.read32(address) >>> 0;
}

test('reset takes MSP and the entry point from the vector table at VTOR (B1.5.5)', () => {
  const { cpu, bus } = cpuWithVectors([B_SELF]);
  assert.equal(cpu.r[13], 0x2002_0000);
  assert.equal(cpu.pc, VECTORED_CODE);
  assert.equal(cpu.r[14], -1);
  assert.equal(cpu.thumb, 1);
  assert.equal(cpu.ipsr, 0);
  assert.equal(cpu.isPrivileged(), true);
  // A relocated table is used by exceptions, but reset reads VTOR's reset value 0 again.
  bus.write32(0x4000, 0x2001_0000);
  bus.write32(0x4004, 0x301);
  cpu.write32(0xe000_ed08, 0x4000);
  assert.equal(cpu.scb.vtor, 0x4000);
  cpu.reset('system');
  assert.equal(cpu.scb.vtor, 0);
  assert.equal(cpu.pc, VECTORED_CODE);
});

test('an IRQ stacks an 8-word frame with STKALIGN padding; EXC_RETURN unstacks it exactly', () => {
  const { cpu } = cpuWithVectors([NOP, B_SELF], { [IRQ(3)]: [BX_LR] });
  cpu.writeSp(0x2001_fffc); // not 8-byte aligned: the frame is padded
  for (let i = 0; i < 13; i++) cpu.r[i] = 0x1111 * (i + 1);
  cpu.r[14] = 0x1234_5679;
  cpu.n = 1;
  cpu.c = 1;
  cpu.q = 1;
  cpu.ge = 0b1010;
  cpu.write32(NVIC_ISER0, 1 << 3);
  cpu.write32(NVIC_ISPR0, 1 << 3);
  const cycles = cpu.cycles;
  cpu.step();
  assert.equal(cpu.cycles - cycles, 12);
  assert.equal(cpu.ipsr, IRQ(3));
  assert.equal(cpu.pc, handlerAddress(IRQ(3)));
  assert.equal(cpu.r[14] >>> 0, 0xffff_fff9);
  assert.equal(cpu.nvic.active[IRQ(3)], 1);
  assert.equal(cpu.nvic.pending[IRQ(3)], 0);
  const frame = 0x2001_ffd8;
  assert.equal(cpu.r[13], frame);
  assert.deepEqual(
    [0, 4, 8, 12, 16, 20, 24].map((o) => word(cpu, frame + o)),
    [0x1111, 0x2222, 0x3333, 0x4444, 0x1111 * 13, 0x1234_5679, VECTORED_CODE],
  );
  // xPSR: N, C, Q, T, GE = 1010, the padding flag in bit 9, IPSR 0.
  assert.equal(word(cpu, frame + 28), (0xa900_0000 | (0b1010 << 16) | (1 << 9)) >>> 0);
  // The handler scribbles, then returns.
  cpu.r[0] = 0;
  cpu.r[12] = 0;
  cpu.n = 0;
  cpu.ge = 0;
  cpu.step(); // bx lr
  assert.equal(cpu.ipsr, 0);
  assert.equal(cpu.pc, VECTORED_CODE);
  assert.equal(cpu.r[13], 0x2001_fffc);
  assert.equal(cpu.r[0], 0x1111);
  assert.equal(cpu.r[12], 0x1111 * 13);
  assert.equal(cpu.r[14], 0x1234_5679);
  assert.deepEqual([cpu.n, cpu.c, cpu.q, cpu.ge], [1, 1, 1, 0b1010]);
  assert.equal(cpu.nvic.active[IRQ(3)], 0);
});

test('with CCR.STKALIGN clear the frame is only word aligned', () => {
  const { cpu } = cpuWithVectors([B_SELF]);
  cpu.write32(CCR_ADDRESS, 0);
  cpu.writeSp(0x2001_fffc);
  cpu.pendIrq(0);
  cpu.write32(NVIC_ISER0, 1);
  cpu.step();
  assert.equal(cpu.r[13], 0x2001_fffc - 0x20);
  assert.equal(word(cpu, cpu.r[13] + 28) & (1 << 9), 0);
});

test('a level-sensitive line pends again after its handler returns while still asserted', () => {
  const { cpu } = cpuWithVectors([B_SELF], { [IRQ(1)]: [BX_LR] });
  cpu.write32(NVIC_ISER0, 2);
  cpu.setIrqLevel(1, true);
  cpu.step();
  assert.equal(cpu.ipsr, IRQ(1));
  assert.equal(cpu.nvic.pending[IRQ(1)], 0);
  cpu.setIrqLevel(1, false);
  cpu.setIrqLevel(1, true);
  assert.equal(cpu.nvic.pending[IRQ(1)], 0, 'active: not pended again yet');
  cpu.step(); // bx lr: tail-chains back into the same handler
  assert.equal(cpu.ipsr, IRQ(1));
  cpu.setIrqLevel(1, false);
  cpu.step();
  assert.equal(cpu.ipsr, 0);
});

test('PRIMASK, BASEPRI, BASEPRI_MAX and FAULTMASK mask by priority (B1.5.4, B5.2.3)', () => {
  const { cpu } = cpuWithVectors([B_SELF]);
  cpu.write32(NVIC_ISER0, 1);
  cpu.write8(NVIC_IPR0, 0x80);
  cpu.changeProcessorState(true, true, false); // cpsid i
  cpu.pendIrq(0);
  cpu.step();
  assert.equal(cpu.ipsr, 0, 'PRIMASK masks');
  cpu.changeProcessorState(false, true, false);
  cpu.writeSpecial(17, 0, 0x80); // BASEPRI = 0x80: priority 0x80 is masked
  cpu.step();
  assert.equal(cpu.ipsr, 0, 'BASEPRI masks equal priority');
  cpu.writeSpecial(18, 0, 0xc0); // BASEPRI_MAX cannot lower the boost
  assert.equal(cpu.readSpecial(17), 0x80);
  cpu.writeSpecial(18, 0, 0x40);
  assert.equal(cpu.readSpecial(18), 0x40);
  cpu.writeSpecial(17, 0, 0x0f); // only bits [7:4] exist: reads 0, no masking
  assert.equal(cpu.basepri, 0);
  cpu.changeProcessorState(true, false, true); // cpsid f
  assert.equal(cpu.readSpecial(19), 1);
  cpu.step();
  assert.equal(cpu.ipsr, 0, 'FAULTMASK masks');
  cpu.writeSpecial(19, 0, 0);
  cpu.step();
  assert.equal(cpu.ipsr, IRQ(0));
});

test('preemption needs a higher group priority; PRIGROUP turns bits into subpriority', () => {
  const { cpu } = cpuWithVectors([B_SELF]);
  cpu.write32(NVIC_ISER0, 0b11);
  cpu.write32(NVIC_IPR0, 0x0000_4080); // IRQ0 0x80, IRQ1 0x40
  cpu.pendIrq(0);
  cpu.step();
  assert.equal(cpu.ipsr, IRQ(0));
  cpu.write32(AIRCR, 0x05fa_0700); // PRIGROUP 7: no group bits, nothing preempts
  assert.equal(cpu.read32(AIRCR) >>> 0, 0xfa05_0700);
  cpu.pendIrq(1);
  cpu.step();
  assert.equal(cpu.ipsr, IRQ(0));
  cpu.write32(AIRCR, 0x05fa_0500); // PRIGROUP 5: group = bits [7:6], 0x40 preempts 0x80
  cpu.step();
  assert.equal(cpu.ipsr, IRQ(1));
  assert.equal(cpu.r[14]! >>> 0, 0xffff_fff1, 'nested entry returns to Handler mode');
  assert.equal(cpu.read32(ICSR) & 0x1ff, IRQ(1), 'VECTACTIVE');
  assert.equal(cpu.read32(ICSR) & (1 << 11), 0, 'RETTOBASE: another exception is active');
  cpu.write32(AIRCR, 0x1234_0000); // wrong key: ignored
  assert.equal(cpu.nvic.prigroup, 5);
});

test('tail-chaining skips unstacking; ICSR shows the pending exception', () => {
  const { cpu } = cpuWithVectors([B_SELF], { [IRQ(0)]: [BX_LR], [IRQ(1)]: [BX_LR] });
  cpu.write32(NVIC_ISER0, 0b11);
  cpu.write32(NVIC_IPR0, 0x0000_8040); // IRQ1 is lower priority
  cpu.write32(NVIC_ISPR0, 0b11);
  assert.equal((cpu.read32(ICSR) >>> 12) & 0x1ff, IRQ(0), 'VECTPENDING');
  assert.notEqual(cpu.read32(ICSR) & (1 << 22), 0, 'ISRPENDING');
  cpu.step();
  assert.equal(cpu.ipsr, IRQ(0));
  const sp = cpu.r[13];
  const cycles = cpu.cycles;
  cpu.step(); // bx lr → straight into IRQ1
  assert.equal(cpu.ipsr, IRQ(1));
  assert.equal(cpu.r[13], sp);
  assert.equal(cpu.r[14]! >>> 0, 0xffff_fff9);
  assert.equal(cpu.cycles - cycles - bxCycles(), 6);
  cpu.step();
  assert.equal(cpu.ipsr, 0);
  assert.equal(cpu.r[13], 0x2002_0000);
});

test('SVC is taken after it completes; PendSV through ICSR; SHPR sets their priorities', () => {
  const { cpu } = cpuWithVectors([0xdf05, NOP, B_SELF], { [EXCEPTION.SVCall]: [BX_LR] });
  cpu.step(); // svc #5
  assert.equal(cpu.nvic.pending[EXCEPTION.SVCall], 1);
  assert.equal(cpu.read32(SHCSR) & (1 << 15), 1 << 15, 'SVCALLPENDED');
  cpu.step();
  assert.equal(cpu.ipsr, EXCEPTION.SVCall);
  assert.equal(word(cpu, cpu.r[13]! + 24), VECTORED_CODE + 2, 'returns after the SVC');
  assert.equal(cpu.read32(SHCSR) & (1 << 7), 1 << 7, 'SVCALLACT');
  cpu.step();
  assert.equal(cpu.pc, VECTORED_CODE + 2);
  cpu.write32(SHPR3, 0x00c0_0000); // PendSV 0xC0 in [23:16]
  assert.equal(cpu.nvic.priority[EXCEPTION.PendSV], 0xc0);
  cpu.write8(SHPR2 + 3, 0x40); // SVCall 0x40 by a byte store
  assert.equal(cpu.read32(SHPR2) >>> 0, 0x4000_0000);
  cpu.write32(ICSR, 1 << 28);
  assert.notEqual(cpu.read32(ICSR) & (1 << 28), 0);
  cpu.step();
  assert.equal(cpu.ipsr, EXCEPTION.PendSV);
});

test('an SVC that cannot preempt escalates to HardFault (FORCED)', () => {
  const { cpu } = cpuWithVectors([B_SELF], { [EXCEPTION.SVCall]: [0xdf00] });
  cpu.write32(ICSR, 1 << 28); // get into a handler: PendSV, priority 0 like SVCall
  cpu.step();
  cpu.pc = handlerAddress(EXCEPTION.SVCall); // run an SVC from within PendSV
  cpu.step();
  assert.equal(cpu.nvic.pending[EXCEPTION.HardFault], 1);
  cpu.step();
  assert.equal(cpu.ipsr, EXCEPTION.HardFault);
  assert.equal(cpu.scb.hfsr >>> 0, HFSR.FORCED);
});

test('faults: UsageFault when enabled, else escalated to HardFault; CFSR is write-one-to-clear', () => {
  const disabled = cpuWithVectors([0xde00]).cpu;
  disabled.step();
  assert.equal(disabled.pc, VECTORED_CODE, 'the faulting instruction is abandoned');
  disabled.step();
  assert.equal(disabled.ipsr, EXCEPTION.HardFault);
  assert.equal(disabled.read32(HFSR_ADDRESS) >>> 0, HFSR.FORCED);
  assert.equal(disabled.read32(CFSR_ADDRESS), CFSR.UNDEFINSTR);
  assert.equal(word(disabled, disabled.r[13]! + 24), VECTORED_CODE, 'returns to the faulting instruction');
  disabled.write32(CFSR_ADDRESS, CFSR.UNDEFINSTR);
  assert.equal(disabled.read32(CFSR_ADDRESS), 0);

  const enabled = cpuWithVectors([0xde00]).cpu;
  enabled.write32(SHCSR, 1 << 18); // USGFAULTENA
  enabled.step();
  enabled.step();
  assert.equal(enabled.ipsr, EXCEPTION.UsageFault);
  assert.equal(enabled.scb.hfsr, 0);
});

test('a fault in the HardFault handler locks up; reset or a halt leaves lock-up (B1.5.15)', () => {
  const { cpu } = cpuWithVectors([0xde00], { [EXCEPTION.HardFault]: [0xde00] });
  cpu.step();
  cpu.step();
  assert.equal(cpu.ipsr, EXCEPTION.HardFault);
  cpu.step();
  assert.equal(cpu.lockedUp, true);
  assert.equal(cpu.pc >>> 0, 0xefff_fffe);
  assert.notEqual(cpu.debugPort.read32(0xe000_edf0) & (1 << 19), 0, 'S_LOCKUP');
  const before = cpu.cycles;
  assert.equal(cpu.run(1000), 1000, 'time passes, nothing executes');
  assert.equal(cpu.cycles - before, 1000);
  assert.equal(cpu.pc >>> 0, 0xefff_fffe);
  // A debugger halt ends lock-up.
  cpu.debugPort.write32(0xe000_edf0, 0xa05f_0003);
  assert.equal(cpu.lockedUp, false);
  assert.equal(cpu.halted, true);
  cpu.reset('power-on');
  assert.equal(cpu.lockedUp, false);
  assert.equal(cpu.pc, VECTORED_CODE);
});

test('an NMI gets out of a lock-up at priority -1', () => {
  const { cpu } = cpuWithVectors([0xde00], { [EXCEPTION.HardFault]: [0xde00] });
  cpu.step();
  cpu.step();
  cpu.step();
  assert.equal(cpu.lockedUp, true);
  cpu.write32(ICSR, 1 << 31); // NMIPENDSET
  cpu.step();
  assert.equal(cpu.lockedUp, false);
  assert.equal(cpu.ipsr, EXCEPTION.NMI);
});

test('EPSR.T = 0 after BX to an even address faults with INVSTATE on the next instruction', () => {
  const { cpu } = cpuWithVectors([0x4700]); // bx r0
  cpu.write32(SHCSR, 1 << 18);
  cpu.r[0] = 0x900;
  cpu.step();
  assert.equal(cpu.pc, 0x900);
  assert.equal(cpu.thumb, 0);
  cpu.step();
  assert.equal(cpu.ipsr, EXCEPTION.UsageFault);
  assert.equal(cpu.scb.cfsr, CFSR.INVSTATE);
  assert.equal(word(cpu, cpu.r[13]! + 28) & (1 << 24), 0, 'stacked T bit is 0');
  assert.equal(cpu.thumb, 1);
});

test('an invalid EXC_RETURN is a UsageFault INVPC (B1.5.8)', () => {
  const { cpu } = cpuWithVectors([B_SELF], { [IRQ(0)]: [0x4700] }); // bx r0
  cpu.write32(SHCSR, 1 << 18);
  cpu.write32(NVIC_ISER0, 1);
  cpu.pendIrq(0);
  cpu.step();
  cpu.r[0] = 0xffff_fff5 | 0; // reserved return kind
  cpu.step();
  assert.equal(cpu.ipsr, EXCEPTION.UsageFault);
  assert.equal(cpu.scb.cfsr, CFSR.INVPC);
  assert.equal(cpu.r[14]! >>> 0, 0xffff_fff5);
  // Returning to Thread mode with the UsageFault... and IRQ0 no longer active (it was deactivated).
  assert.equal(cpu.nvic.active[IRQ(0)], 0);
});

test('CCR.UNALIGN_TRP traps unaligned LDR; CCR.DIV_0_TRP traps division by zero', () => {
  const unaligned = cpuWithVectors([0x6808]).cpu; // ldr r0, [r1]
  unaligned.write32(SHCSR, 1 << 18);
  unaligned.r[1] = 0x2000_0001;
  unaligned.step();
  assert.equal(unaligned.pc, VECTORED_CODE + 2, 'allowed by default');
  unaligned.pc = VECTORED_CODE;
  unaligned.write32(CCR_ADDRESS, CCR.STKALIGN | CCR.UNALIGN_TRP);
  unaligned.step();
  unaligned.step();
  assert.equal(unaligned.ipsr, EXCEPTION.UsageFault);
  assert.equal(unaligned.scb.cfsr, CFSR.UNALIGNED);

  const divide = cpuWithVectors([0xfbb1, 0xf0f2]).cpu; // udiv r0, r1, r2
  divide.write32(SHCSR, 1 << 18);
  divide.r[1] = 7;
  divide.r[2] = 0;
  divide.r[0] = 99;
  divide.step();
  assert.equal(divide.r[0], 0, 'no trap: the result is 0');
  divide.pc = VECTORED_CODE;
  divide.write32(CCR_ADDRESS, CCR.STKALIGN | CCR.DIV_0_TRP);
  divide.step();
  divide.step();
  assert.equal(divide.ipsr, EXCEPTION.UsageFault);
  assert.equal(divide.scb.cfsr, CFSR.DIVBYZERO);
});

test('a data bus error is a precise BusFault with BFAR; a fetch error is IBUSERR', () => {
  const { cpu } = cpuWithVectors([0x6008]); // str r0, [r1]
  cpu.write32(SHCSR, 1 << 17);
  cpu.r[1] = 0x3000_0000;
  cpu.step();
  cpu.step();
  assert.equal(cpu.ipsr, EXCEPTION.BusFault);
  assert.equal(cpu.scb.cfsr, CFSR.PRECISERR | CFSR.BFARVALID);
  assert.equal(cpu.read32(0xe000_ed38), 0x3000_0000);

  const fetch = cpuWithVectors([0x4700]).cpu; // bx r0
  fetch.write32(SHCSR, 1 << 17);
  fetch.r[0] = 0x3000_0001;
  fetch.step();
  fetch.step();
  fetch.step();
  assert.equal(fetch.ipsr, EXCEPTION.BusFault);
  assert.equal(fetch.scb.cfsr, CFSR.IBUSERR);
});

test('unprivileged code gets a BusFault from the PPB, except STIR with USERSETMPEND', () => {
  const { cpu } = cpuWithVectors([0x6008, 0x6008]); // str r0, [r1] twice
  cpu.write32(SHCSR, 1 << 17);
  cpu.write32(NVIC_ISER0, 1 << 2);
  cpu.writeSpecial(20, 0, 1); // CONTROL.nPRIV
  assert.equal(cpu.isPrivileged(), false);
  cpu.r[0] = 2;
  cpu.r[1] = 0xe000_ef00; // STIR
  cpu.step();
  assert.equal(cpu.scb.cfsr, CFSR.PRECISERR | CFSR.BFARVALID);
  assert.equal(cpu.scb.bfar >>> 0, 0xe000_ef00);
  cpu.step();
  assert.equal(cpu.ipsr, EXCEPTION.BusFault);
  // Back in Thread mode, with USERSETMPEND an unprivileged STIR write pends IRQ2.
  cpu.scb.ccr |= CCR.USERSETMPEND;
  cpu.ipsr = 0;
  cpu.nvic.setActive(EXCEPTION.BusFault, false);
  cpu.pc = VECTORED_CODE + 2;
  cpu.step();
  assert.equal(cpu.nvic.pending[IRQ(2)], 1);
});

test('a bus error while stacking is a derived BusFault (STKERR), taken instead', () => {
  const { cpu } = cpuWithVectors([B_SELF]);
  cpu.write32(SHCSR, 1 << 17);
  cpu.write32(NVIC_ISER0, 1);
  cpu.write8(NVIC_IPR0, 0x80);
  cpu.writeSp(0x3000_0000); // nothing there
  cpu.pendIrq(0);
  cpu.step();
  assert.equal(cpu.ipsr, EXCEPTION.BusFault);
  assert.equal(cpu.scb.cfsr & CFSR.STKERR, CFSR.STKERR);
  assert.equal(cpu.nvic.pending[IRQ(0)], 1, 'the interrupt is still pending');
});

test('MRS/MSR: CONTROL.SPSEL switches to PSP in Thread mode; unprivileged reads of masks are 0', () => {
  const { cpu } = cpuWithVectors([B_SELF]);
  cpu.writeSpecial(9, 0, 0x2001_0000); // PSP
  cpu.writeSpecial(20, 0, 2); // SPSEL
  assert.equal(cpu.r[13], 0x2001_0000);
  assert.equal(cpu.readSpecial(8), 0x2002_0000, 'MSP');
  assert.equal(cpu.readSpecial(20), 2);
  // An exception from Thread on PSP stacks on PSP and runs the handler on MSP.
  cpu.pendIrq(0);
  cpu.write32(NVIC_ISER0, 1);
  cpu.step();
  assert.equal(cpu.r[14]! >>> 0, 0xffff_fffd);
  assert.equal(cpu.r[13], 0x2002_0000);
  assert.equal(cpu.readSpecial(9), 0x2001_0000 - 0x20);
  assert.equal(cpu.readSpecial(20), 0, 'SPSEL reads 0 in Handler mode');
  assert.equal(cpu.readSpecial(5), IRQ(0), 'IPSR');
  cpu.n = 1;
  assert.equal(cpu.readSpecial(3) >>> 0, (0x8000_0000 | IRQ(0)) >>> 0, 'XPSR without EPSR');
  cpu.bxWritePc(0xffff_fffd);
  cpu.completeExceptionReturn();
  assert.equal(cpu.r[13], 0x2001_0000);
  cpu.writeSpecial(16, 0, 1);
  cpu.writeSpecial(20, 0, 3); // unprivileged now
  assert.equal(cpu.readSpecial(16), 0);
  assert.equal(cpu.readSpecial(8), 0);
  cpu.writeSpecial(16, 0, 0); // ignored
  assert.equal(cpu.primask, 1);
  cpu.writeSpecial(0, 0b10, 0xf800_0000); // APSR_nzcvq is allowed
  assert.deepEqual([cpu.n, cpu.z, cpu.c, cpu.v, cpu.q], [1, 1, 1, 1, 1]);
});

test('the exclusive monitor is cleared by exception entry', () => {
  const { cpu } = cpuWithVectors([B_SELF]);
  cpu.setExclusiveMonitor(0x2000_0000);
  cpu.write32(ICSR, 1 << 28);
  cpu.step();
  assert.equal(cpu.exclusiveMonitorsPass(0x2000_0000), false);
});

test('lazy FP stacking: an extended frame is reserved, then filled by the first FP instruction', () => {
  const { cpu } = cpuWithVectors([B_SELF], { [IRQ(0)]: [BX_LR] });
  cpu.write32(CPACR, 0x00f0_0000);
  assert.equal(cpu.read32(0xe000_ef34) >>> 0, (FPCCR.ASPEN | FPCCR.LSPEN) >>> 0);
  cpu.executeFpCheck(); // the thread's first FP instruction: CONTROL.FPCA
  assert.equal(cpu.control & 4, 4);
  for (let i = 0; i < 32; i++) cpu.fpRegs[i] = 0x3f80_0000 + i;
  cpu.fpscr = 0x0300_0000;
  cpu.write32(NVIC_ISER0, 1);
  cpu.pendIrq(0);
  cpu.step();
  assert.equal(cpu.r[14]! >>> 0, 0xffff_ffe9);
  const frame = cpu.r[13]! >>> 0;
  assert.equal(frame, 0x2002_0000 - 0x68);
  assert.equal(cpu.control & 4, 0, 'FPCA clear in the handler');
  assert.equal(cpu.scb.fpccr & FPCCR.LSPACT, FPCCR.LSPACT);
  assert.equal(cpu.scb.fpcar >>> 0, frame + 0x20);
  assert.equal(word(cpu, frame + 0x20), 0, 'not written yet');
  cpu.executeFpCheck(); // the handler's first FP instruction preserves the thread's registers
  assert.equal(cpu.scb.fpccr & FPCCR.LSPACT, 0);
  assert.equal(word(cpu, frame + 0x20), 0x3f80_0000);
  assert.equal(word(cpu, frame + 0x5c), 0x3f80_000f);
  assert.equal(word(cpu, frame + 0x60), 0x0300_0000);
  for (let i = 0; i < 16; i++) cpu.fpRegs[i] = 0;
  cpu.fpscr = 0;
  cpu.step(); // bx lr
  assert.equal(cpu.fpRegs[0], 0x3f80_0000);
  assert.equal(cpu.fpRegs[15], 0x3f80_000f);
  assert.equal(cpu.fpscr, 0x0300_0000);
  assert.equal(cpu.control & 4, 4);
  assert.equal(cpu.r[13], 0x2002_0000);
});

test('FP context stacked at once without LSPEN; a lazy frame never used is just dropped', () => {
  const { cpu } = cpuWithVectors([B_SELF], { [IRQ(0)]: [BX_LR] });
  cpu.write32(CPACR, 0x00f0_0000);
  cpu.write32(0xe000_ef34, FPCCR.ASPEN); // LSPEN off
  cpu.executeFpCheck();
  cpu.fpRegs[3] = 0x1234;
  cpu.write32(NVIC_ISER0, 1);
  cpu.pendIrq(0);
  const cycles = cpu.cycles;
  cpu.step();
  assert.equal(cpu.cycles - cycles, 12 + 17);
  assert.equal(word(cpu, cpu.r[13]! + 0x2c), 0x1234);
  cpu.fpRegs[3] = 0;
  cpu.step();
  assert.equal(cpu.fpRegs[3], 0x1234);
});

test('NOCP: FP instructions fault while CPACR denies CP10/CP11', () => {
  const { cpu } = cpuWithVectors([B_SELF]);
  cpu.write32(SHCSR, 1 << 18);
  assert.throws(() => {
    cpu.executeFpCheck();
  });
  assert.equal(cpu.scb.cfsr, CFSR.NOCP);
  assert.equal(cpu.nvic.pending[EXCEPTION.UsageFault], 1);
  cpu.write32(CPACR, 0x0050_0000); // privileged only
  cpu.executeFpCheck();
  cpu.writeSpecial(20, 0, 1); // unprivileged
  assert.throws(() => {
    cpu.executeFpCheck();
  });
});

test('WFI sleeps until an interrupt would preempt, even with PRIMASK set', () => {
  const { cpu } = cpuWithVectors([0xbf30, NOP, B_SELF]);
  let deep: boolean | undefined;
  cpu.onSleep = (d) => (deep = d);
  cpu.write32(0xe000_ed10, 1 << 2); // SLEEPDEEP
  cpu.changeProcessorState(true, true, false);
  cpu.step();
  assert.equal(cpu.sleeping, true);
  assert.equal(cpu.deepSleep, true);
  assert.equal(deep, true);
  assert.equal(cpu.run(500), 500);
  assert.equal(cpu.pc, VECTORED_CODE + 2);
  cpu.write32(NVIC_ISER0, 1);
  cpu.pendIrq(0);
  cpu.step();
  assert.equal(cpu.sleeping, false);
  assert.equal(cpu.ipsr, 0, 'woken but PRIMASK keeps the interrupt out');
  assert.equal(cpu.pc, VECTORED_CODE + 4);
});

test('WFE consumes the event register; SEVONPEND makes a new pending interrupt an event', () => {
  const { cpu } = cpuWithVectors([0xbf20, 0xbf20, B_SELF]);
  cpu.sendEvent();
  cpu.step();
  assert.equal(cpu.sleeping, false, 'the event was set: no sleep');
  cpu.step();
  assert.equal(cpu.sleeping, true);
  cpu.pendIrq(4); // disabled: no wake-up without SEVONPEND
  cpu.step();
  assert.equal(cpu.sleeping, true);
  cpu.write32(0xe000_ed10, 1 << 4);
  cpu.pendIrq(5);
  cpu.step();
  assert.equal(cpu.sleeping, false);
});

test('SLEEPONEXIT sleeps on return to Thread mode', () => {
  const { cpu } = cpuWithVectors([B_SELF], { [IRQ(0)]: [BX_LR] });
  cpu.write32(0xe000_ed10, 1 << 1);
  cpu.write32(NVIC_ISER0, 1);
  cpu.pendIrq(0);
  cpu.step();
  cpu.step();
  assert.equal(cpu.ipsr, 0);
  assert.equal(cpu.sleeping, true);
});

test('AIRCR.SYSRESETREQ calls the SoC; VECTRESET resets the core locally', () => {
  const { cpu } = cpuWithVectors([0x6008, B_SELF]); // str r0, [r1]
  let requests = 0;
  cpu.onSystemResetRequest = () => {
    requests++;
    cpu.reset('system');
  };
  cpu.r[0] = 0x05fa_0004;
  cpu.r[1] = AIRCR;
  cpu.step();
  assert.equal(requests, 0, 'performed at the next boundary');
  cpu.step();
  assert.equal(requests, 1);
  assert.equal(cpu.pc, VECTORED_CODE);
  cpu.r[0] = 0x05fa_0001;
  cpu.r[1] = AIRCR;
  cpu.writeSp(0x2000_1000);
  cpu.step();
  cpu.step();
  assert.equal(requests, 1);
  assert.equal(cpu.r[13], 0x2002_0000);
});

test('run() executes until the budget and reports the cycles used', () => {
  const { cpu } = cpuWithVectors([NOP, NOP, B_SELF]);
  const used = cpu.run(100);
  assert.ok(used >= 100 && used < 110);
  assert.equal(cpu.pc, VECTORED_CODE + 4);
});
