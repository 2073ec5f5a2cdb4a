import type { Executor } from './executor.js';

/** Executes as nothing: NOP, YIELD (a NOP on the Cortex-M4) and every unallocated hint (A5.2.5, A5.3.4). */
export const nop: Executor = () => undefined;

const wfe: Executor = (cpu) => {
  cpu.waitForEvent();
};
const wfi: Executor = (cpu) => {
  cpu.waitForInterrupt();
};
const sev: Executor = (cpu) => {
  cpu.sendEvent();
};

/**
 * The hint with number `op` (opA in the 16-bit encoding, op2 in the 32-bit one; the numbering is the
 * same): 0 NOP, 1 YIELD, 2 WFE, 3 WFI, 4 SEV; anything else is an unallocated hint and a NOP.
 */
export function hint(op: number): Executor {
  switch (op) {
    case 0b0010:
      return wfe;
    case 0b0011:
      return wfi;
    case 0b0100:
      return sev;
    default:
      return nop;
  }
}
