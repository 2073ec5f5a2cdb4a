import type { Cpu } from '../cpu.js';
import { pow2, singleToDouble } from './fp-bits.js';
import { HALF, HALF_AHP, SINGLE, fpRound } from './fp-round.js';
import {
  DEFAULT_NAN,
  DEFAULT_NAN_16,
  FPType,
  INFINITY_16,
  fpType,
  fpType16,
  fpValue16,
  isNaNType,
} from './fp-unpack.js';
import { FPSCR } from './fpscr.js';

/**
 * Conversions of the FP pseudocode (ARMv7-M A2.5.7): FPToFixed and FixedToFP (VCVT to and from
 * integers and fixed point), FPSingleToHalf and FPHalfToSingle (VCVTB/VCVTT).
 */

/**
 * FPToFixed(operand, M = size, fraction_bits, unsigned, rmode): the result as an int32 bit pattern,
 * sign- or zero-extended from `size` (16 or 32) bits as VCVT writes it to S[d].
 * NaN converts to 0 with Invalid Operation; out-of-range values (infinities too) saturate with
 * Invalid Operation and no Inexact; otherwise an inexact conversion raises Inexact. With FZ a
 * denormal is a zero: result 0, IDC, no Inexact.
 */
export function fpToFixed(
  cpu: Cpu,
  operand: number,
  size: number,
  fractionBits: number,
  unsigned: boolean,
  rmode: number,
): number {
  const type = fpType(cpu, operand);
  const max = unsigned ? pow2(size) - 1 : pow2(size - 1) - 1;
  const min = unsigned ? 0 : -pow2(size - 1);
  if (isNaNType(type)) {
    cpu.fpscr |= FPSCR.IOC; // FPUnpack's value 0.0 converts to 0
    return 0;
  }
  if (type === FPType.Infinity) {
    cpu.fpscr |= FPSCR.IOC; // 2^1000000 overflows the conversion
    return (operand < 0 ? min : max) | 0;
  }
  // Scaling by 2^fraction_bits is exact; so are RoundDown and the error (integer part vs fraction).
  const value = type === FPType.Zero ? 0 : singleToDouble(operand) * pow2(fractionBits);
  let intResult = Math.floor(value);
  const error = value - intResult;
  let roundUp: boolean;
  switch (rmode) {
    case 0b00: // RN
      roundUp = error > 0.5 || (error === 0.5 && intResult % 2 !== 0);
      break;
    case 0b01: // RP
      roundUp = error !== 0;
      break;
    case 0b10: // RM
      roundUp = false;
      break;
    default: // RZ
      roundUp = error !== 0 && intResult < 0;
  }
  if (roundUp) intResult += 1;
  // SatQ(int_result, M, unsigned): saturation is the conversion's overflow, signalled as Invalid.
  if (intResult > max || intResult < min) {
    cpu.fpscr |= FPSCR.IOC;
    return (intResult > max ? max : min) | 0;
  }
  if (error !== 0) cpu.fpscr |= FPSCR.IXC;
  return intResult | 0;
}

/**
 * FixedToFP(operand<size-1:0>, 32, fraction_bits, unsigned, rmode): the fixed-point value in the low
 * `size` bits of `operand` (an int32) as a single, rounded with `rmode`. Zero gives +0.
 */
export function fixedToFp(
  cpu: Cpu,
  operand: number,
  size: number,
  fractionBits: number,
  unsigned: boolean,
  rmode: number,
): number {
  let integer: number;
  if (size === 16) integer = unsigned ? operand & 0xffff : (operand << 16) >> 16;
  else integer = unsigned ? operand >>> 0 : operand | 0;
  if (integer === 0) return 0;
  return fpRound(cpu, integer * pow2(-fractionBits), rmode, SINGLE);
}

/**
 * FPHalfToSingle(operand, fpscr_controlled = TRUE). Always exact: every half-precision value (IEEE
 * or alternative format, denormals included) is a normal single. FZ does not apply to half inputs.
 */
export function fpHalfToSingle(cpu: Cpu, operand: number): number {
  const fpscr = cpu.fpscr;
  const type = fpType16((fpscr & FPSCR.AHP) !== 0, operand);
  const sign = (operand & 0x8000) << 16;
  if (isNaNType(type)) {
    if (type === FPType.SNaN) cpu.fpscr |= FPSCR.IOC;
    if ((fpscr & FPSCR.DN) !== 0) return DEFAULT_NAN;
    // sign : '11111111 1' : operand<8:0> : Zeros(13): the quiet bit is set, the payload kept.
    return sign | 0x7fc00000 | ((operand & 0x1ff) << 13);
  }
  if (type === FPType.Infinity) return sign | 0x7f800000;
  if (type === FPType.Zero) return sign;
  return fpRound(cpu, fpValue16(operand), 0, SINGLE);
}

/**
 * FPSingleToHalf(operand, fpscr_controlled = TRUE): the 16-bit result (in the low half of the
 * return value). The alternative format has no NaN or infinity: both become a signed zero or the
 * largest magnitude with Invalid Operation.
 */
export function fpSingleToHalf(cpu: Cpu, operand: number): number {
  const type = fpType(cpu, operand); // FZ applies to the single-precision input (IDC)
  const fpscr = cpu.fpscr;
  const ahp = (fpscr & FPSCR.AHP) !== 0;
  const sign = (operand >>> 16) & 0x8000;
  if (isNaNType(type)) {
    let result: number;
    if (ahp) {
      result = sign;
      cpu.fpscr |= FPSCR.IOC;
    } else if ((fpscr & FPSCR.DN) !== 0) {
      result = DEFAULT_NAN_16;
    } else {
      result = sign | 0x7e00 | ((operand >>> 13) & 0x1ff); // sign : '111111' : operand<21:13>
    }
    if (type === FPType.SNaN) cpu.fpscr |= FPSCR.IOC;
    return result;
  }
  if (type === FPType.Infinity) {
    if (!ahp) return sign | INFINITY_16;
    cpu.fpscr |= FPSCR.IOC;
    return sign | 0x7fff;
  }
  if (type === FPType.Zero) return sign;
  return fpRound(cpu, singleToDouble(operand), (fpscr >>> 22) & 3, ahp ? HALF_AHP : HALF);
}
