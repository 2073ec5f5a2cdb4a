/**
 * Wire-clock selection (docs/stlink-protocol.md §A.6). V2 firmware takes a divisor from a fixed table;
 * V3 reports the kHz values it supports (GET_COM_FREQ) and takes one of them (SET_COM_FREQ).
 */

export interface DivisorEntry {
  readonly kHz: number;
  readonly divisor: number;
}

/** SWD_SET_FREQ divisors, fastest first. 1800 kHz (divisor 1) is the firmware default. */
export const SWD_FREQUENCY_DIVISORS = [
  { kHz: 4000, divisor: 0 },
  { kHz: 1800, divisor: 1 },
  { kHz: 1200, divisor: 2 },
  { kHz: 950, divisor: 3 },
  { kHz: 480, divisor: 7 },
  { kHz: 240, divisor: 15 },
  { kHz: 125, divisor: 31 },
  { kHz: 100, divisor: 40 },
  { kHz: 50, divisor: 79 },
  { kHz: 25, divisor: 158 },
  { kHz: 15, divisor: 265 },
  { kHz: 5, divisor: 798 },
] as const satisfies readonly DivisorEntry[];

/** JTAG_SET_FREQ divisors, fastest first. 1125 kHz is the firmware default. */
export const JTAG_FREQUENCY_DIVISORS = [
  { kHz: 9000, divisor: 4 },
  { kHz: 4500, divisor: 8 },
  { kHz: 2250, divisor: 16 },
  { kHz: 1125, divisor: 32 },
  { kHz: 562, divisor: 64 },
  { kHz: 281, divisor: 128 },
  { kHz: 140, divisor: 256 },
] as const satisfies readonly DivisorEntry[];

export const SWD_DEFAULT_KHZ = 1800;
export const JTAG_DEFAULT_KHZ = 1125;

export interface SpeedChoice {
  readonly kHz: number;
  /** False when the request had no exact match (OpenOCD logs "Unable to match requested speed"). */
  readonly exact: boolean;
}

/**
 * OpenOCD's rule: an exact match wins, otherwise the highest speed ≤ the request, and if every speed
 * is above the request, the slowest one. `adapter speed 2000` → 1800; 8000 → 4000.
 */
export function pickSpeed(availableKHz: readonly number[], requestedKHz: number): SpeedChoice {
  if (availableKHz.length === 0) throw new RangeError('no speeds to choose from');
  let below: number | undefined;
  for (const kHz of availableKHz) {
    if (kHz === requestedKHz) return { kHz, exact: true };
    if (kHz < requestedKHz && (below === undefined || kHz > below)) below = kHz;
  }
  return { kHz: below ?? Math.min(...availableKHz), exact: false };
}

export interface DivisorChoice extends SpeedChoice {
  readonly divisor: number;
}

function pickDivisor(table: readonly DivisorEntry[], requestedKHz: number): DivisorChoice {
  const choice = pickSpeed(
    table.map((e) => e.kHz),
    requestedKHz,
  );
  const entry = table.find((e) => e.kHz === choice.kHz);
  if (entry === undefined) throw new RangeError('unreachable: picked speed not in table');
  return { ...choice, divisor: entry.divisor };
}

export const pickSwdDivisor = (requestedKHz: number): DivisorChoice =>
  pickDivisor(SWD_FREQUENCY_DIVISORS, requestedKHz);
export const pickJtagDivisor = (requestedKHz: number): DivisorChoice =>
  pickDivisor(JTAG_FREQUENCY_DIVISORS, requestedKHz);

/** The SWD clock a V2 runs for a divisor (the virtual probe's side); undefined if not in the table. */
export function swdKHzForDivisor(divisor: number): number | undefined {
  return SWD_FREQUENCY_DIVISORS.find((e) => e.divisor === divisor)?.kHz;
}

export function jtagKHzForDivisor(divisor: number): number | undefined {
  return JTAG_FREQUENCY_DIVISORS.find((e) => e.divisor === divisor)?.kHz;
}

/** GET_COM_FREQ carries at most this many kHz values (OpenOCD keeps at most 10, A.4). */
export const MAX_COM_FREQUENCIES = 10;
