/**
 * What the Cortex-M4's debug access port implements of the ADIv5 registers (arch/adiv5): the SW-DP
 * (ADIv5.2 B2.2, DPv1) and the AHB-AP, a MEM-AP (ADIv5.2 C2.6; Cortex-M4 TRM r0p1, AHB-AP) — their
 * identification values, reset values and which bits a write changes.
 */
import { AHB_AP_CSW, CSW, MEM_AP_BASE } from '../../../arch/adiv5/ap.js';
import { CTRL_STAT, WCR } from '../../../arch/adiv5/dp.js';
import { PPB } from '../../../arch/armv7m/memory-map.js';

/**
 * DPIDR of the STM32F4's SW-DP: designer ARM (0x23B), DPv1, part 0xBA, revision 2 (RM0090, Debug
 * support: SW-DP ID code).
 */
export const DPIDR_VALUE = 0x2ba0_1477;

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

/** WCR's fields are all writable. */
export const WCR_WRITABLE = WCR.PRESCALER_MASK | WCR.WIREMODE_MASK | WCR.TURNROUND_MASK;

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
export const CSW_RESET = 0x0300_0040;
export const CSW_WRITABLE = CSW.SIZE_MASK | CSW.ADDRINC_MASK | AHB_AP_CSW.HPROT1 | AHB_AP_CSW.MASTERTYPE;

/**
 * TAR auto-increment carries only within a 4 KiB block on the Cortex-M3/M4 AHB-AP (Cortex-M3 TRM
 * "AHB-AP", AddrInc: "incrementing and wrapping is performed within a 4KB address boundary").
 * ADIv5 itself guarantees only 10 bits (1 KiB); OpenOCD's ST-Link driver relies on 4 KiB once it has
 * read a Cortex-M3/M4 CPUID (docs/stlink-protocol.md §A.5).
 */
export const TAR_INCREMENT_BLOCK = 0x1000;

/** CFG: little-endian, no large physical addresses or data (ADIv5.2 C2.6, CFG). */
export const AHB_AP_CFG = 0x0000_0000;
/** BASE: the Cortex-M4 ROM table, present, ADIv5 format (Cortex-M4 TRM, AHB-AP). */
export const AHB_AP_BASE = (PPB.ROM_TABLE | MEM_AP_BASE.FORMAT | MEM_AP_BASE.P) >>> 0;
/** IDR of the Cortex-M4's AHB-AP (Cortex-M4 TRM r0p1, AHB-AP): ARM, MEM-AP, AMBA AHB, revision 2. */
export const AHB_AP_IDR = 0x2477_0011;
