/**
 * The halting-debug registers (ARM DDI 0403E, C1.6 "Debug system registers"): DFSR (C1.6.1), DHCSR
 * (C1.6.2), DCRSR (C1.6.3), DCRDR (C1.6.4) and DEMCR (C1.6.5). The register numbers DCRSR.REGSEL
 * takes are in ./regsel.ts.
 */

/** Addresses (C1.6, debug register summary). DFSR sits among the SCB registers but belongs here. */
export const DEBUG_REG = {
  DFSR: 0xe000_ed30,
  DHCSR: 0xe000_edf0,
  DCRSR: 0xe000_edf4,
  DCRDR: 0xe000_edf8,
  DEMCR: 0xe000_edfc,
} as const;

/** Debug Fault Status Register (C1.6.1): why the core last halted or took DebugMonitor; write 1 to clear. */
export const DFSR = {
  HALTED: 1 << 0,
  BKPT: 1 << 1,
  DWTTRAP: 1 << 2,
  VCATCH: 1 << 3,
  EXTERNAL: 1 << 4,
} as const;

/**
 * Debug Halting Control and Status Register (C1.6.2). A write changes the C_* bits only with DBGKEY in
 * bits 31:16; reads return the S_* status there instead. S_RETIRE_ST and S_RESET_ST clear on read.
 */
export const DHCSR = {
  C_DEBUGEN: 1 << 0,
  C_HALT: 1 << 1,
  C_STEP: 1 << 2,
  C_MASKINTS: 1 << 3,
  C_SNAPSTALL: 1 << 5,
  S_REGRDY: 1 << 16,
  S_HALT: 1 << 17,
  S_SLEEP: 1 << 18,
  S_LOCKUP: 1 << 19,
  S_RETIRE_ST: 1 << 24,
  S_RESET_ST: 1 << 25,
  /** 0xA05F in bits 31:16, in place. */
  DBGKEY: 0xa05f_0000,
} as const;

/** Debug Core Register Selector Register (C1.6.3), write-only. */
export const DCRSR = {
  /** Bits 6:0: the register, numbered as REGSEL in ./regsel.ts. */
  REGSEL_MASK: 0x7f,
  /** 1: write DCRDR into the register; 0: read the register into DCRDR. */
  REGWnR: 1 << 16,
} as const;

/** Debug Exception and Monitor Control Register (C1.6.5): vector catch, the debug monitor, TRCENA. */
export const DEMCR = {
  VC_CORERESET: 1 << 0,
  VC_MMERR: 1 << 4,
  VC_NOCPERR: 1 << 5,
  VC_CHKERR: 1 << 6,
  VC_STATERR: 1 << 7,
  VC_BUSERR: 1 << 8,
  VC_INTERR: 1 << 9,
  VC_HARDERR: 1 << 10,
  MON_EN: 1 << 16,
  MON_PEND: 1 << 17,
  MON_STEP: 1 << 18,
  MON_REQ: 1 << 19,
  /** Enables the DWT and ITM (C1.6.5): without it their counters and comparators do nothing. */
  TRCENA: 1 << 24,
} as const;
