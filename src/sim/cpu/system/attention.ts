/**
 * Bits of `Cpu.attention`. The step loop tests that one number before each instruction; any non-zero
 * value sends it through `Cpu.serviceAttention()`, so nothing system-level costs anything per
 * instruction while it is zero. Transient bits are cleared once handled; persistent ones stay set for
 * as long as their state lasts (recomputed by `Cpu.updateAttention()`).
 */
export const ATTN = {
  /** Pending/enabled/priority/mask state changed: re-evaluate whether an exception can be taken. */
  EXCEPTIONS: 1 << 0,
  /** An instruction wrote an EXC_RETURN value to the PC in Handler mode (B1.5.8). */
  RETURN: 1 << 1,
  /** EPSR.T is 0: the next instruction raises a UsageFault INVSTATE (A2.3.1). */
  STATE: 1 << 2,
  /** A debug event that halts (or pends DebugMonitor) at the next boundary: C_HALT from software, DWT match. */
  DEBUG_EVENT: 1 << 3,
  /** AIRCR.SYSRESETREQ or VECTRESET was written (B3.2.6). */
  RESET: 1 << 4,
  /** Persistent: sleeping after WFI/WFE or on exit (B1.5.18). */
  SLEEP: 1 << 5,
  /** Persistent: lock-up (B1.5.15). */
  LOCKUP: 1 << 6,
  /** Persistent: halted in Debug state (C1.4). */
  HALTED: 1 << 7,
  /** Persistent: per-instruction debug work (FPB, DWT PC match, halting or monitor stepping, DWT CPICNT). */
  INSTRUMENT: 1 << 8,
  /**
   * Code the core had compiled into blocks was written: the running block stops after the current
   * instruction so the next one is decoded afresh (src/sim/cpu/block.ts). Needs no other handling.
   */
  CODE: 1 << 9,
} as const;

/** The bits that describe lasting states rather than one-off requests. */
export const ATTN_PERSISTENT = ATTN.SLEEP | ATTN.LOCKUP | ATTN.HALTED | ATTN.INSTRUMENT;
