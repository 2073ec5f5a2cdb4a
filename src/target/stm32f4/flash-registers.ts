/**
 * The STM32F405/407/415/417 FLASH interface registers (RM0090 3.9; numbering as in the revision with
 * 3.6 = erase/program, 3.7 = option bytes, 3.8 = OTP) and their bits, as RM0090 names them: one
 * definition for the host's flash driver and the virtual board's flash interface. Offsets are from
 * FLASH_R_BASE (the register block, as CMSIS names it, never main flash; AHB1, always clocked: it has
 * no RCC enable bit).
 */
export const FLASH_R_BASE = 0x4002_3c00;

/** FLASH global interrupt: NVIC position 4 (RM0090 table 61). */
export const FLASH_IRQ = 4;

export const FLASH_REG = {
  ACR: 0x00,
  KEYR: 0x04,
  OPTKEYR: 0x08,
  SR: 0x0c,
  CR: 0x10,
  OPTCR: 0x14,
} as const;

/** FLASH_KEYR unlock sequence (RM0090 3.6.1). */
export const FLASH_KEY = { KEY1: 0x4567_0123, KEY2: 0xcdef_89ab } as const;
/** FLASH_OPTKEYR unlock sequence (RM0090 3.7.2). */
export const FLASH_OPTKEY = { OPTKEY1: 0x0819_2a3b, OPTKEY2: 0x4c5d_6e7f } as const;

/** FLASH_ACR (RM0090 3.9.1). */
export const FLASH_ACR = {
  LATENCY_MASK: 0x7,
  PRFTEN: 1 << 8,
  ICEN: 1 << 9,
  DCEN: 1 << 10,
  /** Writable only while ICEN is clear. */
  ICRST: 1 << 11,
  /** Writable only while DCEN is clear. */
  DCRST: 1 << 12,
} as const;
export const FLASH_ACR_WRITABLE = 0x1f07;

/** FLASH_SR (RM0090 3.9.4): every flag but BSY is rc_w1. */
export const FLASH_SR = {
  EOP: 1 << 0,
  OPERR: 1 << 1,
  WRPERR: 1 << 4,
  PGAERR: 1 << 5,
  PGPERR: 1 << 6,
  PGSERR: 1 << 7,
  BSY: 1 << 16,
} as const;
export const FLASH_SR_W1C = 0xf3;
/** The flags that are errors (what ERRIE raises the interrupt for, RM0090 3.6.5). */
export const FLASH_SR_ERRORS = 0xf2;

/** FLASH_CR (RM0090 3.9.5). */
export const FLASH_CR = {
  PG: 1 << 0,
  SER: 1 << 1,
  MER: 1 << 2,
  SNB_SHIFT: 3,
  SNB_MASK: 0xf << 3,
  PSIZE_SHIFT: 8,
  PSIZE_MASK: 0x3 << 8,
  STRT: 1 << 16,
  EOPIE: 1 << 24,
  ERRIE: 1 << 25,
  LOCK: 1 << 31,
} as const;
/** The bits software can write (LOCK is set-only, STRT set-only; the rest read/write). */
export const FLASH_CR_WRITABLE = 0x8301_037f | 0;

/** FLASH_OPTCR (RM0090 3.9.6). Bit 4 and bits 31:28 are reserved on the F405/407. */
export const FLASH_OPTCR = {
  OPTLOCK: 1 << 0,
  OPTSTRT: 1 << 1,
  BOR_LEV_SHIFT: 2,
  BOR_LEV_MASK: 0x3 << 2,
  WDG_SW: 1 << 5,
  nRST_STOP: 1 << 6,
  nRST_STDBY: 1 << 7,
  RDP_SHIFT: 8,
  RDP_MASK: 0xff << 8,
  nWRP_SHIFT: 16,
  nWRP_MASK: 0xfff << 16,
} as const;
/** The option fields OPTSTRT stores in the option bytes: BOR_LEV, USER, RDP, nWRP. */
export const OPTCR_OPTION_BITS = 0x0fff_ffec;

/** Program/erase parallelism, FLASH_CR.PSIZE (RM0090 3.6.2 table 7). */
export type Psize = 0 | 1 | 2 | 3;

/** Factory value of OPTCR (RM0090 3.9.6): RDP 0xAA, BOR off, software watchdog, no resets, no WRP. */
export const FACTORY_OPTCR = 0x0fff_aaed;

export const RDP_LEVEL_0 = 0xaa;
/** Any byte but 0xAA and 0xCC is level 1; this is the one swdkit writes. */
export const RDP_LEVEL_1 = 0x55;
export const RDP_LEVEL_2 = 0xcc;

export type RdpLevel = 0 | 1 | 2;

/** RM0090 3.7.3: 0xAA is level 0, 0xCC level 2 (permanent), anything else level 1. */
export function rdpLevelOf(rdp: number): RdpLevel {
  const value = rdp & 0xff;
  if (value === RDP_LEVEL_0) return 0;
  if (value === RDP_LEVEL_2) return 2;
  return 1;
}
