/**
 * The probe firmware's terms for what it reads and writes through the SW-DP, on top of the ADIv5 and
 * ARMv7-M facts in arch/: the registers it names, the CSW it supplies when the host sends none, and
 * the SELECT value it builds. The target side (src/sim/soc/debug-port) uses the same facts; the probe
 * never reaches into the target model.
 */
import { AHB_AP_CSW, CSW as CSW_FIELDS, CSW_ADDRINC, CSW_SIZE, MEM_AP_REG } from '../../arch/adiv5/ap.js';
import { ABORT, SELECT } from '../../arch/adiv5/dp.js';
import { DCRSR, DEBUG_REG as ARMV7M_DEBUG_REG, DHCSR } from '../../arch/armv7m/debug.js';
import { AIRCR, SCB_REG } from '../../arch/armv7m/scb.js';

/** Every sticky flag at once: what the firmware writes after a FAULT and at connect. */
export const ABORT_CLEAR_STICKY = ABORT.STKCMPCLR | ABORT.STKERRCLR | ABORT.WDERRCLR | ABORT.ORUNERRCLR;

/** DP SELECT (ADIv5 §B2.2.9): APSEL, APBANKSEL, DPBANKSEL. */
export function selectValue(ap: number, apBank: number, dpBank: number): number {
  return (
    (((ap << SELECT.APSEL_SHIFT) & SELECT.APSEL_MASK) |
      ((apBank << SELECT.APBANKSEL_SHIFT) & SELECT.APBANKSEL_MASK) |
      (dpBank & SELECT.DPBANKSEL_MASK)) >>>
    0
  );
}

/** The MEM-AP registers (ADIv5 §C2.6). */
export const MEM_AP = MEM_AP_REG;

/** CSW values the firmware composes (ADIv5 §C2.6.1). */
export const CSW = {
  SIZE_8: CSW_SIZE.BYTE,
  SIZE_16: CSW_SIZE.HALFWORD,
  SIZE_32: CSW_SIZE.WORD,
  ADDRINC_OFF: CSW_ADDRINC.OFF << CSW_FIELDS.ADDRINC_SHIFT,
  ADDRINC_SINGLE: CSW_ADDRINC.SINGLE << CSW_FIELDS.ADDRINC_SHIFT,
  /**
   * What the firmware uses for bits 31:8 when the host sends 0 (HLA always does): DbgSwEnable,
   * MasterType = debug, HPROT1 privileged — the value OpenOCD's own ADIv5 code uses for an AHB-AP.
   */
  DEFAULT_HIGH: (CSW_FIELDS.DBGSWENABLE | AHB_AP_CSW.MASTERTYPE | AHB_AP_CSW.HPROT1) >>> 0,
} as const;

/** The ARMv7-M registers the firmware touches for register and reset commands (ARM ARM C1.6, B3.2.6). */
export const DEBUG_REG = { ...ARMV7M_DEBUG_REG, AIRCR: SCB_REG.AIRCR } as const;

export const DHCSR_S_REGRDY = DHCSR.S_REGRDY;
/** DCRSR.REGWnR: 1 = write DCRDR into the register. */
export const DCRSR_REGWNR = DCRSR.REGWnR;
/** VECTKEY | SYSRESETREQ (ARM ARM B3.2.6). */
export const AIRCR_SYSRESETREQ = (AIRCR.VECTKEY | AIRCR.SYSRESETREQ) >>> 0;
