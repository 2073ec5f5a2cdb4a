import type { Cpu } from '../cpu.js';
import { singleToDouble } from './fp-bits.js';
import { FPType, fpType, isNaNType } from './fp-unpack.js';
import { FPSCR } from './fpscr.js';

/**
 * FPCompare(op1, op2, quiet_nan_exc) (ARMv7-M A2.5.7), returning the N Z C V result as a 4-bit number
 * (N in bit 3): 0b0011 unordered, 0b0110 equal, 0b1000 less than, 0b0010 greater than. A signalling
 * NaN always raises Invalid Operation; a quiet NaN only for VCMPE (`quietNaNExc`). Zeros compare
 * equal whatever their signs; with FZ a denormal is a zero (and sets IDC).
 */
export const UNORDERED = 0b0011;
export const EQUAL = 0b0110;
export const LESS = 0b1000;
export const GREATER = 0b0010;

export function fpCompare(cpu: Cpu, op1: number, op2: number, quietNaNExc: boolean): number {
  const type1 = fpType(cpu, op1);
  const type2 = fpType(cpu, op2);
  if (isNaNType(type1) || isNaNType(type2)) {
    if (type1 === FPType.SNaN || type2 === FPType.SNaN || quietNaNExc) cpu.fpscr |= FPSCR.IOC;
    return UNORDERED;
  }
  // Infinities compare by their doubles (FPUnpack's 2^1000000 behaves the same); zeros by value 0.
  const value1 = type1 === FPType.Zero ? 0 : singleToDouble(op1);
  const value2 = type2 === FPType.Zero ? 0 : singleToDouble(op2);
  if (value1 === value2) return EQUAL;
  return value1 < value2 ? LESS : GREATER;
}
