import { REGSEL as DCRSR_REGSEL } from '../arch/armv7m/regsel.js';

/**
 * READREG/WRITEREG register selectors (docs/stlink-protocol.md §A.4). They are the ARMv7-M DCRSR.REGSEL
 * values (arch/armv7m/regsel.ts), which is what lets a host reach the same registers through
 * DCRSR/DCRDR when the firmware cannot (V2 below J15 has no FPU selectors). Only three names differ:
 * the ST-Link and OpenOCD call DebugReturnAddress "PC", xPSR "XPSR", and the packed CONTROL/FAULTMASK/
 * BASEPRI/PRIMASK word "CFBP".
 */
const { DebugReturnAddress, xPSR, CONTROL_FAULTMASK_BASEPRI_PRIMASK, ...SAME_NAMES } = DCRSR_REGSEL;

export const REGSEL = {
  ...SAME_NAMES,
  /** Written without the Thumb bit. */
  PC: DebugReturnAddress,
  XPSR: xPSR,
  /** CONTROL<<24 | FAULTMASK<<16 | BASEPRI<<8 | PRIMASK in one word. */
  CFBP: CONTROL_FAULTMASK_BASEPRI_PRIMASK,
} as const;
export type RegselName = keyof typeof REGSEL;

const NAMES = new Map<number, RegselName>(
  Object.entries(REGSEL).map(([name, value]) => [value, name as RegselName]),
);

export function regselName(regsel: number): RegselName | undefined {
  return NAMES.get(regsel);
}

export function isKnownRegsel(regsel: number): boolean {
  return NAMES.has(regsel);
}

/**
 * Selectors above 0x1F (FPSCR, S0–S31): firmware without the FPU-register feature does not accept them
 * through READREG/WRITEREG, and OpenOCD goes through DCRSR/DCRDR instead (A.4).
 */
export function isFpuRegsel(regsel: number): boolean {
  return regsel > 0x1f;
}

/** READALLREGS reply order after its status word (A.4): r0–r15, xPSR, MSP, PSP and two more words. */
export const READALLREGS_WORDS = 21;
