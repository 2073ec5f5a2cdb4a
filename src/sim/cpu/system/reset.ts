import { BusError } from '../bus.js';
import type { Cpu } from '../cpu.js';
import { ATTN } from './attention.js';
import { DEMCR, DFSR, DHCSR } from '../../../arch/armv7m/debug.js';
import { SLEEP } from './sleep-kind.js';

/**
 * 'power-on': everything, debug logic included. 'system': SYSRESETREQ or NRST (the SoC resets its
 * peripherals too). 'local': AIRCR.VECTRESET, the core alone. See Cpu.reset for what survives.
 */
export type ResetKind = 'power-on' | 'system' | 'local';

/**
 * TakeReset (ARMv7-M B1.5.5): Thread mode, privileged, on MSP, all exceptions inactive and the SCS
 * registers at their reset values; MSP and PC from the first two vector table words (VTOR resets to
 * 0). R0–R12 are UNKNOWN (0 here) and LR is 0xFFFFFFFF. A bus error reading the vectors locks the
 * core up. Afterwards, C_DEBUGEN with DEMCR.VC_CORERESET halts on the first instruction (C1.6.5).
 */
export function resetCore(cpu: Cpu, kind: ResetKind, fetchVectors: boolean): void {
  cpu.r.fill(0);
  cpu.r[14] = -1;
  cpu.n = cpu.z = cpu.c = cpu.v = cpu.q = cpu.ge = 0;
  cpu.itState = 0;
  cpu.thumb = 1;
  cpu.ipsr = 0;
  cpu.control = 0;
  cpu.primask = 0;
  cpu.faultmask = 0;
  cpu.basepri = 0;
  cpu.onProcessStack = false;
  cpu.otherSp = 0;
  cpu.eventRegister = 0;
  cpu.sleepKind = SLEEP.NONE;
  cpu.halted = false;
  cpu.lockedUp = false;
  cpu.forceUnprivileged = false;
  cpu.pendingExcReturn = 0;
  cpu.resetRequest = undefined;
  cpu.attention = 0;
  cpu.clearExclusiveLocal();
  cpu.fpscr = 0;
  cpu.fpRegs.fill(0);
  cpu.nvic.reset();
  cpu.scb.reset();
  cpu.sysTick.reset();
  if (kind === 'power-on') {
    cpu.debug.powerOnReset();
    cpu.fpb.powerOnReset();
    cpu.dwt.powerOnReset();
  } else {
    cpu.debug.coreReset();
  }
  cpu.pc = 0;
  cpu.nextPc = 0;
  cpu.updateAttention();
  if (!fetchVectors) return;
  try {
    cpu.writeSp(cpu.bus.read32(cpu.scb.vtor));
    const entry = cpu.bus.read32(cpu.scb.vtor + 4);
    cpu.pc = entry & ~1;
    cpu.nextPc = cpu.pc;
    cpu.thumb = entry & 1;
    if (cpu.thumb === 0) cpu.attention |= ATTN.STATE;
  } catch (thrown) {
    if (!(thrown instanceof BusError)) throw thrown;
    cpu.enterLockup();
    return;
  }
  const debug = cpu.debug;
  if ((debug.dhcsr & DHCSR.C_DEBUGEN) !== 0 && (debug.demcr & DEMCR.VC_CORERESET) !== 0) {
    cpu.enterDebugState(DFSR.VCATCH);
  } else if ((debug.dhcsr & (DHCSR.C_DEBUGEN | DHCSR.C_HALT)) === (DHCSR.C_DEBUGEN | DHCSR.C_HALT)) {
    // A halt request that survived the reset (C_HALT is not reset by a system reset).
    cpu.enterDebugState(DFSR.HALTED);
  }
}
