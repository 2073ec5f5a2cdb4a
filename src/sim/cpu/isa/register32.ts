import type { Cpu } from '../cpu.js';
import { decodeExtend } from './dsp-extend.js';
import { decodeMiscellaneous } from './dsp-misc.js';
import { decodeParallel } from './dsp-parallel.js';
import { undefinedExecutor, type Executor } from './executor.js';
import { decodeLongMultiplyDivide } from './mul-long.js';
import { decodeMultiply } from './mul-short.js';

/**
 * Data processing (register), A5.3.12: hw1 = 1111 1010 op1 Rn, hw2 = 1111 Rd op2 Rm.
 * op1 = 0xxx, op2 = 0000: LSL/LSR/ASR/ROR by register (op1 = type:S); op1 = 0xxx, op2 = 1xxx:
 * extends (dsp-extend.ts); op1 = 1xxx, op2 = 0xxx: parallel add/subtract (dsp-parallel.ts);
 * op1 = 10xx, op2 = 10xx: miscellaneous (dsp-misc.ts). Everything else is UNDEFINED.
 */
export function decodeThumb32Register(hw1: number, hw2: number, _address: number): Executor {
  if (hw2 >>> 12 !== 0xf) return undefinedExecutor;
  const op1 = (hw1 >>> 4) & 0xf;
  const op2 = (hw2 >>> 4) & 0xf;
  const n = hw1 & 0xf;
  const d = (hw2 >>> 8) & 0xf;
  const m = hw2 & 0xf;
  if (op1 < 0b1000) {
    if (op2 === 0) return decodeShiftRegister(op1 >>> 1, (op1 & 1) === 1, d, n, m);
    if (op2 >= 0b1000) return decodeExtend(op1, hw2, d, n, m);
    return undefinedExecutor;
  }
  if (op2 < 0b1000) return decodeParallel(op1 & 7, op2 & 3, op2 >= 0b0100, d, n, m);
  if (op2 < 0b1100 && op1 < 0b1100) return decodeMiscellaneous(op1 & 3, op2 & 3, d, n, m);
  return undefinedExecutor;
}

/** Multiply and absolute difference (A5.3.16), long multiply and divide (A5.3.17). */
export function decodeThumb32Multiply(hw1: number, hw2: number, _address: number): Executor {
  return ((hw1 >>> 7) & 1) === 0 ? decodeMultiply(hw1, hw2) : decodeLongMultiplyDivide(hw1, hw2);
}

/**
 * LSL/LSR/ASR/ROR (register), T2 encodings: the amount is R[m][7:0]; with S set, N and Z follow the
 * result and C the last bit shifted out (unchanged for an amount of 0: Shift_C, A7.4.2). V is kept.
 * "if d IN {13,15} || n IN {13,15} || m IN {13,15} then UNPREDICTABLE".
 */
function decodeShiftRegister(type: number, setFlags: boolean, d: number, n: number, m: number): Executor {
  if (d === 13 || d === 15 || n === 13 || n === 15 || m === 13 || m === 15) return undefinedExecutor;
  const shift = SHIFTS[type]!;
  if (!setFlags) {
    return (cpu) => {
      cpu.r[d] = shift(cpu, cpu.r[n]!, cpu.r[m]! & 0xff);
    };
  }
  return (cpu) => {
    const result = shift(cpu, cpu.r[n]!, cpu.r[m]! & 0xff);
    cpu.r[d] = result;
    cpu.n = result >>> 31;
    cpu.z = result === 0 ? 1 : 0;
    cpu.c = cpu.shifterCarry;
  };
}

type RegisterShift = (cpu: Cpu, value: number, amount: number) => number;

/**
 * Shift_C(value, type, amount, APSR.C) for amount 0–255 (A2.2.1 LSL_C/LSR_C/ASR_C/ROR_C); the
 * carry goes to cpu.shifterCarry.
 */
const SHIFTS: readonly RegisterShift[] = [
  (cpu, x, amount) => {
    if (amount === 0) {
      cpu.shifterCarry = cpu.c;
      return x;
    }
    if (amount >= 32) {
      cpu.shifterCarry = amount === 32 ? x & 1 : 0;
      return 0;
    }
    cpu.shifterCarry = (x >>> (32 - amount)) & 1;
    return x << amount;
  },
  (cpu, x, amount) => {
    if (amount === 0) {
      cpu.shifterCarry = cpu.c;
      return x;
    }
    if (amount >= 32) {
      cpu.shifterCarry = amount === 32 ? x >>> 31 : 0;
      return 0;
    }
    cpu.shifterCarry = (x >>> (amount - 1)) & 1;
    return (x >>> amount) | 0;
  },
  (cpu, x, amount) => {
    if (amount === 0) {
      cpu.shifterCarry = cpu.c;
      return x;
    }
    if (amount >= 32) {
      cpu.shifterCarry = x >>> 31;
      return x >> 31;
    }
    cpu.shifterCarry = (x >> (amount - 1)) & 1;
    return x >> amount;
  },
  (cpu, x, amount) => {
    if (amount === 0) {
      cpu.shifterCarry = cpu.c;
      return x;
    }
    // ROR_C by a multiple of 32 leaves the value and copies bit 31 into the carry.
    const rotation = amount & 31;
    const result = (x >>> rotation) | (x << (-rotation & 31));
    cpu.shifterCarry = result >>> 31;
    return result;
  },
];
