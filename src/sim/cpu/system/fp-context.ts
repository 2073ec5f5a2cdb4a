import { BusError } from '../bus.js';
import type { Cpu } from '../cpu.js';
import { EXCEPTION, InstructionAbort } from '../exceptions.js';
import { CFSR, FPCCR, HFSR } from '../../../arch/armv7m/scb.js';
import { CONTROL } from '../../../arch/armv7m/special-registers.js';
import { DEMCR } from '../../../arch/armv7m/debug.js';

/** FPSCR fields a new FP context takes from FPDSCR: AHP, DN, FZ, RMode (B3.2.22). */
const FPDSCR_FIELDS = 0x07c0_0000;

/**
 * ExecuteFPCheck() (ARMv7-M B1.5.7, A7.4): every FP instruction calls this first.
 * CheckVFPEnabled: CPACR.CP10 = 0b00 (or 0b10, reserved) denies access; 0b01 allows privileged code
 * only; a denied access is a UsageFault NOCP. Then a pending lazy preservation is carried out
 * (FPCCR.LSPACT), and with FPCCR.ASPEN the first FP instruction of a context sets CONTROL.FPCA and
 * loads FPSCR's defaults from FPDSCR.
 */
export function executeFpCheck(cpu: Cpu): void {
  checkFpAccess(cpu);
  const fpccr = cpu.scb.fpccr;
  if ((fpccr & FPCCR.LSPACT) !== 0) preserveFpState(cpu);
  if ((fpccr & FPCCR.ASPEN) !== 0 && (cpu.control & CONTROL.FPCA) === 0) {
    cpu.control |= CONTROL.FPCA;
    cpu.fpscr = (cpu.fpscr & ~FPDSCR_FIELDS) | (cpu.scb.fpdscr & FPDSCR_FIELDS);
  }
}

/**
 * The CPACR part of ExecuteFPCheck (B3.2.20): CP10 (which governs CP11 too) must grant full access,
 * or privileged access from privileged code; otherwise the coprocessor is absent → UsageFault NOCP.
 */
export function checkFpAccess(cpu: Cpu): void {
  const cp10 = (cpu.scb.cpacr >>> 20) & 3;
  if (cp10 !== 3 && (cp10 !== 1 || !cpu.isPrivileged())) cpu.usageFault(CFSR.NOCP);
}

/**
 * UpdateFPCCR (B1.5.7): exception entry with an extended frame under lazy stacking reserves the FP
 * slots at `frame` + 0x20 (FPCAR) and records who owned the context and which faults could be taken
 * at the time, for PreserveFPState.
 */
export function updateFpccr(cpu: Cpu, frame: number): void {
  const nvic = cpu.nvic;
  const priority = nvic.executionPriority(false);
  const ready = (exception: number, bit: number): number => (nvic.canPreempt(exception, priority) ? bit : 0);
  cpu.scb.fpcar = (frame + 0x20) & ~7;
  let fpccr =
    cpu.scb.fpccr & ~(FPCCR.USER | FPCCR.THREAD | FPCCR.HFRDY | FPCCR.MMRDY | FPCCR.BFRDY | FPCCR.MONRDY);
  fpccr |= FPCCR.LSPACT;
  if (!cpu.isPrivileged()) fpccr |= FPCCR.USER;
  if (cpu.ipsr === 0) fpccr |= FPCCR.THREAD;
  if (priority > -1) fpccr |= FPCCR.HFRDY;
  fpccr |= ready(EXCEPTION.MemManage, FPCCR.MMRDY);
  fpccr |= ready(EXCEPTION.BusFault, FPCCR.BFRDY);
  if ((cpu.debug.demcr & DEMCR.MON_EN) !== 0) fpccr |= ready(EXCEPTION.DebugMonitor, FPCCR.MONRDY);
  cpu.scb.fpccr = fpccr;
}

/**
 * PreserveFPState (B1.5.7): writes S0–S15 and FPSCR to the slots reserved at FPCAR and clears LSPACT.
 * A bus error is a BusFault LSPERR if FPCCR.BFRDY was set when the frame was stacked, else a
 * HardFault (FORCED) if HFRDY, else lock-up; the FP instruction is abandoned.
 */
function preserveFpState(cpu: Cpu): void {
  const base = cpu.scb.fpcar & ~7;
  try {
    for (let i = 0; i < 16; i++) {
      cpu.bus.write32(base + 4 * i, cpu.fpRegs[i]!);
      cpu.invalidateCode(base + 4 * i, 4);
    }
    cpu.bus.write32(base + 0x40, cpu.fpscr);
    cpu.invalidateCode(base + 0x40, 4);
  } catch (thrown) {
    if (!(thrown instanceof BusError)) throw thrown;
    cpu.scb.cfsr |= CFSR.LSPERR;
    const fpccr = cpu.scb.fpccr;
    if ((fpccr & FPCCR.BFRDY) !== 0) {
      cpu.nvic.setPending(EXCEPTION.BusFault);
    } else if ((fpccr & FPCCR.HFRDY) !== 0) {
      cpu.scb.hfsr |= HFSR.FORCED;
      cpu.nvic.setPending(EXCEPTION.HardFault);
    } else {
      cpu.enterLockup();
    }
    throw InstructionAbort.instance;
  }
  cpu.scb.fpccr &= ~FPCCR.LSPACT;
}
