/**
 * The ADIv5 register fields the probe's firmware reads and writes through the SW-DP: DP CTRL/STAT and
 * ABORT (ARM IHI 0031 §B2.2), the MEM-AP registers (§C2.6) and the ARMv7-M debug registers it touches
 * for register and reset commands (ARM ARM C1.6). The target side defines its own copy of the facts
 * (src/sim/soc/debug-port); the probe must not depend on the target model's internals.
 */

/** DP CTRL/STAT (ADIv5 §B2.2.2). */
export const CTRL_STAT = {
  STICKYORUN: 1 << 1,
  STICKYCMP: 1 << 4,
  STICKYERR: 1 << 5,
  WDATAERR: 1 << 7,
  CDBGPWRUPREQ: 1 << 28,
  CDBGPWRUPACK: 1 << 29,
  CSYSPWRUPREQ: 1 << 30,
  CSYSPWRUPACK: 1 << 31,
} as const;

/** DP ABORT (ADIv5 §B2.2.1). */
export const ABORT = {
  DAPABORT: 1 << 0,
  STKCMPCLR: 1 << 1,
  STKERRCLR: 1 << 2,
  WDERRCLR: 1 << 3,
  ORUNERRCLR: 1 << 4,
} as const;
/** Every sticky flag at once: what the firmware writes after a FAULT and at connect. */
export const ABORT_CLEAR_STICKY = ABORT.STKCMPCLR | ABORT.STKERRCLR | ABORT.WDERRCLR | ABORT.ORUNERRCLR;

/** DP SELECT (ADIv5 §B2.2.9): APSEL 31:24, APBANKSEL 7:4, DPBANKSEL 3:0. */
export function selectValue(ap: number, apBank: number, dpBank: number): number {
  return (((ap & 0xff) << 24) | ((apBank & 0xf) << 4) | (dpBank & 0xf)) >>> 0;
}

/** MEM-AP register offsets (ADIv5 §C2.6). Bits 7:4 go to SELECT.APBANKSEL, bits 3:2 on the wire. */
export const MEM_AP = {
  CSW: 0x00,
  TAR: 0x04,
  DRW: 0x0c,
  IDR: 0xfc,
} as const;

/** MEM-AP CSW fields (ADIv5 §C2.6.1). */
export const CSW = {
  SIZE_8: 0b000,
  SIZE_16: 0b001,
  SIZE_32: 0b010,
  ADDRINC_OFF: 0b00 << 4,
  ADDRINC_SINGLE: 0b01 << 4,
  /**
   * What the firmware uses for bits 31:8 when the host sends 0 (HLA always does): DbgSwEnable,
   * MasterType = debug, HPROT1 privileged — the value OpenOCD's own ADIv5 code uses for an AHB-AP.
   */
  DEFAULT_HIGH: 0xa2000000,
} as const;

/** ARMv7-M debug registers (ARM ARM C1.6.2–C1.6.5) and AIRCR (B3.2.6). */
export const DEBUG_REG = {
  AIRCR: 0xe000ed0c,
  DHCSR: 0xe000edf0,
  DCRSR: 0xe000edf4,
  DCRDR: 0xe000edf8,
} as const;

export const DHCSR_S_REGRDY = 1 << 16;
/** DCRSR.REGWnR: 1 = write DCRDR into the register. */
export const DCRSR_REGWNR = 1 << 16;
/** VECTKEY | SYSRESETREQ (ARM ARM B3.2.6). */
export const AIRCR_SYSRESETREQ = 0x05fa0004;
