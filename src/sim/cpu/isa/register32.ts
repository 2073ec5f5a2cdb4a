import { decodeExtend } from './dsp-extend.js';
import { decodeMiscellaneous } from './dsp-misc.js';
import { decodeParallel } from './dsp-parallel.js';
import { asrC, lslC, lsrC, rorC } from './alu.js';
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

/** Shift_C by type (SRType order LSL, LSR, ASR, ROR); the carry goes to cpu.shifterCarry. */
const SHIFTS = [lslC, lsrC, asrC, rorC] as const;
