/** Register bit fields of the System Control Space, by their ARMv7-M ARM names. */

/** Interrupt Control and State Register (B3.2.4). */
export const ICSR = {
  RETTOBASE: 1 << 11,
  ISRPENDING: 1 << 22,
  ISRPREEMPT: 1 << 23,
  PENDSTCLR: 1 << 25,
  PENDSTSET: 1 << 26,
  PENDSVCLR: 1 << 27,
  PENDSVSET: 1 << 28,
  NMIPENDSET: 1 << 31,
} as const;

/** Application Interrupt and Reset Control Register (B3.2.6). */
export const AIRCR = {
  VECTRESET: 1 << 0,
  VECTCLRACTIVE: 1 << 1,
  SYSRESETREQ: 1 << 2,
  WRITE_KEY: 0x05fa,
  READ_KEY: 0xfa05,
} as const;

/** System Control Register (B3.2.7). */
export const SCR = {
  SLEEPONEXIT: 1 << 1,
  SLEEPDEEP: 1 << 2,
  SEVONPEND: 1 << 4,
} as const;

/** Configuration and Control Register (B3.2.8); resets to STKALIGN on the Cortex-M4. */
export const CCR = {
  NONBASETHRDENA: 1 << 0,
  USERSETMPEND: 1 << 1,
  UNALIGN_TRP: 1 << 3,
  DIV_0_TRP: 1 << 4,
  BFHFNMIGN: 1 << 8,
  STKALIGN: 1 << 9,
} as const;

/** HardFault Status Register (B3.2.16). */
export const HFSR = {
  VECTTBL: 1 << 1,
  FORCED: 1 << 30,
  DEBUGEVT: 1 << 31,
} as const;

/** Floating-Point Context Control Register (B3.2.20); resets to ASPEN | LSPEN. */
export const FPCCR = {
  LSPACT: 1 << 0,
  USER: 1 << 1,
  THREAD: 1 << 3,
  HFRDY: 1 << 4,
  MMRDY: 1 << 5,
  BFRDY: 1 << 6,
  MONRDY: 1 << 8,
  LSPEN: 1 << 30,
  ASPEN: 1 << 31,
} as const;

/** CONTROL (B1.4.4). */
export const CONTROL = {
  NPRIV: 1 << 0,
  SPSEL: 1 << 1,
  FPCA: 1 << 2,
} as const;

/** Debug Halting Control and Status Register (C1.6.3). */
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
  KEY: 0xa05f,
} as const;

/** Debug Exception and Monitor Control Register (C1.6.5). */
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
  TRCENA: 1 << 24,
} as const;

/** Debug Fault Status Register (C1.6.1). */
export const DFSR = {
  HALTED: 1 << 0,
  BKPT: 1 << 1,
  DWTTRAP: 1 << 2,
  VCATCH: 1 << 3,
  EXTERNAL: 1 << 4,
} as const;

/** What a sleeping core waits for (B1.5.19): `Cpu.sleepKind`. */
export const SLEEP = { NONE: 0, WFI: 1, WFE: 2 } as const;
