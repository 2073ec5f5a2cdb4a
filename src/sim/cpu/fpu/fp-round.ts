import type { Cpu } from '../cpu.js';
import { doubleExponent, pow2 } from './fp-bits.js';
import { FPSCR, RM, RN, RP } from './fpscr.js';

/**
 * FPRound() (ARMv7-M A2.5.7 pseudocode) for the formats FPv4-SP produces: single precision, and half
 * precision in IEEE or alternative (FPSCR.AHP) format for VCVTB/VCVTT.
 *
 * `value` is the exact real result, or its round-to-odd double (fp-exact.ts), which rounds the same.
 * It must be finite and non-zero (the pseudocode asserts result != 0.0: callers produce signed zeros
 * themselves). `rmode` is passed separately because FPToFixed/FixedToFP override FPSCR.RMode.
 *
 * Points of the pseudocode worth keeping in mind:
 * - Flush-to-zero looks at the exponent *before* rounding: a value that would round up to the smallest
 *   normal is still flushed. It sets UFC and never IXC. Half precision is never flushed.
 * - Underflow is tininess before rounding AND inexact: an exact denormal result raises nothing.
 * - Overflow gives infinity or the largest normal depending on mode and sign, with OFC and IXC; in
 *   the alternative half-precision format it saturates to the largest magnitude with IOC instead.
 */

export const SINGLE = 0;
export const HALF = 1;
export const HALF_AHP = 2;
export type FPFormat = typeof SINGLE | typeof HALF | typeof HALF_AHP;

export function fpRound(cpu: Cpu, value: number, rmode: number, format: FPFormat): number {
  const single = format === SINGLE;
  const fractionBits = single ? 23 : 10; // F
  const minimumExp = single ? -126 : -14;
  const sign = value < 0 ? 1 : 0;
  const mantissa = sign === 1 ? -value : value;
  const exponent = doubleExponent(mantissa);

  if (single && exponent < minimumExp && (cpu.fpscr & FPSCR.FZ) !== 0) {
    cpu.fpscr |= FPSCR.UFC; // flush-to-zero: never a trapped exception, no Inexact
    return sign << 31;
  }

  // biased_exp = Max(exponent - minimum_exp + 1, 0); a denormal keeps the scale of the minimum exponent.
  let biasedExp = exponent - minimumExp + 1;
  let scaled: number;
  if (biasedExp <= 0) {
    biasedExp = 0;
    scaled = mantissa * pow2(fractionBits - minimumExp);
  } else {
    scaled = mantissa * pow2(fractionBits - exponent);
  }
  // int_mant < 2^F for a denormal, in [2^F, 2^(F+1)) otherwise; error is exact (scaled < 2^(F+1)).
  let intMant = Math.floor(scaled);
  let error = scaled - intMant;

  if (biasedExp === 0 && error !== 0) cpu.fpscr |= FPSCR.UFC;

  let roundUp: boolean;
  let overflowToInf: boolean;
  switch (rmode) {
    case RN:
      roundUp = error > 0.5 || (error === 0.5 && (intMant & 1) === 1);
      overflowToInf = true;
      break;
    case RP:
      roundUp = error !== 0 && sign === 0;
      overflowToInf = sign === 0;
      break;
    case RM:
      roundUp = error !== 0 && sign === 1;
      overflowToInf = sign === 1;
      break;
    default: // RZ
      roundUp = false;
      overflowToInf = false;
  }
  const hidden = 1 << fractionBits;
  if (roundUp) {
    intMant += 1;
    if (intMant === hidden) biasedExp = 1; // rounded up from denormal to normal
    if (intMant === 2 * hidden) {
      biasedExp += 1; // rounded up to the next binade
      intMant /= 2;
    }
  }

  let result: number;
  if (format !== HALF_AHP) {
    const maxBiased = single ? 0xff : 0x1f; // 2^E - 1
    if (biasedExp >= maxBiased) {
      if (single) result = overflowToInf ? 0x7f800000 : 0x7f7fffff;
      else result = overflowToInf ? 0x7c00 : 0x7bff;
      cpu.fpscr |= FPSCR.OFC;
      error = 1; // overflow is always inexact
    } else {
      result = (biasedExp << fractionBits) | (intMant & (hidden - 1));
    }
  } else if (biasedExp >= 0x20) {
    result = 0x7fff; // no infinity to overflow to: saturate, and signal Invalid Operation instead
    cpu.fpscr |= FPSCR.IOC;
    error = 0;
  } else {
    result = (biasedExp << fractionBits) | (intMant & (hidden - 1));
  }
  if (error !== 0) cpu.fpscr |= FPSCR.IXC;
  return result | (sign << (single ? 31 : 15)) | 0;
}
