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

/** Configurable Fault Status Register bits (ARMv7-M ARM B3.2.15): MMFSR [7:0], BFSR [15:8], UFSR [31:16]. */
export const CFSR = {
  IACCVIOL: 1 << 0,
  DACCVIOL: 1 << 1,
  MUNSTKERR: 1 << 3,
  MSTKERR: 1 << 4,
  MLSPERR: 1 << 5,
  MMARVALID: 1 << 7,
  IBUSERR: 1 << 8,
  PRECISERR: 1 << 9,
  IMPRECISERR: 1 << 10,
  UNSTKERR: 1 << 11,
  STKERR: 1 << 12,
  LSPERR: 1 << 13,
  BFARVALID: 1 << 15,
  UNDEFINSTR: 1 << 16,
  INVSTATE: 1 << 17,
  INVPC: 1 << 18,
  NOCP: 1 << 19,
  UNALIGNED: 1 << 24,
  DIVBYZERO: 1 << 25,
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
