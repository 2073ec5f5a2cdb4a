import type { BusError } from '../bus.js';
import type { Cpu } from '../cpu.js';
import { EXCEPTION } from '../exceptions.js';
import { DEMCR } from '../../../arch/armv7m/debug.js';
import { ADDRESS_MAP } from '../../../arch/armv7m/memory-map.js';
import { CCR, CFSR, HFSR } from '../../../arch/armv7m/scb.js';

/**
 * Makes `exception` pending for a synchronous event (a fault, SVC, BKPT with the monitor), applying
 * priority escalation (B1.5.6 "Priority escalation"): if it is disabled or cannot preempt the current
 * execution priority it becomes a HardFault (HFSR.FORCED, or HFSR.DEBUGEVT for DebugMonitor); if a
 * HardFault cannot preempt either (priority -1 or -2: in HardFault, NMI, or with FAULTMASK) the core
 * locks up (B1.5.15). `catchBits` are the DEMCR.VC_* bits that will halt on entry. Returns false on
 * lock-up.
 */
export function pendFault(cpu: Cpu, exception: number, catchBits: number): boolean {
  const nvic = cpu.nvic;
  const priority = nvic.executionPriority(false);
  let target = exception;
  if (exception !== EXCEPTION.HardFault && exception !== EXCEPTION.NMI) {
    if (!nvic.canPreempt(exception, priority)) {
      target = EXCEPTION.HardFault;
      cpu.scb.hfsr |= exception === EXCEPTION.DebugMonitor ? HFSR.DEBUGEVT : HFSR.FORCED;
    }
  }
  if (target === EXCEPTION.HardFault && priority < 0) {
    cpu.enterLockup();
    return false;
  }
  nvic.catchCause[target]! |= catchBits;
  if (target === EXCEPTION.HardFault) nvic.catchCause[target]! |= DEMCR.VC_HARDERR;
  nvic.setPending(target);
  return true;
}

/** The DEMCR vector-catch bit for a UsageFault cause (C1.6.5). */
export function usageFaultCatch(cfsrBit: number): number {
  if (cfsrBit === CFSR.NOCP) return DEMCR.VC_NOCPERR;
  if (cfsrBit === CFSR.UNALIGNED || cfsrBit === CFSR.DIVBYZERO) return DEMCR.VC_CHKERR;
  if (cfsrBit === CFSR.INVPC) return DEMCR.VC_STATERR | DEMCR.VC_INTERR;
  return DEMCR.VC_STATERR;
}

/**
 * A precise data BusFault (B3.2.15): BFSR.PRECISERR, BFAR = the faulting address. With
 * CCR.BFHFNMIGN, a data bus error at priority -1 or -2 is ignored: the instruction is treated as
 * complete (B3.2.8). Returns true if an exception is to be taken.
 */
export function busFaultFor(cpu: Cpu, error: BusError): boolean {
  if ((cpu.scb.ccr & CCR.BFHFNMIGN) !== 0 && cpu.nvic.executionPriority(false) < 0) {
    cpu.pc = cpu.nextPc;
    return false;
  }
  cpu.scb.cfsr |= CFSR.PRECISERR | CFSR.BFARVALID;
  cpu.scb.bfar = error.address | 0;
  return pendFault(cpu, EXCEPTION.BusFault, DEMCR.VC_BUSERR);
}

/**
 * A fetch error: MemManage IACCVIOL for the Execute Never regions of the default memory map
 * (0x40000000–0x5FFFFFFF, 0xA0000000–0xFFFFFFFF, B3.1.1), else BusFault IBUSERR (no BFAR).
 */
export function fetchFault(cpu: Cpu, address: number): boolean {
  const a = address >>> 0;
  if ((a >= ADDRESS_MAP.PERIPHERAL && a < ADDRESS_MAP.RAM) || a >= ADDRESS_MAP.DEVICE) {
    cpu.scb.cfsr |= CFSR.IACCVIOL;
    return pendFault(cpu, EXCEPTION.MemManage, DEMCR.VC_MMERR);
  }
  cpu.scb.cfsr |= CFSR.IBUSERR;
  return pendFault(cpu, EXCEPTION.BusFault, DEMCR.VC_BUSERR);
}
