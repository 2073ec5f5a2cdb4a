/**
 * The System Control Block and the other system control and ID registers of the System Control Space
 * (ARM DDI 0403E, B3.2 "System Control Space (SCS)", register summary in B3.2.2), including the
 * Floating-point extension's registers there. The NVIC, SysTick and debug registers of the SCS have
 * their own files.
 */

/** Addresses (B3.2.2). CFSR holds MMFSR (byte at +0), BFSR (byte at +1) and UFSR (halfword at +2). */
export const SCB_REG = {
  /** Auxiliary Control Register: IMPLEMENTATION DEFINED contents. */
  ACTLR: 0xe000_e008,
  CPUID: 0xe000_ed00,
  ICSR: 0xe000_ed04,
  VTOR: 0xe000_ed08,
  AIRCR: 0xe000_ed0c,
  SCR: 0xe000_ed10,
  CCR: 0xe000_ed14,
  /** System Handler Priority Registers: one priority byte per system exception 4–15. */
  SHPR1: 0xe000_ed18,
  SHPR2: 0xe000_ed1c,
  SHPR3: 0xe000_ed20,
  SHCSR: 0xe000_ed24,
  CFSR: 0xe000_ed28,
  HFSR: 0xe000_ed2c,
  MMFAR: 0xe000_ed34,
  BFAR: 0xe000_ed38,
  AFSR: 0xe000_ed3c,
  /** The CPUID scheme's feature registers (B4.1), ID_PFR0 first; thirteen words to ID_ISAR4. */
  ID_PFR0: 0xe000_ed40,
  ID_PFR1: 0xe000_ed44,
  ID_DFR0: 0xe000_ed48,
  ID_AFR0: 0xe000_ed4c,
  ID_MMFR0: 0xe000_ed50,
  ID_MMFR1: 0xe000_ed54,
  ID_MMFR2: 0xe000_ed58,
  ID_MMFR3: 0xe000_ed5c,
  ID_ISAR0: 0xe000_ed60,
  ID_ISAR1: 0xe000_ed64,
  ID_ISAR2: 0xe000_ed68,
  ID_ISAR3: 0xe000_ed6c,
  ID_ISAR4: 0xe000_ed70,
  CPACR: 0xe000_ed88,
  /** The Floating-point extension's registers (B3.2.2). */
  FPCCR: 0xe000_ef34,
  FPCAR: 0xe000_ef38,
  FPDSCR: 0xe000_ef3c,
  MVFR0: 0xe000_ef40,
  MVFR1: 0xe000_ef44,
} as const;

/** CPUID Base Register (B3.2.3): who made the core, which part, which revision. */
export const CPUID = {
  REVISION_MASK: 0xf,
  PARTNO_SHIFT: 4,
  PARTNO_MASK: 0xfff << 4,
  /** 0xF for ARMv7-M (the "CONSTANT"/architecture field). */
  ARCHITECTURE_SHIFT: 16,
  ARCHITECTURE_MASK: 0xf << 16,
  VARIANT_SHIFT: 20,
  VARIANT_MASK: 0xf << 20,
  IMPLEMENTER_SHIFT: 24,
  IMPLEMENTER_MASK: 0xff << 24,
} as const;

/** Interrupt Control and State Register (B3.2.4). */
export const ICSR = {
  VECTACTIVE_MASK: 0x1ff,
  RETTOBASE: 1 << 11,
  VECTPENDING_SHIFT: 12,
  VECTPENDING_MASK: 0x1ff << 12,
  ISRPENDING: 1 << 22,
  ISRPREEMPT: 1 << 23,
  PENDSTCLR: 1 << 25,
  PENDSTSET: 1 << 26,
  PENDSVCLR: 1 << 27,
  PENDSVSET: 1 << 28,
  NMIPENDSET: 1 << 31,
} as const;

/** Vector Table Offset Register (B3.2.5): TBLOFF in bits 31:7. */
export const VTOR = {
  TBLOFF_MASK: 0xffff_ff80,
} as const;

/**
 * Application Interrupt and Reset Control Register (B3.2.6). A write takes effect only with VECTKEY in
 * bits 31:16; reads return VECTKEYSTAT there.
 */
export const AIRCR = {
  VECTRESET: 1 << 0,
  VECTCLRACTIVE: 1 << 1,
  SYSRESETREQ: 1 << 2,
  PRIGROUP_SHIFT: 8,
  PRIGROUP_MASK: 0x7 << 8,
  ENDIANNESS: 1 << 15,
  /** 0x05FA in bits 31:16, in place: what a write must carry. */
  VECTKEY: 0x05fa_0000,
  /** 0xFA05 in bits 31:16, in place: what a read returns. */
  VECTKEYSTAT: 0xfa05_0000,
} as const;

/** System Control Register (B3.2.7). */
export const SCR = {
  SLEEPONEXIT: 1 << 1,
  SLEEPDEEP: 1 << 2,
  SEVONPEND: 1 << 4,
} as const;

/** Configuration and Control Register (B3.2.8). */
export const CCR = {
  NONBASETHRDENA: 1 << 0,
  USERSETMPEND: 1 << 1,
  UNALIGN_TRP: 1 << 3,
  DIV_0_TRP: 1 << 4,
  BFHFNMIGN: 1 << 8,
  STKALIGN: 1 << 9,
} as const;

/** System Handler Control and State Register (B3.2.13): active, pended and enable bits. */
export const SHCSR = {
  MEMFAULTACT: 1 << 0,
  BUSFAULTACT: 1 << 1,
  USGFAULTACT: 1 << 3,
  SVCALLACT: 1 << 7,
  MONITORACT: 1 << 8,
  PENDSVACT: 1 << 10,
  SYSTICKACT: 1 << 11,
  USGFAULTPENDED: 1 << 12,
  MEMFAULTPENDED: 1 << 13,
  BUSFAULTPENDED: 1 << 14,
  SVCALLPENDED: 1 << 15,
  MEMFAULTENA: 1 << 16,
  BUSFAULTENA: 1 << 17,
  USGFAULTENA: 1 << 18,
} as const;

/**
 * Configurable Fault Status Register (B3.2.15): MMFSR in bits 7:0, BFSR in 15:8, UFSR in 31:16; the
 * bits are write-one-to-clear.
 */
export const CFSR = {
  MMFSR_MASK: 0xff,
  BFSR_MASK: 0xff << 8,
  UFSR_MASK: 0xffff << 16,
  // MMFSR
  IACCVIOL: 1 << 0,
  DACCVIOL: 1 << 1,
  MUNSTKERR: 1 << 3,
  MSTKERR: 1 << 4,
  MLSPERR: 1 << 5,
  MMARVALID: 1 << 7,
  // BFSR
  IBUSERR: 1 << 8,
  PRECISERR: 1 << 9,
  IMPRECISERR: 1 << 10,
  UNSTKERR: 1 << 11,
  STKERR: 1 << 12,
  LSPERR: 1 << 13,
  BFARVALID: 1 << 15,
  // UFSR
  UNDEFINSTR: 1 << 16,
  INVSTATE: 1 << 17,
  INVPC: 1 << 18,
  NOCP: 1 << 19,
  UNALIGNED: 1 << 24,
  DIVBYZERO: 1 << 25,
} as const;

/** HardFault Status Register (B3.2.16). */
export const HFSR = {
  VECTTBL: 1 << 1,
  FORCED: 1 << 30,
  DEBUGEVT: 1 << 31,
} as const;

/** Coprocessor Access Control Register (B3.2, CPACR): CP10 and CP11 give access to the FP extension. */
export const CPACR = {
  CP10_SHIFT: 20,
  CP10_MASK: 0x3 << 20,
  CP11_SHIFT: 22,
  CP11_MASK: 0x3 << 22,
} as const;

/** Floating-Point Context Control Register (B3.2.20): lazy FP state preservation. */
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

/** Floating-Point Context Address Register (B3.2, FPCAR): the reserved FP stack slots' address, bits 31:3. */
export const FPCAR = {
  ADDRESS_MASK: 0xffff_fff8,
} as const;
