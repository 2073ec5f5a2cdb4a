import { NS_PER_MS, NS_PER_US } from '../clock.js';
import type { Psize } from '../../../target/stm32f4/flash-registers.js';
import {
  MASS_ERASE_MS,
  PROGRAM_TIME_US,
  sectorEraseMs,
  type ParallelismName,
} from '../../../target/stm32f4/flash-timing.js';

/**
 * How long flash operations take in virtual time: DS8626's typical figures, from
 * target/stm32f4/flash-timing.ts (the same table the host's flash driver plans with). Typical, not
 * maximum: firmware that polls BSY must work either way, and the typical figures are what a real
 * board shows most often.
 *
 * x64 (PSIZE = 3) needs an external VPP (RM0090 3.6.2 table 7; DS8626 table 43 gives faster erase
 * times with VPP: 230 ms / 490 ms / 875 ms / 6.9 s). The Discovery board supplies none, so x64 uses
 * the x32 figures here; its programming accesses all fail with PGPERR anyway (no 64-bit AHB writes).
 */
export const PROGRAM_TIME_NS = PROGRAM_TIME_US * NS_PER_US;

const PARALLELISM_COLUMN: readonly ParallelismName[] = ['x8', 'x16', 'x32', 'x32'];

/** Sector erase time for a 16, 64 or 128 KiB sector at `psize`. */
export function sectorEraseTime(sectorSize: number, psize: Psize): number {
  return sectorEraseMs(sectorSize, PARALLELISM_COLUMN[psize] ?? 'x32') * NS_PER_MS;
}

export function massEraseTime(psize: Psize): number {
  return MASS_ERASE_MS[PARALLELISM_COLUMN[psize] ?? 'x32'] * NS_PER_MS;
}

/**
 * Option byte programming (OPTSTRT). Neither RM0090 nor DS8626 gives a figure. RM0090 3.7.2 says
 * the user configuration sector is erased and then reprogrammed, so this takes the 16 KiB sector
 * erase time at the current PSIZE (OpenOCD never sets PSIZE here, so x8: 400 ms) — an assumption.
 */
export function optionProgramTime(psize: Psize): number {
  return sectorEraseTime(16 * 1024, psize);
}
