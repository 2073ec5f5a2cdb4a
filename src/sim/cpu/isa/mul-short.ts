import { wrapSetQ } from './dsp-saturate.js';
import { withSource } from './inline-source.js';
import { undefinedExecutor, type Executor } from './executor.js';
import { accumulateWide, multiplySigned, negateWide, wide } from './mul-wide.js';

/**
 * Multiply, multiply accumulate and absolute difference (A5.3.16):
 * hw1 = 1111 1011 0 op1 Rn, hw2 = Ra Rd 00 op2 Rm; Ra = 1111 selects the non-accumulating form.
 * Q is set where the pseudocode says "if result != SInt(result<31:0>) then APSR.Q = '1'".
 * Timing (Cortex-M4 TRM 3.3.1): MLA and MLS take 2 cycles, every other multiply 1.
 */
export function decodeMultiply(hw1: number, hw2: number): Executor {
  if ((hw2 & 0xc0) !== 0) return undefinedExecutor;
  const op1 = (hw1 >>> 4) & 7;
  const op2 = (hw2 >>> 4) & 3;
  const n = hw1 & 0xf;
  const a = hw2 >>> 12;
  const d = (hw2 >>> 8) & 0xf;
  const m = hw2 & 0xf;
  if (d === 13 || d === 15 || n === 13 || n === 15 || m === 13 || m === 15 || a === 13) {
    return undefinedExecutor;
  }
  const accumulate = a !== 15;
  switch (op1) {
    case 0b000:
      if (op2 === 0b00) return accumulate ? mla(d, n, m, a) : mul(d, n, m);
      if (op2 === 0b01 && accumulate) return mls(d, n, m, a);
      return undefinedExecutor;
    case 0b001:
      return halfwordMultiply(d, n, m, a, op2 >>> 1, op2 & 1); // SMLA<x><y>, SMUL<x><y>
    case 0b010:
      return op2 < 2 ? dualMultiply(d, n, m, a, op2 === 1, false) : undefinedExecutor; // SMLAD, SMUAD
    case 0b011:
      return op2 < 2 ? wordHalfwordMultiply(d, n, m, a, op2) : undefinedExecutor; // SMLAW<y>, SMULW<y>
    case 0b100:
      return op2 < 2 ? dualMultiply(d, n, m, a, op2 === 1, true) : undefinedExecutor; // SMLSD, SMUSD
    case 0b101:
      return op2 < 2 ? mostSignificant(d, n, m, a, op2 === 1, false) : undefinedExecutor; // SMMLA, SMMUL
    case 0b110:
      if (op2 >= 2 || !accumulate) return undefinedExecutor;
      return mostSignificant(d, n, m, a, op2 === 1, true); // SMMLS
    default:
      return op2 === 0 ? sumAbsoluteDifferences(d, n, m, a) : undefinedExecutor; // USADA8, USAD8
  }
}

function mul(d: number, n: number, m: number): Executor {
  return withSource((cpu) => {
    cpu.r[d] = Math.imul(cpu.r[n]!, cpu.r[m]!);
  }, `r[${d}] = Math.imul(r[${n}], r[${m}]);`);
}

function mla(d: number, n: number, m: number, a: number): Executor {
  return withSource((cpu) => {
    cpu.r[d] = (Math.imul(cpu.r[n]!, cpu.r[m]!) + cpu.r[a]!) | 0;
    cpu.cycles += 1;
  }, `{ r[${d}] = (Math.imul(r[${n}], r[${m}]) + r[${a}]) | 0; cpu.cycles += 1; }`);
}

function mls(d: number, n: number, m: number, a: number): Executor {
  return (cpu) => {
    cpu.r[d] = (cpu.r[a]! - Math.imul(cpu.r[n]!, cpu.r[m]!)) | 0;
    cpu.cycles += 1;
  };
}

/** SMLA<x><y> / SMUL<x><y>: `top` selects bits [31:16] of Rn (nHigh) or Rm (mHigh). */
function halfwordMultiply(
  d: number,
  n: number,
  m: number,
  a: number,
  nHigh: number,
  mHigh: number,
): Executor {
  const nShift = nHigh === 1 ? 0 : 16;
  const mShift = mHigh === 1 ? 0 : 16;
  if (a === 15) {
    return (cpu) => {
      // At most 2^30 in magnitude: cannot overflow.
      cpu.r[d] = ((cpu.r[n]! << nShift) >> 16) * ((cpu.r[m]! << mShift) >> 16);
    };
  }
  return (cpu) => {
    const product = ((cpu.r[n]! << nShift) >> 16) * ((cpu.r[m]! << mShift) >> 16);
    cpu.r[d] = wrapSetQ(cpu, product + cpu.r[a]!);
  };
}

/**
 * SMLAD/SMUAD and SMLSD/SMUSD with optional exchange (X) of Rm's halves: Rn.lo*Rm.lo ± Rn.hi*Rm.hi
 * (+ Ra). SMUSD cannot overflow and its pseudocode never sets Q; the others set Q on overflow.
 */
function dualMultiply(
  d: number,
  n: number,
  m: number,
  a: number,
  exchange: boolean,
  subtract: boolean,
): Executor {
  return (cpu) => {
    const x = cpu.r[n]!;
    const y = exchange ? (cpu.r[m]! >>> 16) | (cpu.r[m]! << 16) : cpu.r[m]!;
    const product1 = ((x << 16) >> 16) * ((y << 16) >> 16);
    const product2 = (x >> 16) * (y >> 16);
    const sum = subtract ? product1 - product2 : product1 + product2;
    if (a === 15) cpu.r[d] = subtract ? sum : wrapSetQ(cpu, sum);
    else cpu.r[d] = wrapSetQ(cpu, sum + cpu.r[a]!);
  };
}

/**
 * SMLAW<y>/SMULW<y>: (Rn * SInt(Rm half) + (Ra << 16)) >> 16, i.e. bits [47:16] of a 48-bit sum
 * (exact in a double). SMLAW sets Q when the shifted sum does not fit in 32 bits.
 */
function wordHalfwordMultiply(d: number, n: number, m: number, a: number, mHigh: number): Executor {
  const mShift = mHigh === 1 ? 0 : 16;
  return (cpu) => {
    const product = cpu.r[n]! * ((cpu.r[m]! << mShift) >> 16);
    if (a === 15) cpu.r[d] = Math.floor(product / 0x10000);
    else cpu.r[d] = wrapSetQ(cpu, Math.floor((product + cpu.r[a]! * 0x10000) / 0x10000));
  };
}

/**
 * SMMLA/SMMUL/SMMLS (+R): bits [63:32] of (Ra << 32) ± Rn * Rm, plus 0x80000000 before truncation
 * when rounding. Never sets flags.
 */
function mostSignificant(
  d: number,
  n: number,
  m: number,
  a: number,
  round: boolean,
  subtract: boolean,
): Executor {
  const roundingLow = round ? 0x80000000 : 0;
  return (cpu) => {
    multiplySigned(cpu.r[n]!, cpu.r[m]!);
    if (subtract) negateWide();
    accumulateWide(roundingLow, a === 15 ? 0 : cpu.r[a]!);
    cpu.r[d] = wide[1]!;
  };
}

/** USAD8/USADA8: the sum of |Rn.byte[i] - Rm.byte[i]| (+ Ra). */
function sumAbsoluteDifferences(d: number, n: number, m: number, a: number): Executor {
  return (cpu) => {
    const x = cpu.r[n]!;
    const y = cpu.r[m]!;
    let sum = a === 15 ? 0 : cpu.r[a]!;
    for (let shift = 0; shift < 32; shift += 8) {
      const difference = ((x >>> shift) & 0xff) - ((y >>> shift) & 0xff);
      sum += difference < 0 ? -difference : difference;
    }
    cpu.r[d] = sum | 0;
  };
}
