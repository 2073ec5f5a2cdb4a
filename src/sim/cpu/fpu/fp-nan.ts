import type { Cpu } from '../cpu.js';
import { DEFAULT_NAN, FPType } from './fp-unpack.js';
import { FPSCR } from './fpscr.js';

/**
 * NaN handling of the FP pseudocode (ARMv7-M A2.5.7): FPProcessNaN quietens a signalling NaN (sets
 * fraction bit 22) and raises Invalid Operation; FPSCR.DN replaces any NaN result by the default NaN.
 * FPProcessNaNs/FPProcessNaNs3 pick the operand to propagate: the first signalling NaN, else the first
 * quiet NaN, in operand order. They return `NO_NAN` (not an int32 bit pattern) when no operand is a NaN.
 */

/** "done == FALSE": a value no int32 bit pattern can take. */
export const NO_NAN = 0x1_0000_0000;

export function fpProcessNaN(cpu: Cpu, type: FPType, operand: number): number {
  let result = operand;
  if (type === FPType.SNaN) {
    result |= 0x400000;
    cpu.fpscr |= FPSCR.IOC;
  }
  if ((cpu.fpscr & FPSCR.DN) !== 0) result = DEFAULT_NAN;
  return result | 0;
}

export function fpProcessNaNs(cpu: Cpu, type1: FPType, type2: FPType, op1: number, op2: number): number {
  if (type1 === FPType.SNaN) return fpProcessNaN(cpu, type1, op1);
  if (type2 === FPType.SNaN) return fpProcessNaN(cpu, type2, op2);
  if (type1 === FPType.QNaN) return fpProcessNaN(cpu, type1, op1);
  if (type2 === FPType.QNaN) return fpProcessNaN(cpu, type2, op2);
  return NO_NAN;
}

export function fpProcessNaNs3(
  cpu: Cpu,
  type1: FPType,
  type2: FPType,
  type3: FPType,
  op1: number,
  op2: number,
  op3: number,
): number {
  if (type1 === FPType.SNaN) return fpProcessNaN(cpu, type1, op1);
  if (type2 === FPType.SNaN) return fpProcessNaN(cpu, type2, op2);
  if (type3 === FPType.SNaN) return fpProcessNaN(cpu, type3, op3);
  if (type1 === FPType.QNaN) return fpProcessNaN(cpu, type1, op1);
  if (type2 === FPType.QNaN) return fpProcessNaN(cpu, type2, op2);
  if (type3 === FPType.QNaN) return fpProcessNaN(cpu, type3, op3);
  return NO_NAN;
}
