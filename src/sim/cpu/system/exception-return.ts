import { BusError } from '../bus.js';
import type { Cpu } from '../cpu.js';
import { EXCEPTION } from '../exceptions.js';
import { CCR, CFSR, FPCCR, SCR } from '../../../arch/armv7m/scb.js';
import { ATTN } from './attention.js';
import { CONTROL } from '../../../arch/armv7m/special-registers.js';
import { DEMCR } from '../../../arch/armv7m/debug.js';
import { SLEEP } from './sleep-kind.js';
import { exceptionTaken, FP_STACKING_CYCLES } from './exception-entry.js';
import { pendFault, usageFaultCatch } from './faults.js';

/** Cortex-M4 exception return and tail-chain latencies (TRM 3.3.1). */
export const RETURN_CYCLES = 12;
export const TAIL_CHAIN_CYCLES = 6;

/** Reused between returns: the popped basic frame and FP words (no allocation per exception). */
const frameWords = new Int32Array(8);
const fpWords = new Int32Array(17);

/**
 * ExceptionReturn(EXC_RETURN) (ARMv7-M B1.5.8), started by BX/POP/LDM/LDR PC in Handler mode.
 * EXC_RETURN 0xFFFFFFF1/E1 returns to Handler mode, F9/E9 to Thread on MSP, FD/ED to Thread on PSP
 * (bit 4 clear: extended FP frame). An invalid value, returning from an inactive exception, or to
 * Thread mode with other exceptions active (unless CCR.NONBASETHRDENA) is a UsageFault INVPC taken
 * without unstacking, with LR = 0xF:EXC_RETURN<27:0>. A pending exception that can preempt the
 * returned-to context is tail-chained: taken without unstacking and restacking.
 */
export function exceptionReturn(cpu: Cpu, excReturn: number): void {
  const nvic = cpu.nvic;
  const returning = cpu.ipsr;
  const nested = nvic.activeCount;
  const kind = excReturn & 0xf;
  const extended = (excReturn & 0x10) === 0;
  cpu.cycles += RETURN_CYCLES;
  cpu.dwt.exceptionCycles(RETURN_CYCLES);

  if (nvic.active[returning] === 0) {
    invalidReturn(cpu, excReturn);
    return;
  }
  let valid = (excReturn & 0x0fff_ffe0) === 0x0fff_ffe0;
  if (kind === 0b0001) valid &&= nested !== 1;
  else if (kind === 0b1001 || kind === 0b1101) {
    valid &&= nested === 1 || (cpu.scb.ccr & CCR.NONBASETHRDENA) !== 0;
  } else valid = false;
  nvic.deactivate(returning);
  if (!valid) {
    invalidReturn(cpu, excReturn);
    return;
  }

  // Tail-chaining (B1.5.12): the frame stays; the next handler gets the same EXC_RETURN.
  const next = nvic.takeable(nvic.executionPriority(false));
  if (next !== 0) {
    cpu.cycles += TAIL_CHAIN_CYCLES - RETURN_CYCLES;
    cpu.r[14] = excReturn;
    exceptionTaken(cpu, next);
    return;
  }

  const toProcess = kind === 0b1101;
  const frame = (toProcess ? cpu.readPsp() : cpu.readMsp()) >>> 0;
  const frameSize = extended ? 0x68 : 0x20;
  const forceAlign = extended || (cpu.scb.ccr & CCR.STKALIGN) !== 0;
  const restoreFp = extended && (cpu.scb.fpccr & FPCCR.LSPACT) === 0;
  try {
    for (let i = 0; i < 8; i++) frameWords[i] = cpu.bus.read32(frame + 4 * i);
    if (restoreFp) for (let i = 0; i < 17; i++) fpWords[i] = cpu.bus.read32(frame + 0x20 + 4 * i);
  } catch (thrown) {
    if (!(thrown instanceof BusError)) throw thrown;
    unstackingFault(cpu, excReturn);
    return;
  }
  const psr = frameWords[7]!;
  const ipsr = psr & 0x1ff;
  // The popped IPSR must agree with the mode EXC_RETURN selected (B1.5.8).
  if ((kind === 0b0001) !== (ipsr !== 0)) {
    invalidReturn(cpu, excReturn);
    return;
  }

  // PopStack.
  for (let i = 0; i < 4; i++) cpu.r[i] = frameWords[i]!;
  cpu.r[12] = frameWords[4]!;
  cpu.r[14] = frameWords[5]!;
  if (extended) {
    if ((cpu.scb.fpccr & FPCCR.LSPACT) !== 0) {
      cpu.scb.fpccr &= ~FPCCR.LSPACT; // never saved: S0–S15 still hold the interrupted context
    } else {
      for (let i = 0; i < 16; i++) cpu.fpRegs[i] = fpWords[i]!;
      cpu.fpscr = fpWords[16]!;
      cpu.cycles += FP_STACKING_CYCLES;
    }
  }
  const spMask = forceAlign ? ((psr >>> 9) & 1) << 2 : 0;
  const sp = (frame + frameSize) | spMask | 0;
  if (toProcess) cpu.writePsp(sp);
  else cpu.writeMsp(sp);
  cpu.n = (psr >>> 31) & 1;
  cpu.z = (psr >>> 30) & 1;
  cpu.c = (psr >>> 29) & 1;
  cpu.v = (psr >>> 28) & 1;
  cpu.q = (psr >>> 27) & 1;
  cpu.ge = (psr >>> 16) & 0xf;
  cpu.itState = ((psr >>> 25) & 3) | (((psr >>> 10) & 0x3f) << 2);
  cpu.thumb = (psr >>> 24) & 1;
  if (cpu.thumb === 0) cpu.attention |= ATTN.STATE;
  cpu.ipsr = ipsr;
  cpu.control =
    (cpu.control & CONTROL.nPRIV) | (toProcess ? CONTROL.SPSEL : 0) | (extended ? CONTROL.FPCA : 0);
  cpu.syncStackSelection();
  cpu.pc = frameWords[6]! & ~1;
  cpu.nextPc = cpu.pc;
  cpu.clearExclusiveLocal();
  cpu.eventRegister = 1;
  cpu.attention |= ATTN.EXCEPTIONS;
  // SLEEPONEXIT (B1.5.19): back in Thread mode from the last active exception, sleep at once.
  if (ipsr === 0 && nested === 1 && (cpu.scb.scr & SCR.SLEEPONEXIT) !== 0) cpu.enterSleep(SLEEP.WFI);
}

/** UsageFault INVPC on a bad return: taken over the frame still on the stack (B1.5.8). */
function invalidReturn(cpu: Cpu, excReturn: number): void {
  cpu.scb.cfsr |= CFSR.INVPC;
  if (!pendFault(cpu, EXCEPTION.UsageFault, usageFaultCatch(CFSR.INVPC))) return;
  cpu.r[14] = 0xf000_0000 | (excReturn & 0x0fff_ffff);
  takeOverFrame(cpu);
}

/**
 * A bus error while unstacking (BFSR.UNSTKERR): a derived BusFault, escalated against the priority
 * being returned to (lock-up if that is -1 or higher), taken over the frame with LR = EXC_RETURN.
 */
function unstackingFault(cpu: Cpu, excReturn: number): void {
  cpu.scb.cfsr |= CFSR.UNSTKERR;
  if (!pendFault(cpu, EXCEPTION.BusFault, DEMCR.VC_INTERR | DEMCR.VC_BUSERR)) return;
  cpu.r[14] = excReturn;
  takeOverFrame(cpu);
}

function takeOverFrame(cpu: Cpu): void {
  const next = cpu.nvic.takeable(cpu.nvic.executionPriority(false));
  if (next !== 0) exceptionTaken(cpu, next);
}
