import type { Cpu } from '../cpu.js';

/**
 * Saturation (ARMv7-M A2.2.1 SignedSatQ/UnsignedSatQ) for the DSP executors. Inputs are exact
 * integers held in doubles (sums of two int32 values fit comfortably in 53 bits).
 */

const INT32_MAX = 0x7fffffff;
const INT32_MIN = -0x80000000;

/** SignedSat(x, 32), setting APSR.Q when it saturates (A7.7 QADD, QSUB, QDADD, QDSUB). */
export function signedSat32Q(cpu: Cpu, x: number): number {
  if (x > INT32_MAX) {
    cpu.q = 1;
    return INT32_MAX;
  }
  if (x < INT32_MIN) {
    cpu.q = 1;
    return INT32_MIN;
  }
  return x;
}

/** SignedSat(x, bits) for a lane of QADD16/QADD8 and friends, which never touch Q. */
export function signedSat(x: number, bits: number): number {
  const max = (1 << (bits - 1)) - 1;
  if (x > max) return max;
  const min = -max - 1;
  return x < min ? min : x;
}

/** UnsignedSat(x, bits) for a lane of UQADD16/UQADD8 and friends. */
export function unsignedSat(x: number, bits: number): number {
  const max = (1 << bits) - 1;
  if (x > max) return max;
  return x < 0 ? 0 : x;
}

/** R[d] = x[31:0], and Q = 1 when x does not fit in 32 signed bits (the "if result != SInt(result<31:0>)" test). */
export function wrapSetQ(cpu: Cpu, x: number): number {
  const result = x | 0;
  if (result !== x) cpu.q = 1;
  return result;
}
