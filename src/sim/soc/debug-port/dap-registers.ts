/**
 * Register layouts of the Cortex-M4's debug access port: the SW-DP (ADIv5.2 B2.2, DPv1) and the
 * AHB-AP, a MEM-AP (ADIv5.2 C2.6; Cortex-M4 TRM r0p1, AHB-AP). Names as ADIv5 spells them.
 */

/**
 * DPIDR of the STM32F4's SW-DP: designer ARM (0x23B), DPv1, part 0xBA, revision 2 (RM0090, Debug
 * support: SW-DP ID code).
 */
export const DPIDR_VALUE = 0x2ba0_1477;

/** CTRL/STAT (ADIv5.2 B2.2, CTRL/STAT). */
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

/** CTRL/STAT bits a write sets directly (the rest are status, or cleared through ABORT in SWD). */
export const CTRL_STAT_WRITABLE =
  CTRL_STAT.ORUNDETECT |
  CTRL_STAT.TRNMODE_MASK |
  CTRL_STAT.MASKLANE_MASK |
  CTRL_STAT.TRNCNT_MASK |
  CTRL_STAT.CDBGRSTREQ |
  CTRL_STAT.CDBGPWRUPREQ |
  CTRL_STAT.CSYSPWRUPREQ;

/** The sticky flags that make the SW-DP answer FAULT (ADIv5.2 B4.2, FAULT response). */
export const CTRL_STAT_STICKY =
  CTRL_STAT.STICKYORUN | CTRL_STAT.STICKYCMP | CTRL_STAT.STICKYERR | CTRL_STAT.WDATAERR;

/** CTRL/STAT.TRNMODE (ADIv5.2 B2.2, CTRL/STAT): pushed operations. */
export const TRNMODE = { NORMAL: 0, PUSHED_VERIFY: 1, PUSHED_COMPARE: 2 } as const;

/** ABORT (ADIv5.2 B2.2, ABORT), write-only. */
export const ABORT = {
  DAPABORT: 1 << 0,
  STKCMPCLR: 1 << 1,
  STKERRCLR: 1 << 2,
  WDERRCLR: 1 << 3,
  ORUNERRCLR: 1 << 4,
} as const;

/** SELECT (ADIv5.2 B2.2, SELECT; DPv1: bit 0 is CTRLSEL). */
export const SELECT = {
  APSEL_SHIFT: 24,
  APBANKSEL_MASK: 0xf0,
  CTRLSEL: 1 << 0,
} as const;

/**
 * WCR, the DPv1 wire control register at 0x4 with SELECT.CTRLSEL = 1 (ADIv5.2 B2.2, WCR): reset value
 * WIREMODE = 0b01 (synchronous), TURNROUND = 0 (one cycle), PRESCALER = 0.
 */
export const WCR_RESET = 0x0000_0040;
export const WCR_WRITABLE = 0x0000_03c7;

/** AHB-AP register addresses (APBANKSEL:A[3:2]) (ADIv5.2 C2.6, MEM-AP register summary). */
export const AHB_AP_REG = {
  CSW: 0x00,
  TAR: 0x04,
  DRW: 0x0c,
  BD0: 0x10,
  BD1: 0x14,
  BD2: 0x18,
  BD3: 0x1c,
  CFG: 0xf4,
  BASE: 0xf8,
  IDR: 0xfc,
} as const;

/**
 * CSW as the Cortex-M4's AHB-AP implements it (Cortex-M4 TRM r0p1, AHB-AP, which follows the
 * Cortex-M3 AHB-AP):
 *
 *   [29]    MasterType  0 core, 1 debugger (stored; the SoC always sees a debugger access)
 *   [25]    Hprot1      HPROT[1]: 1 privileged, 0 user (stored; the PPB takes debugger accesses as
 *                       privileged either way, ARMv7-M C1.2)
 *   [24]    HPROT[0]    data access: fixed at 1
 *   [7]     TrInProg    an AHB transfer is still outstanding (visible after DAPABORT)
 *   [6]     DbgStatus   (ADIv5 DeviceEn) AHB transfers permitted: tied high on the STM32F4
 *   [5:4]   AddrInc     00 off, 01 single, 10 packed, 11 reserved (no increment)
 *   [2:0]   Size        000 byte, 001 halfword, 010 word, others reserved (no transfer)
 *
 * Reset value 0x03000040: Hprot1 set, byte size, no increment. Assumption: MasterType resets to 0
 * as the Cortex-M3 TRM's table gives; we could not check the M4 TRM's table itself. Probes write
 * CSW before using DRW, so nothing depends on it.
 */
export const CSW = {
  SIZE_MASK: 0x7,
  ADDRINC_SHIFT: 4,
  ADDRINC_MASK: 0x3 << 4,
  DBGSTATUS: 1 << 6,
  TRINPROG: 1 << 7,
  HPROT0: 1 << 24,
  HPROT1: 1 << 25,
  MASTERTYPE: 1 << 29,
} as const;
export const CSW_RESET = 0x0300_0040;
export const CSW_WRITABLE = CSW.SIZE_MASK | CSW.ADDRINC_MASK | CSW.HPROT1 | CSW.MASTERTYPE;

export const CSW_SIZE = { BYTE: 0, HALFWORD: 1, WORD: 2 } as const;
export const CSW_ADDRINC = { OFF: 0, SINGLE: 1, PACKED: 2 } as const;

/**
 * TAR auto-increment carries only within a 4 KiB block on the Cortex-M3/M4 AHB-AP (Cortex-M3 TRM
 * "AHB-AP", AddrInc: "incrementing and wrapping is performed within a 4KB address boundary").
 * ADIv5 itself guarantees only 10 bits (1 KiB); OpenOCD's ST-Link driver relies on 4 KiB once it has
 * read a Cortex-M3/M4 CPUID (reference notes A.5).
 */
export const TAR_INCREMENT_BLOCK = 0x1000;

/** CFG: little-endian, no large physical addresses or data (ADIv5.2 C2.6, CFG). */
export const AHB_AP_CFG = 0x0000_0000;
/** BASE: the Cortex-M4 ROM table at 0xE00FF000, present, ADIv5 format (Cortex-M4 TRM, AHB-AP). */
export const AHB_AP_BASE = 0xe00f_f003;
/** IDR of the Cortex-M4's AHB-AP (Cortex-M4 TRM r0p1, AHB-AP): ARM, MEM-AP, AMBA AHB, revision 2. */
export const AHB_AP_IDR = 0x2477_0011;
