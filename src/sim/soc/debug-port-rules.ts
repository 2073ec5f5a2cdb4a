import { DBGMCU_CR } from '../../target/stm32f4/dbgmcu-registers.js';

/** DBGMCU_CR's bits, from target/ (RM0090 §38.16.3). */
export { DBGMCU_CR };

/**
 * When the STM32F407's SW-DP answers a probe at all. These are the rules that make real boards
 * "unable to connect" — the seed user's symptoms come out of them, never out of a canned error.
 */
export type LowPowerState = 'run' | 'sleep' | 'stop' | 'standby';

export interface DebugPortConditions {
  /** VDD present (the board can switch target power off). */
  readonly powered: boolean;
  /** NRST held low: the chip is in reset, its pins in their reset state. */
  readonly nrstLow: boolean;
  /** PA13 (SWDIO) and PA14 (SWCLK) are in alternate function AF0, the SW-DP (RM0090 §8.3.2). */
  readonly swdPinsInDebugFunction: boolean;
  /** Read protection level of the loaded option bytes. */
  readonly rdpLevel: 0 | 1 | 2;
  readonly lowPower: LowPowerState;
  readonly dbgmcuCr: number;
}

/** Why the SW-DP is silent, for logs and tests; undefined when it answers. */
export type SilenceReason = 'unpowered' | 'rdp-level-2' | 'swd-pins-reassigned' | 'stop' | 'standby';

export function debugPortSilence(c: DebugPortConditions): SilenceReason | undefined {
  if (!c.powered) return 'unpowered';
  // Level 2 disables the debug interface for good (RM0090 §3.7.3), even under reset.
  if (c.rdpLevel === 2) return 'rdp-level-2';
  // Under NRST the GPIOs are in their reset state, PA13/PA14 in AF0, and the debug logic is powered:
  // this is why "connect under reset" reaches a target whose firmware takes the pins or sleeps.
  if (c.nrstLow) return undefined;
  if (!c.swdPinsInDebugFunction) return 'swd-pins-reassigned';
  // In Stop the 1.2 V domain's clocks stop and in Standby it is off; the debug logic keeps its clocks
  // (and the SW-DP answers) only if DBGMCU_CR asked for it (RM0090 §38.16.3). Sleep keeps them always.
  if (c.lowPower === 'stop' && (c.dbgmcuCr & DBGMCU_CR.DBG_STOP) === 0) return 'stop';
  if (c.lowPower === 'standby' && (c.dbgmcuCr & DBGMCU_CR.DBG_STANDBY) === 0) return 'standby';
  return undefined;
}
