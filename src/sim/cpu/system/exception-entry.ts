import { BusError } from '../bus.js';
import type { Cpu } from '../cpu.js';
import { EXCEPTION } from '../exceptions.js';
import { CCR, CFSR, FPCCR, HFSR } from '../../../arch/armv7m/scb.js';
import { ATTN } from './attention.js';
import { CONTROL } from '../../../arch/armv7m/special-registers.js';
import { DEMCR, DFSR, DHCSR } from '../../../arch/armv7m/debug.js';
import { updateFpccr } from './fp-context.js';

/** Cortex-M4 exception entry latency (TRM 3.3.1); stacking the FP context at once adds 17. */
export const ENTRY_CYCLES = 12;
export const FP_STACKING_CYCLES = 17;

/**
 * ExceptionEntry (ARMv7-M B1.5.6): PushStack on the current stack, then ExceptionTaken. A fault
 * while stacking is a derived exception (BFSR.STKERR): it escalates against the priority of the
 * exception being entered and, being of higher priority, is taken instead of it (late arrival; the
 * original stays pending). Stacking faults while entering HardFault or NMI only record status.
 */
export function exceptionEntry(cpu: Cpu, exception: number, returnAddress: number): void {
  cpu.cycles += ENTRY_CYCLES;
  cpu.dwt.exceptionCycles(ENTRY_CYCLES);
  let taken = exception;
  if (!pushStack(cpu, returnAddress)) {
    cpu.scb.cfsr |= CFSR.STKERR;
    const derived = derivedFault(cpu, EXCEPTION.BusFault, exception);
    if (derived !== 0) taken = derived;
  }
  exceptionTaken(cpu, taken);
}

/**
 * The exception a derived fault becomes while `entering` is being entered (B1.5.6): the fault itself
 * if enabled and of higher group priority, else HardFault (HFSR.FORCED); 0 when `entering` already
 * runs at priority -1 or higher, where it is not pended.
 */
function derivedFault(cpu: Cpu, fault: number, entering: number): number {
  const nvic = cpu.nvic;
  const enteringPriority = nvic.groupPriority(nvic.exceptionPriority(entering));
  cpu.nvic.catchCause[fault]! |= DEMCR.VC_INTERR;
  if (nvic.canPreempt(fault, enteringPriority)) {
    nvic.setPending(fault);
    return fault;
  }
  if (enteringPriority < 0) return 0;
  cpu.scb.hfsr |= HFSR.FORCED;
  nvic.catchCause[EXCEPTION.HardFault]! |= DEMCR.VC_INTERR | DEMCR.VC_HARDERR;
  nvic.setPending(EXCEPTION.HardFault);
  return EXCEPTION.HardFault;
}

/**
 * PushStack (B1.5.6): an 8-word basic frame, or a 26-word extended frame when CONTROL.FPCA (S0–S15 and
 * FPSCR written now, or reserved for lazy preservation when FPCCR.LSPEN). The frame is 8-byte aligned
 * when CCR.STKALIGN (always for an extended frame); the padding is recorded in stacked xPSR bit 9.
 * Sets LR to the EXC_RETURN value. Returns false if a stacking write got a bus error.
 */
export function pushStack(cpu: Cpu, returnAddress: number): boolean {
  const fpca = (cpu.control & CONTROL.FPCA) !== 0;
  const frameSize = fpca ? 0x68 : 0x20;
  const forceAlign = fpca || (cpu.scb.ccr & CCR.STKALIGN) !== 0;
  const sp = cpu.r[13]! >>> 0;
  const padded = forceAlign ? (sp >>> 2) & 1 : 0;
  const frame = (sp - frameSize) & (forceAlign ? ~7 : ~3);
  cpu.r[13] = frame;
  // EXC_RETURN (B1.5.8): bit 4 = NOT(FPCA), bit 3 = return to Thread, bit 2 = process stack.
  const fpBit = fpca ? 0 : 0x10;
  const lr =
    cpu.ipsr !== 0 ? 0xffff_ffe1 | fpBit : 0xffff_ffe9 | fpBit | ((cpu.control & CONTROL.SPSEL) << 1);
  const xpsr = (cpu.xpsr & ~(1 << 9)) | (padded << 9);
  let ok = true;
  try {
    stackWrite(cpu, frame, cpu.r[0]!);
    stackWrite(cpu, frame + 0x04, cpu.r[1]!);
    stackWrite(cpu, frame + 0x08, cpu.r[2]!);
    stackWrite(cpu, frame + 0x0c, cpu.r[3]!);
    stackWrite(cpu, frame + 0x10, cpu.r[12]!);
    stackWrite(cpu, frame + 0x14, cpu.r[14]!);
    stackWrite(cpu, frame + 0x18, returnAddress);
    stackWrite(cpu, frame + 0x1c, xpsr);
    if (fpca) {
      if ((cpu.scb.fpccr & FPCCR.LSPEN) === 0) {
        for (let i = 0; i < 16; i++) stackWrite(cpu, frame + 0x20 + 4 * i, cpu.fpRegs[i]!);
        stackWrite(cpu, frame + 0x60, cpu.fpscr);
        cpu.cycles += FP_STACKING_CYCLES;
      } else {
        updateFpccr(cpu, frame);
      }
    }
  } catch (thrown) {
    if (!(thrown instanceof BusError)) throw thrown;
    ok = false;
  }
  cpu.r[14] = lr | 0;
  return ok;
}

function stackWrite(cpu: Cpu, address: number, value: number): void {
  cpu.bus.write32(address, value);
  cpu.invalidateCode(address, 4);
}

/**
 * ExceptionTaken (B1.5.6): fetch the vector, enter Handler mode on the main stack with CONTROL.FPCA
 * clear, mark the exception active, clear the exclusive monitor, set the event register. A bus error
 * on the vector read is a HardFault with HFSR.VECTTBL; on HardFault's or NMI's own vector, lock-up.
 * Halts afterwards on a vector catch (C1.6.5).
 */
export function exceptionTaken(cpu: Cpu, exception: number): void {
  const nvic = cpu.nvic;
  let taken = exception;
  let vector: number;
  try {
    vector = cpu.bus.read32((cpu.scb.vtor + 4 * taken) | 0);
  } catch (thrown) {
    if (!(thrown instanceof BusError)) throw thrown;
    if (taken === EXCEPTION.HardFault || taken === EXCEPTION.NMI) {
      cpu.enterLockup();
      return;
    }
    cpu.scb.hfsr |= HFSR.VECTTBL;
    nvic.catchCause[EXCEPTION.HardFault]! |= DEMCR.VC_INTERR | DEMCR.VC_HARDERR;
    taken = EXCEPTION.HardFault;
    try {
      vector = cpu.bus.read32((cpu.scb.vtor + 4 * taken) | 0);
    } catch (again) {
      if (!(again instanceof BusError)) throw again;
      cpu.enterLockup();
      return;
    }
  }
  const catchBits = nvic.catchCause[taken]!;
  cpu.ipsr = taken;
  cpu.control &= ~(CONTROL.SPSEL | CONTROL.FPCA);
  cpu.syncStackSelection();
  cpu.itState = 0;
  cpu.thumb = vector & 1;
  if (cpu.thumb === 0) cpu.attention |= ATTN.STATE;
  cpu.pc = vector & ~1;
  cpu.nextPc = cpu.pc;
  nvic.activate(taken);
  cpu.clearExclusiveLocal();
  cpu.eventRegister = 1;
  cpu.attention |= ATTN.EXCEPTIONS;
  const debug = cpu.debug;
  if ((debug.dhcsr & DHCSR.C_DEBUGEN) !== 0 && (debug.demcr & catchBits) !== 0) {
    cpu.enterDebugState(DFSR.VCATCH);
  }
}
