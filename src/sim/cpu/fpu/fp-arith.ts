import type { Cpu } from '../cpu.js';
import { singleToDouble } from './fp-bits.js';
import { quotientToOdd, sqrtToOdd, sumToOdd } from './fp-exact.js';
import { NO_NAN, fpProcessNaN, fpProcessNaNs, fpProcessNaNs3 } from './fp-nan.js';
import { SINGLE, fpRound } from './fp-round.js';
import {
  DEFAULT_NAN,
  FPType,
  NEGATIVE_INFINITY,
  POSITIVE_INFINITY,
  SIGN_BIT,
  fpType,
  isNaNType,
} from './fp-unpack.js';
import { FPSCR, RM, roundingMode } from './fpscr.js';

/**
 * Single-precision arithmetic of the FP pseudocode (ARMv7-M A2.5.7): FPAdd, FPSub, FPMul, FPDiv,
 * FPSqrt, FPMulAdd, FPNeg, FPAbs. Operands and results are raw int32 encodings; FPSCR (rounding mode,
 * FZ, DN) is read from and the cumulative flags written to `cpu.fpscr`. The instructions that combine
 * them (VMLA, VNMLS, VFMA, ...) are in fp-data-processing.ts.
 *
 * Each operation follows its pseudocode: unpack all operands (FZ may set IDC), propagate NaNs, handle
 * infinities and zeros, and round the exact result once (round-to-odd doubles: fp-exact.ts).
 */

/** Invalid Operation with the default NaN as result. */
function invalid(cpu: Cpu): number {
  cpu.fpscr |= FPSCR.IOC;
  return DEFAULT_NAN;
}

/** The value of an operand FPUnpack classified as Zero or Nonzero (a flushed denormal is 0). */
function operandValue(type: FPType, bits: number): number {
  return type === FPType.Nonzero ? singleToDouble(bits) : 0;
}

/** FPZero() for an exact zero sum: its sign depends on the rounding mode (IEEE 754 6.3). */
function exactZeroSum(cpu: Cpu): number {
  return roundingMode(cpu.fpscr) === RM ? SIGN_BIT : 0;
}

/** A finite non-zero real, rounded with FPSCR's mode, or a correctly signed exact zero. */
function roundSum(cpu: Cpu, value: number): number {
  if (value === 0) return exactZeroSum(cpu);
  return fpRound(cpu, value, roundingMode(cpu.fpscr), SINGLE);
}

/** FPAdd(op1, op2) when `negate2` is 0, FPSub(op1, op2) when it is 1 (the sign of op2 flipped). */
function addOrSubtract(cpu: Cpu, op1: number, op2: number, negate2: number): number {
  const type1 = fpType(cpu, op1);
  const type2 = fpType(cpu, op2);
  const nan = fpProcessNaNs(cpu, type1, type2, op1, op2);
  if (nan !== NO_NAN) return nan;
  const sign1 = op1 >>> 31;
  const sign2 = (op2 >>> 31) ^ negate2;
  const inf1 = type1 === FPType.Infinity;
  const inf2 = type2 === FPType.Infinity;
  if (inf1 && inf2 && sign1 !== sign2) return invalid(cpu);
  if ((inf1 && sign1 === 0) || (inf2 && sign2 === 0)) return POSITIVE_INFINITY;
  if (inf1 || inf2) return NEGATIVE_INFINITY;
  const zero1 = type1 === FPType.Zero;
  const zero2 = type2 === FPType.Zero;
  if (zero1 && zero2 && sign1 === sign2) return sign1 << 31;
  const value2 = operandValue(type2, op2);
  return roundSum(cpu, sumToOdd(operandValue(type1, op1), negate2 === 0 ? value2 : -value2));
}

export function fpAdd(cpu: Cpu, op1: number, op2: number): number {
  return addOrSubtract(cpu, op1, op2, 0);
}

export function fpSub(cpu: Cpu, op1: number, op2: number): number {
  return addOrSubtract(cpu, op1, op2, 1);
}

export function fpMul(cpu: Cpu, op1: number, op2: number): number {
  const type1 = fpType(cpu, op1);
  const type2 = fpType(cpu, op2);
  const nan = fpProcessNaNs(cpu, type1, type2, op1, op2);
  if (nan !== NO_NAN) return nan;
  const inf1 = type1 === FPType.Infinity;
  const inf2 = type2 === FPType.Infinity;
  const zero1 = type1 === FPType.Zero;
  const zero2 = type2 === FPType.Zero;
  if ((inf1 && zero2) || (zero1 && inf2)) return invalid(cpu);
  const sign = (op1 ^ op2) & SIGN_BIT;
  if (inf1 || inf2) return sign | POSITIVE_INFINITY;
  if (zero1 || zero2) return sign;
  // A product of two 24-bit significands has 48 bits: exact in a double.
  return fpRound(cpu, singleToDouble(op1) * singleToDouble(op2), roundingMode(cpu.fpscr), SINGLE);
}

export function fpDiv(cpu: Cpu, op1: number, op2: number): number {
  const type1 = fpType(cpu, op1);
  const type2 = fpType(cpu, op2);
  const nan = fpProcessNaNs(cpu, type1, type2, op1, op2);
  if (nan !== NO_NAN) return nan;
  const inf1 = type1 === FPType.Infinity;
  const inf2 = type2 === FPType.Infinity;
  const zero1 = type1 === FPType.Zero;
  const zero2 = type2 === FPType.Zero;
  if ((inf1 && inf2) || (zero1 && zero2)) return invalid(cpu);
  const sign = (op1 ^ op2) & SIGN_BIT;
  if (inf1 || zero2) {
    if (!inf1) cpu.fpscr |= FPSCR.DZC;
    return sign | POSITIVE_INFINITY;
  }
  if (zero1 || inf2) return sign;
  const quotient = quotientToOdd(singleToDouble(op1), singleToDouble(op2));
  return fpRound(cpu, quotient, roundingMode(cpu.fpscr), SINGLE);
}

export function fpSqrt(cpu: Cpu, operand: number): number {
  const type = fpType(cpu, operand);
  if (isNaNType(type)) return fpProcessNaN(cpu, type, operand);
  if (type === FPType.Zero) return operand & SIGN_BIT; // Sqrt(-0) = -0
  if (operand < 0) return invalid(cpu); // including -infinity
  if (type === FPType.Infinity) return POSITIVE_INFINITY;
  return fpRound(cpu, sqrtToOdd(singleToDouble(operand)), roundingMode(cpu.fpscr), SINGLE);
}

/**
 * FPMulAdd(addend, op1, op2): addend + op1*op2 with a single rounding (VFMA family). The product of
 * two singles is exact in a double; the sum is rounded to odd, then once to single.
 *
 * NaN selection is FPProcessNaNs3(addend, op1, op2); a quiet NaN addend with infinity * zero is
 * nevertheless an Invalid Operation with the default NaN (the pseudocode checks typeA == QNaN with
 * (inf1 && zero2) || (zero1 && inf2) after the NaN selection).
 */
export function fpMulAdd(cpu: Cpu, addend: number, op1: number, op2: number): number {
  const typeA = fpType(cpu, addend);
  const type1 = fpType(cpu, op1);
  const type2 = fpType(cpu, op2);
  const inf1 = type1 === FPType.Infinity;
  const inf2 = type2 === FPType.Infinity;
  const zero1 = type1 === FPType.Zero;
  const zero2 = type2 === FPType.Zero;
  const nan = fpProcessNaNs3(cpu, typeA, type1, type2, addend, op1, op2);
  if (typeA === FPType.QNaN && ((inf1 && zero2) || (zero1 && inf2))) return invalid(cpu);
  if (nan !== NO_NAN) return nan;

  const signA = addend >>> 31;
  const signP = (op1 ^ op2) >>> 31;
  const infA = typeA === FPType.Infinity;
  const zeroA = typeA === FPType.Zero;
  const infP = inf1 || inf2;
  const zeroP = zero1 || zero2;
  // Invalid: infinity * zero, or infinities of opposite signs added.
  if ((inf1 && zero2) || (zero1 && inf2) || (infA && infP && signA !== signP)) return invalid(cpu);
  if ((infA && signA === 0) || (infP && signP === 0)) return POSITIVE_INFINITY;
  if (infA || infP) return NEGATIVE_INFINITY;
  if (zeroA && zeroP && signA === signP) return signA << 31;
  const product = operandValue(type1, op1) * operandValue(type2, op2);
  return roundSum(cpu, sumToOdd(operandValue(typeA, addend), product));
}

/** FPNeg: flips the sign bit, NaNs included; no flags, FZ does not apply. */
export function fpNeg(operand: number): number {
  return operand ^ SIGN_BIT;
}

/** FPAbs: clears the sign bit, NaNs included; no flags, FZ does not apply. */
export function fpAbs(operand: number): number {
  return operand & 0x7fffffff;
}
