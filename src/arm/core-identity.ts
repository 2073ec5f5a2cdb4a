import { CPACR, CPUID, SCB_REG } from '../arch/armv7m/scb.js';
import type { MemoryAccess } from './memory-access.js';

/**
 * CPUID.PARTNO of ARM's Cortex-M cores (each core's Technical Reference Manual, "CPUID"), with
 * CPUID.IMPLEMENTER 0x41 (ARM). Implementation values, so they live here and not in arch/.
 */
export const CORTEX_M_PARTNO = {
  'Cortex-M0': 0xc20,
  'Cortex-M0+': 0xc60,
  'Cortex-M1': 0xc21,
  'Cortex-M3': 0xc23,
  'Cortex-M4': 0xc24,
  'Cortex-M7': 0xc27,
  'Cortex-M23': 0xd20,
  'Cortex-M33': 0xd21,
} as const;
export const ARM_IMPLEMENTER = 0x41;

export interface CoreIdentity {
  readonly cpuid: number;
  readonly implementer: number;
  readonly partno: number;
  /** "Cortex-M4", or "unknown core (CPUID 0x…)". */
  readonly name: string;
  /** "r0p1": CPUID.VARIANT and REVISION. */
  readonly revision: string;
  /** The Floating-point extension is implemented (MVFR0 reads non-zero). */
  readonly hasFpu: boolean;
}

export function decodeCpuid(cpuid: number, hasFpu: boolean): CoreIdentity {
  const implementer = (cpuid & CPUID.IMPLEMENTER_MASK) >>> CPUID.IMPLEMENTER_SHIFT;
  const partno = (cpuid & CPUID.PARTNO_MASK) >>> CPUID.PARTNO_SHIFT;
  const variant = (cpuid & CPUID.VARIANT_MASK) >>> CPUID.VARIANT_SHIFT;
  const known = Object.entries(CORTEX_M_PARTNO).find(([, p]) => p === partno)?.[0];
  return {
    cpuid: cpuid >>> 0,
    implementer,
    partno,
    name:
      implementer === ARM_IMPLEMENTER && known !== undefined
        ? known
        : `unknown core (CPUID 0x${(cpuid >>> 0).toString(16)})`,
    revision: `r${variant}p${cpuid & CPUID.REVISION_MASK}`,
    hasFpu,
  };
}

/** CPUID, and MVFR0 for the FPU: a core without the extension reads the MVFR registers as zero. */
export async function readCoreIdentity(memory: MemoryAccess): Promise<CoreIdentity> {
  const cpuid = (await memory.read32(SCB_REG.CPUID)) >>> 0;
  const mvfr0 = (await memory.read32(SCB_REG.MVFR0)) >>> 0;
  return decodeCpuid(cpuid, mvfr0 !== 0);
}

/** Whether software may use the FPU now: CPACR grants CP10 and CP11 access (B3.2.20). */
export function fpuEnabledByCpacr(cpacr: number): boolean {
  return (cpacr & CPACR.CP10_MASK) !== 0 && (cpacr & CPACR.CP11_MASK) !== 0;
}
