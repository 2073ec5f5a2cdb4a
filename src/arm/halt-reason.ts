import { DFSR } from '../arch/armv7m/debug.js';

/** Why the core last stopped, from DFSR (ARM DDI 0403E C1.6.1). More than one can be set. */
export type HaltCause = 'halt-request' | 'breakpoint' | 'watchpoint' | 'vector-catch' | 'external';

export function haltCausesOf(dfsr: number): HaltCause[] {
  const causes: HaltCause[] = [];
  // DFSR.HALTED is also what a completed single step sets.
  if (dfsr & DFSR.HALTED) causes.push('halt-request');
  if (dfsr & DFSR.BKPT) causes.push('breakpoint');
  if (dfsr & DFSR.DWTTRAP) causes.push('watchpoint');
  if (dfsr & DFSR.VCATCH) causes.push('vector-catch');
  if (dfsr & DFSR.EXTERNAL) causes.push('external');
  return causes;
}

/** The DFSR bits a write of ones clears. */
export const DFSR_ALL = DFSR.HALTED | DFSR.BKPT | DFSR.DWTTRAP | DFSR.VCATCH | DFSR.EXTERNAL;
