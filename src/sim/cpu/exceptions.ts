/** Exception numbers (ARMv7-M ARM B1.5.2). External interrupt n is exception 16 + n. */
export const EXCEPTION = {
  Reset: 1,
  NMI: 2,
  HardFault: 3,
  MemManage: 4,
  BusFault: 5,
  UsageFault: 6,
  SVCall: 11,
  DebugMonitor: 12,
  PendSV: 14,
  SysTick: 15,
  IRQ0: 16,
} as const;

/**
 * Thrown inside the core when the current instruction must be abandoned because it raised a
 * synchronous exception (a fault, or a debug halt on BKPT). The core's step catches it; it never
 * escapes the simulator. One instance is reused: faults are rare, but allocation-free anyway.
 */
export class InstructionAbort extends Error {
  static readonly instance = new InstructionAbort();
  private constructor() {
    super('instruction abandoned by a synchronous exception');
  }
}
