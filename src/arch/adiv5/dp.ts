/**
 * The Debug Port's registers as a SW-DP presents them (ARM IHI 0031C, ADIv5.2, B2.2 "DP register
 * descriptions"; DPv1, as on the Cortex-M3/M4 SWJ-DP). Names as ADIv5 spells them.
 */

/**
 * Register addresses A[3:2]. Two registers share an address where the direction picks one (DPIDR
 * read / ABORT write, RESEND read / SELECT write); at 0x4, SELECT.CTRLSEL (DPv1) picks CTRL/STAT or
 * WCR.
 */
export const DP_REG = {
  DPIDR: 0x0,
  ABORT: 0x0,
  CTRL_STAT: 0x4,
  WCR: 0x4,
  RESEND: 0x8,
  SELECT: 0x8,
  RDBUFF: 0xc,
} as const;

/** DPIDR (B2.2, DPIDR): who designed the DP, its version and part. Bit 0 reads as one. */
export const DPIDR = {
  DESIGNER_SHIFT: 1,
  DESIGNER_MASK: 0x7ff << 1,
  VERSION_SHIFT: 12,
  VERSION_MASK: 0xf << 12,
  /** A minimal DP (no pushed operations or transaction counter). */
  MIN: 1 << 16,
  PARTNO_SHIFT: 20,
  PARTNO_MASK: 0xff << 20,
  REVISION_SHIFT: 28,
  REVISION_MASK: 0xf << 28,
} as const;

/** ABORT (B2.2, ABORT), write-only: abort an AP transaction, clear the sticky flags. */
export const ABORT = {
  DAPABORT: 1 << 0,
  STKCMPCLR: 1 << 1,
  STKERRCLR: 1 << 2,
  WDERRCLR: 1 << 3,
  ORUNERRCLR: 1 << 4,
} as const;

/** CTRL/STAT (B2.2, CTRL/STAT): power-up requests and their acknowledges, sticky error flags. */
export const CTRL_STAT = {
  ORUNDETECT: 1 << 0,
  STICKYORUN: 1 << 1,
  TRNMODE_SHIFT: 2,
  TRNMODE_MASK: 0x3 << 2,
  STICKYCMP: 1 << 4,
  STICKYERR: 1 << 5,
  READOK: 1 << 6,
  WDATAERR: 1 << 7,
  MASKLANE_SHIFT: 8,
  MASKLANE_MASK: 0xf << 8,
  TRNCNT_SHIFT: 12,
  TRNCNT_MASK: 0xfff << 12,
  CDBGRSTREQ: 1 << 26,
  CDBGRSTACK: 1 << 27,
  CDBGPWRUPREQ: 1 << 28,
  CDBGPWRUPACK: 1 << 29,
  CSYSPWRUPREQ: 1 << 30,
  CSYSPWRUPACK: 1 << 31,
} as const;

/** CTRL/STAT.TRNMODE values (B2.2, CTRL/STAT): normal, or a pushed operation. */
export const TRNMODE = {
  NORMAL: 0,
  PUSHED_VERIFY: 1,
  PUSHED_COMPARE: 2,
} as const;

/** SELECT (B2.2, SELECT), write-only: which AP and which 16-byte bank of its registers. */
export const SELECT = {
  APSEL_SHIFT: 24,
  APSEL_MASK: 0xff << 24,
  APBANKSEL_SHIFT: 4,
  APBANKSEL_MASK: 0xf << 4,
  /** DPv1: bit 0 selects WCR instead of CTRL/STAT at 0x4 (DPv2 widens it to DPBANKSEL). */
  CTRLSEL: 1 << 0,
  DPBANKSEL_MASK: 0xf,
} as const;

/** WCR, the DPv1 wire control register (B2.2, WCR; DLCR in later DPs). */
export const WCR = {
  PRESCALER_MASK: 0x7,
  WIREMODE_SHIFT: 6,
  WIREMODE_MASK: 0x3 << 6,
  TURNROUND_SHIFT: 8,
  TURNROUND_MASK: 0x3 << 8,
} as const;

/** WCR's reset value: WIREMODE = 0b01 (synchronous), one turnaround cycle, no prescaler. */
export const WCR_RESET = 0x0000_0040;
