import type { Cpu } from '../cpu.js';
import { pow2 } from './fp-bits.js';
import { FPSCR } from './fpscr.js';

/**
 * FPUnpack() (ARMv7-M A2.5.7 pseudocode), split in two so the common path allocates nothing:
 * `fpType` classifies an encoding (and, when FPSCR.FZ flushes a denormal input, sets IDC), and
 * `fpValue` gives the real value of a Nonzero one. Signs are read from bit 31 by the callers.
 */

/** FPType: the enumeration of FPUnpack's classification. */
export const FPType = {
  Nonzero: 0,
  Zero: 1,
  Infinity: 2,
  QNaN: 3,
  SNaN: 4,
} as const;
export type FPType = (typeof FPType)[keyof typeof FPType];

/** FPDefaultNaN(32): positive, quiet, zero payload. */
export const DEFAULT_NAN = 0x7fc00000;
export const POSITIVE_INFINITY = 0x7f800000;
export const NEGATIVE_INFINITY = 0xff800000 | 0;
export const SIGN_BIT = 0x80000000 | 0;
/** FPMaxNormal('0', 32). */
export const MAX_NORMAL = 0x7f7fffff;

/** Half-precision counterparts (N = 16). */
export const DEFAULT_NAN_16 = 0x7e00;
export const INFINITY_16 = 0x7c00;

/**
 * The FPType of a single-precision encoding under `fpscr`. A denormal input with FPSCR.FZ set is a
 * Zero and raises Input Denormal (IDC) — FPUnpack does this while unpacking, before any NaN checks.
 */
export function fpType(cpu: Cpu, bits: number): FPType {
  const exponent = (bits >>> 23) & 0xff;
  const fraction = bits & 0x7fffff;
  if (exponent === 0) {
    if (fraction === 0) return FPType.Zero;
    if ((cpu.fpscr & FPSCR.FZ) !== 0) {
      cpu.fpscr |= FPSCR.IDC;
      return FPType.Zero;
    }
    return FPType.Nonzero;
  }
  if (exponent === 0xff) {
    if (fraction === 0) return FPType.Infinity;
    return (fraction & 0x400000) !== 0 ? FPType.QNaN : FPType.SNaN;
  }
  return FPType.Nonzero;
}

/** True for QNaN and SNaN. */
export function isNaNType(type: FPType): boolean {
  return type >= FPType.QNaN;
}

/**
 * The FPType of a half-precision encoding (FPUnpack with N = 16). FZ never applies to half precision;
 * with FPSCR.AHP set the exponent 31 is an ordinary exponent, so there are no infinities or NaNs.
 */
export function fpType16(ahp: boolean, bits: number): FPType {
  const exponent = (bits >>> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return fraction === 0 ? FPType.Zero : FPType.Nonzero;
  if (exponent === 0x1f && !ahp) {
    if (fraction === 0) return FPType.Infinity;
    return (fraction & 0x200) !== 0 ? FPType.QNaN : FPType.SNaN;
  }
  return FPType.Nonzero;
}

/** The signed real value of a half-precision encoding classified Nonzero (exact in a double). */
export function fpValue16(bits: number): number {
  const exponent = (bits >>> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  const magnitude = exponent === 0 ? fraction * pow2(-24) : (1024 + fraction) * pow2(exponent - 25);
  return (bits & 0x8000) !== 0 ? -magnitude : magnitude;
}
