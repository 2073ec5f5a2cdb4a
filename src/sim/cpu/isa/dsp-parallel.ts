import { undefinedExecutor, type Executor } from './executor.js';
import { signedSat, unsignedSat } from './dsp-saturate.js';

/**
 * Parallel addition and subtraction (A5.3.13 signed, A5.3.14 unsigned):
 * hw1 = 1111 1010 1 op1 Rn, hw2 = 1111 Rd 0 U op2 Rm.
 * op1 (hw1[6:4]) picks the lanes: 000 ADD8, 001 ADD16, 010 ASX, 100 SUB8, 101 SUB16, 110 SAX.
 * op2 (hw2[5:4]) picks the arithmetic: 00 modular with GE flags (S/U), 01 saturating (Q/UQ),
 * 10 halving (SH/UH). Each lane is computed exactly, then reduced per the A7.7 pseudocode
 * (e.g. SADD16, UQSUB8, UHASX).
 */

/** Lane arithmetic chosen by op2; 2 (the remaining value) is halving. */
const MODULAR = 0;
const SATURATING = 1;

/** GE condition of the last modular lane (module scratch so laneResult need not return a pair). */
let laneGe = 0;

/**
 * One lane: `x` is the exact sum or difference of the extended operands. Modular lanes set GE when
 * x >= 0 (signed, and unsigned differences: no borrow) or x >= 2^width (unsigned sums: carry).
 */
function laneResult(mode: number, unsigned: boolean, width: number, isSum: boolean, x: number): number {
  const mask = width === 16 ? 0xffff : 0xff;
  if (mode === MODULAR) {
    laneGe = (unsigned && isSum ? x > mask : x >= 0) ? 1 : 0;
    return x & mask;
  }
  if (mode === SATURATING) return (unsigned ? unsignedSat(x, width) : signedSat(x, width)) & mask;
  return (x >> 1) & mask;
}

export function decodeParallel(
  op1: number,
  op2: number,
  unsigned: boolean,
  d: number,
  n: number,
  m: number,
): Executor {
  if (op2 === 0b11) return undefinedExecutor;
  if (d === 13 || d === 15 || n === 13 || n === 15 || m === 13 || m === 15) return undefinedExecutor;
  switch (op1) {
    case 0b001:
      return halfwordExecutor(op2, unsigned, d, n, m, false, false, false); // ADD16
    case 0b010:
      return halfwordExecutor(op2, unsigned, d, n, m, true, true, false); // ASX: lo diff, hi sum
    case 0b110:
      return halfwordExecutor(op2, unsigned, d, n, m, true, false, true); // SAX: lo sum, hi diff
    case 0b101:
      return halfwordExecutor(op2, unsigned, d, n, m, false, true, true); // SUB16
    case 0b000:
      return byteExecutor(op2, unsigned, d, n, m, false); // ADD8
    case 0b100:
      return byteExecutor(op2, unsigned, d, n, m, true); // SUB8
    default:
      return undefinedExecutor;
  }
}

/**
 * Halfword lanes. `exchange` pairs Rn's low half with Rm's high half and vice versa (ASX/SAX);
 * `subLow`/`subHigh` choose difference or sum per lane. GE[1:0] follow the low lane, GE[3:2] the high.
 */
function halfwordExecutor(
  mode: number,
  unsigned: boolean,
  d: number,
  n: number,
  m: number,
  exchange: boolean,
  subLow: boolean,
  subHigh: boolean,
): Executor {
  return (cpu) => {
    const a = cpu.r[n]!;
    const b = cpu.r[m]!;
    const aLow = unsigned ? a & 0xffff : (a << 16) >> 16;
    const aHigh = unsigned ? a >>> 16 : a >> 16;
    const bLow = unsigned ? b & 0xffff : (b << 16) >> 16;
    const bHigh = unsigned ? b >>> 16 : b >> 16;
    const b0 = exchange ? bHigh : bLow;
    const b1 = exchange ? bLow : bHigh;
    const low = laneResult(mode, unsigned, 16, !subLow, subLow ? aLow - b0 : aLow + b0);
    const geLow = laneGe;
    const high = laneResult(mode, unsigned, 16, !subHigh, subHigh ? aHigh - b1 : aHigh + b1);
    cpu.r[d] = low | (high << 16);
    if (mode === MODULAR) cpu.ge = geLow * 0b0011 + laneGe * 0b1100;
  };
}

/** Byte lanes: lane i is bits [8i+7:8i] of each operand; GE[i] follows lane i. */
function byteExecutor(
  mode: number,
  unsigned: boolean,
  d: number,
  n: number,
  m: number,
  subtract: boolean,
): Executor {
  return (cpu) => {
    const a = cpu.r[n]!;
    const b = cpu.r[m]!;
    let result = 0;
    let ge = 0;
    for (let shift = 0; shift < 32; shift += 8) {
      const x = unsigned ? (a >>> shift) & 0xff : (a << (24 - shift)) >> 24;
      const y = unsigned ? (b >>> shift) & 0xff : (b << (24 - shift)) >> 24;
      result |= laneResult(mode, unsigned, 8, !subtract, subtract ? x - y : x + y) << shift;
      ge |= laneGe << (shift >>> 3);
    }
    cpu.r[d] = result;
    if (mode === MODULAR) cpu.ge = ge;
  };
}
