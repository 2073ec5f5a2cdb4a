import type { CortexM } from '../arm/cortex-m.js';
import type { MemoryAccess } from '../arm/memory-access.js';

/** The exception frame the core pushed on entry (ARM DDI 0403E B1.5.6): R0-R3, R12, LR, PC, xPSR. */
export interface StackedFrame {
  /** Where the exception was taken: the faulting instruction for a synchronous fault. */
  readonly pc: number;
  readonly lr: number;
  readonly xpsr: number;
  /** EXC_RETURN in LR on entry, which says which stack holds the frame. */
  readonly excReturn: number;
  readonly stack: 'msp' | 'psp';
  readonly sp: number;
}

/**
 * The frame of the exception just entered: valid right at the handler's first instruction (where a
 * HardFault vector catch halts), while LR still holds EXC_RETURN. Bit 2 of EXC_RETURN picks PSP.
 */
export async function stackedFrame(core: CortexM, memory: MemoryAccess): Promise<StackedFrame> {
  const excReturn = (await core.readRegister('lr')) >>> 0;
  const stack = excReturn & 4 ? 'psp' : 'msp';
  const sp = (await core.readRegister(stack)) >>> 0;
  return {
    lr: (await memory.read32(sp + 20)) >>> 0,
    pc: (await memory.read32(sp + 24)) >>> 0,
    xpsr: (await memory.read32(sp + 28)) >>> 0,
    excReturn,
    stack,
    sp,
  };
}
