/** RCC register offsets and bit fields by their RM0090 §7.3 names (RCC base 0x40023800): the virtual
 * board models them (sim/soc/peripherals/rcc.ts) and the flash driver raises the core clock with them. */

export const RCC_BASE = 0x4002_3800;

/** Register offsets (RM0090 §7.3.24, RCC register map). */
export const RCC_REG = {
  CR: 0x00,
  PLLCFGR: 0x04,
  CFGR: 0x08,
  CIR: 0x0c,
  AHB1RSTR: 0x10,
  AHB2RSTR: 0x14,
  AHB3RSTR: 0x18,
  APB1RSTR: 0x20,
  APB2RSTR: 0x24,
  AHB1ENR: 0x30,
  AHB2ENR: 0x34,
  AHB3ENR: 0x38,
  APB1ENR: 0x40,
  APB2ENR: 0x44,
  AHB1LPENR: 0x50,
  AHB2LPENR: 0x54,
  AHB3LPENR: 0x58,
  APB1LPENR: 0x60,
  APB2LPENR: 0x64,
  BDCR: 0x70,
  CSR: 0x74,
  SSCGR: 0x80,
  PLLI2SCFGR: 0x84,
} as const;

/** RCC_CR (§7.3.1). */
export const CR = {
  HSION: 1 << 0,
  HSIRDY: 1 << 1,
  HSITRIM_SHIFT: 3,
  HSITRIM_MASK: 0x1f << 3,
  HSICAL_SHIFT: 8,
  HSEON: 1 << 16,
  HSERDY: 1 << 17,
  HSEBYP: 1 << 18,
  CSSON: 1 << 19,
  PLLON: 1 << 24,
  PLLRDY: 1 << 25,
  PLLI2SON: 1 << 26,
  PLLI2SRDY: 1 << 27,
} as const;

/** RCC_PLLCFGR (§7.3.2). Bit 29 is reserved and reads 1 (it is part of the reset value). */
export const PLLCFGR = {
  RESET: 0x2400_3010,
  WRITABLE: 0x0f43_7fff,
  RESERVED_ONE: 1 << 29,
  PLLM_MASK: 0x3f,
  PLLN_SHIFT: 6,
  PLLN_MASK: 0x1ff,
  PLLP_SHIFT: 16,
  PLLP_MASK: 0x3,
  PLLSRC: 1 << 22,
  PLLQ_SHIFT: 24,
  PLLQ_MASK: 0xf,
} as const;

/** RCC_PLLI2SCFGR (§7.3.23): PLLI2SN 14:6, PLLI2SR 30:28. */
export const PLLI2SCFGR = {
  RESET: 0x2000_3000,
  WRITABLE: 0x7000_7fc0,
} as const;

/** RCC_CFGR (§7.3.3). */
export const CFGR = {
  SW_MASK: 0x3,
  SWS_SHIFT: 2,
  SWS_MASK: 0x3 << 2,
  HPRE_SHIFT: 4,
  PPRE1_SHIFT: 10,
  PPRE2_SHIFT: 13,
  /** Everything but SWS and the reserved bits 9:8. */
  WRITABLE: 0xffff_fcf3 | 0,
} as const;

/** SW/SWS encodings (§7.3.3). 0b11 is "not allowed". */
export const SYSCLK_SOURCE = { HSI: 0, HSE: 1, PLL: 2 } as const;

/** RCC_CIR (§7.3.4): ready flags 5:0 and CSSF 7, their enables 13:8, clear bits 21:16 and CSSC 23. */
export const CIR = {
  LSIRDYF: 1 << 0,
  LSERDYF: 1 << 1,
  HSIRDYF: 1 << 2,
  HSERDYF: 1 << 3,
  PLLRDYF: 1 << 4,
  PLLI2SRDYF: 1 << 5,
  CSSF: 1 << 7,
  IE_SHIFT: 8,
  IE_MASK: 0x3f << 8,
  CLEAR_SHIFT: 16,
  CSSC: 1 << 23,
} as const;

/** RCC_BDCR (§7.3.20), in the backup domain. */
export const BDCR = {
  LSEON: 1 << 0,
  LSERDY: 1 << 1,
  LSEBYP: 1 << 2,
  RTCSEL_MASK: 0x3 << 8,
  RTCEN: 1 << 15,
  BDRST: 1 << 16,
  WRITABLE: 0x0001_8305,
} as const;

/** RCC_CSR (§7.3.21). */
export const CSR = {
  LSION: 1 << 0,
  LSIRDY: 1 << 1,
  RMVF: 1 << 24,
  BORRSTF: 1 << 25,
  PINRSTF: 1 << 26,
  PORRSTF: 1 << 27,
  SFTRSTF: 1 << 28,
  IWDGRSTF: 1 << 29,
  WWDGRSTF: 1 << 30,
  LPWRRSTF: 1 << 31,
  FLAGS: 0xfe00_0000 | 0,
} as const;

/** RCC_SSCGR (§7.3.22): MODPER, INCSTEP, SPREADSEL, SSCGEN. */
export const SSCGR_WRITABLE = 0xcfff_ffff | 0;

/**
 * The peripheral reset and clock enable registers: the bits that exist (RM0090 §7.3.5–§7.3.19),
 * and their reset values. The low-power enables reset to "all present peripherals enabled".
 */
export const BUS_REGISTERS = {
  AHB1: { rstr: 0x2260_11ff, enr: 0x7e74_11ff, enrReset: 0x0010_0000, lpenr: 0x7e67_91ff },
  AHB2: { rstr: 0x0000_00f1, enr: 0x0000_00f1, enrReset: 0, lpenr: 0x0000_00f1 },
  AHB3: { rstr: 0x0000_0001, enr: 0x0000_0001, enrReset: 0, lpenr: 0x0000_0001 },
  APB1: { rstr: 0x36fe_c9ff, enr: 0x36fe_c9ff, enrReset: 0, lpenr: 0x36fe_c9ff },
  APB2: { rstr: 0x0007_5933, enr: 0x0007_5f33, enrReset: 0, lpenr: 0x0007_5f33 },
} as const;

/** The buses in the order of the ENR registers' ClockEnable names. */
export const BUSES = ['AHB1', 'AHB2', 'AHB3', 'APB1', 'APB2'] as const;
export type BusName = (typeof BUSES)[number];
