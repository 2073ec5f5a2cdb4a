import { CFSR, HFSR, SCB_REG } from '../arch/armv7m/scb.js';
import { hex32 } from '../util/bytes.js';
import type { MemoryAccess } from './memory-access.js';

/** The fault status registers as read (ARM DDI 0403E B3.2.15–B3.2.18). */
export interface FaultRegisters {
  readonly cfsr: number;
  readonly hfsr: number;
  readonly mmfar: number;
  readonly bfar: number;
}

export type FaultRegisterName = 'MMFSR' | 'BFSR' | 'UFSR' | 'HFSR';

/** One set fault status bit, in words. */
export interface FaultCause {
  readonly register: FaultRegisterName;
  /** The bit's name in the ARM ARM: IACCVIOL, PRECISERR, FORCED... */
  readonly bit: string;
  readonly description: string;
  /** The faulting data address, when the fault recorded one (MMFAR with MMARVALID, BFAR with BFARVALID). */
  readonly address?: number;
}

export interface FaultStatus extends FaultRegisters {
  readonly causes: readonly FaultCause[];
  /** One line: "HardFault (FORCED): ... ; MemManage IACCVIOL: ...", or "no fault recorded". */
  readonly summary: string;
}

interface BitMeaning {
  readonly register: FaultRegisterName;
  readonly bit: keyof typeof CFSR | keyof typeof HFSR;
  readonly mask: number;
  readonly description: string;
  readonly address?: 'mmfar' | 'bfar';
}

/** Each reported bit and what it means for the program (B3.2.15 CFSR, B3.2.16 HFSR). */
const MEANINGS: readonly BitMeaning[] = [
  {
    register: 'HFSR',
    bit: 'VECTTBL',
    mask: HFSR.VECTTBL,
    description: 'a bus fault while reading the vector table (VTOR or the table itself is wrong)',
  },
  {
    register: 'HFSR',
    bit: 'FORCED',
    mask: HFSR.FORCED,
    description:
      'a MemManage, BusFault or UsageFault escalated to HardFault (its handler is disabled or could not run at its priority)',
  },
  {
    register: 'HFSR',
    bit: 'DEBUGEVT',
    mask: HFSR.DEBUGEVT,
    description: 'a debug event (a BKPT instruction, say) with no debugger to halt: escalated to HardFault',
  },
  {
    register: 'MMFSR',
    bit: 'IACCVIOL',
    mask: CFSR.IACCVIOL,
    description:
      'instruction fetch from memory that may not be executed (an MPU region, or an Execute Never region such as 0xE0000000 and up): a call through a bad function pointer or a corrupt return address',
  },
  {
    register: 'MMFSR',
    bit: 'DACCVIOL',
    mask: CFSR.DACCVIOL,
    description: 'a load or store the MPU does not permit',
    address: 'mmfar',
  },
  {
    register: 'MMFSR',
    bit: 'MUNSTKERR',
    mask: CFSR.MUNSTKERR,
    description: 'the exception return’s unstacking hit memory the MPU does not permit',
  },
  {
    register: 'MMFSR',
    bit: 'MSTKERR',
    mask: CFSR.MSTKERR,
    description: 'stacking for exception entry hit memory the MPU does not permit (stack overflow?)',
  },
  {
    register: 'MMFSR',
    bit: 'MLSPERR',
    mask: CFSR.MLSPERR,
    description: 'lazy floating-point state preservation hit memory the MPU does not permit',
  },
  {
    register: 'BFSR',
    bit: 'IBUSERR',
    mask: CFSR.IBUSERR,
    description: 'a bus error fetching an instruction (no memory there, or its clock is off)',
  },
  {
    register: 'BFSR',
    bit: 'PRECISERR',
    mask: CFSR.PRECISERR,
    description: 'a precise data bus error: the stacked PC is the faulting load or store',
    address: 'bfar',
  },
  {
    register: 'BFSR',
    bit: 'IMPRECISERR',
    mask: CFSR.IMPRECISERR,
    description:
      'an imprecise data bus error: a buffered write failed later, so the stacked PC is past the store (no address recorded)',
  },
  {
    register: 'BFSR',
    bit: 'UNSTKERR',
    mask: CFSR.UNSTKERR,
    description: 'a bus error while unstacking on exception return (corrupt stack pointer?)',
  },
  {
    register: 'BFSR',
    bit: 'STKERR',
    mask: CFSR.STKERR,
    description:
      'a bus error while stacking for exception entry (stack pointer outside RAM: stack overflow?)',
  },
  {
    register: 'BFSR',
    bit: 'LSPERR',
    mask: CFSR.LSPERR,
    description: 'a bus error during lazy floating-point state preservation',
  },
  {
    register: 'UFSR',
    bit: 'UNDEFINSTR',
    mask: CFSR.UNDEFINSTR,
    description: 'an undefined instruction (data executed as code, or code built for another core)',
  },
  {
    register: 'UFSR',
    bit: 'INVSTATE',
    mask: CFSR.INVSTATE,
    description:
      'execution with the Thumb bit clear (a branch to an even address, or a vector table entry without bit 0 set)',
  },
  {
    register: 'UFSR',
    bit: 'INVPC',
    mask: CFSR.INVPC,
    description: 'an invalid EXC_RETURN or stacked PC on exception return (a corrupt stack or LR)',
  },
  {
    register: 'UFSR',
    bit: 'NOCP',
    mask: CFSR.NOCP,
    description:
      'a coprocessor (floating-point) instruction with the coprocessor off: enable CP10/CP11 in CPACR before using the FPU',
  },
  {
    register: 'UFSR',
    bit: 'UNALIGNED',
    mask: CFSR.UNALIGNED,
    description: 'an unaligned access that traps (CCR.UNALIGN_TRP, or LDM/STM/LDRD, which must be aligned)',
  },
  {
    register: 'UFSR',
    bit: 'DIVBYZERO',
    mask: CFSR.DIVBYZERO,
    description: 'a division by zero with CCR.DIV_0_TRP set',
  },
];

const HANDLER: Record<FaultRegisterName, string> = {
  HFSR: 'HardFault',
  MMFSR: 'MemManage',
  BFSR: 'BusFault',
  UFSR: 'UsageFault',
};

/**
 * The fault status in words: a pure function of the four registers, shared by every layer that
 * explains a crash (the CLI's `regs`, the gdb server, `doctor`). An address is given only when its
 * VALID bit says the register holds one.
 */
export function decodeFaultStatus(registers: FaultRegisters): FaultStatus {
  const cfsr = registers.cfsr >>> 0;
  const hfsr = registers.hfsr >>> 0;
  const causes: FaultCause[] = [];
  for (const m of MEANINGS) {
    const word = m.register === 'HFSR' ? hfsr : cfsr;
    if ((word & m.mask) === 0) continue;
    let address: number | undefined;
    if (m.address === 'mmfar' && cfsr & CFSR.MMARVALID) address = registers.mmfar >>> 0;
    if (m.address === 'bfar' && cfsr & CFSR.BFARVALID) address = registers.bfar >>> 0;
    causes.push({
      register: m.register,
      bit: m.bit,
      description: m.description,
      ...(address === undefined ? {} : { address }),
    });
  }
  const summary =
    causes.length === 0
      ? 'no fault recorded'
      : causes
          .map(
            (c) =>
              `${HANDLER[c.register]} ${c.bit}: ${c.description}${c.address === undefined ? '' : ` (at ${hex32(c.address)})`}`,
          )
          .join('; ');
  return {
    cfsr,
    hfsr,
    mmfar: registers.mmfar >>> 0,
    bfar: registers.bfar >>> 0,
    causes,
    summary,
  };
}

/** Reads CFSR, HFSR, MMFAR and BFAR (readable while the core runs). */
export async function readFaultRegisters(memory: MemoryAccess): Promise<FaultRegisters> {
  return {
    cfsr: (await memory.read32(SCB_REG.CFSR)) >>> 0,
    hfsr: (await memory.read32(SCB_REG.HFSR)) >>> 0,
    mmfar: (await memory.read32(SCB_REG.MMFAR)) >>> 0,
    bfar: (await memory.read32(SCB_REG.BFAR)) >>> 0,
  };
}
