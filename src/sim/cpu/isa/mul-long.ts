import type { Cpu } from '../cpu.js';
import { undefinedExecutor, type Executor } from './executor.js';
import { withSource } from './inline-source.js';
import { accumulateWide, multiplySigned, multiplyUnsigned, setWide, wide } from './mul-wide.js';

/**
 * Long multiply, long multiply accumulate and divide (A5.3.17):
 * hw1 = 1111 1011 1 op1 Rn, hw2 = RdLo RdHi op2 Rm (SDIV/UDIV: 1111 Rd 1111 Rm).
 * None of these set flags. Timing (Cortex-M4 TRM 3.3.1): the long multiplies are single-cycle;
 * SDIV/UDIV take 2–12 cycles with early termination (see divideCycles).
 */
export function decodeLongMultiplyDivide(hw1: number, hw2: number): Executor {
  const op1 = (hw1 >>> 4) & 7;
  const op2 = (hw2 >>> 4) & 0xf;
  const n = hw1 & 0xf;
  const m = hw2 & 0xf;
  const dLo = hw2 >>> 12;
  const dHi = (hw2 >>> 8) & 0xf;
  if (n === 13 || n === 15 || m === 13 || m === 15 || dHi === 13 || dHi === 15) return undefinedExecutor;
  if (op1 === 0b001 || op1 === 0b011) {
    // SDIV/UDIV: hw2[15:12] is (1)(1)(1)(1).
    if (op2 !== 0b1111 || dLo !== 15) return undefinedExecutor;
    return divide(dHi, n, m, op1 === 0b001);
  }
  if (dLo === 13 || dLo === 15 || dLo === dHi) return undefinedExecutor;
  switch (op1) {
    case 0b000:
      return op2 === 0 ? longMultiply(dLo, dHi, n, m, true, false) : undefinedExecutor; // SMULL
    case 0b010:
      return op2 === 0 ? longMultiply(dLo, dHi, n, m, false, false) : undefinedExecutor; // UMULL
    case 0b100:
      if (op2 === 0) return longMultiply(dLo, dHi, n, m, true, true); // SMLAL
      if ((op2 & 0b1100) === 0b1000) return halfwordLong(dLo, dHi, n, m, (op2 >>> 1) & 1, op2 & 1); // SMLAL<x><y>
      if ((op2 & 0b1110) === 0b1100) return dualLong(dLo, dHi, n, m, (op2 & 1) === 1, false); // SMLALD
      return undefinedExecutor;
    case 0b101:
      return (op2 & 0b1110) === 0b1100 ? dualLong(dLo, dHi, n, m, (op2 & 1) === 1, true) : undefinedExecutor; // SMLSLD
    case 0b110:
      if (op2 === 0) return longMultiply(dLo, dHi, n, m, false, true); // UMLAL
      if (op2 === 0b0110) return umaal(dLo, dHi, n, m);
      return undefinedExecutor;
    default:
      return undefinedExecutor;
  }
}

/** Stores `wide` to RdHi:RdLo (RdLo first, as the pseudocode does; they differ by decode). */
function writeWide(cpu: Cpu, dLo: number, dHi: number): void {
  cpu.r[dHi] = wide[1]!;
  cpu.r[dLo] = wide[0]!;
}

/** SMULL/UMULL/SMLAL/UMLAL: RdHi:RdLo = Rn * Rm (+ RdHi:RdLo). */
function longMultiply(
  dLo: number,
  dHi: number,
  n: number,
  m: number,
  signed: boolean,
  accumulate: boolean,
): Executor {
  const executor: Executor = (cpu) => {
    if (signed) multiplySigned(cpu.r[n]!, cpu.r[m]!);
    else multiplyUnsigned(cpu.r[n]!, cpu.r[m]!);
    if (accumulate) accumulateWide(cpu.r[dLo]!, cpu.r[dHi]!);
    writeWide(cpu, dLo, dHi);
  };
  if (accumulate) return executor;
  // SMULL/UMULL inline: multiplyUnsigned's arithmetic (and multiplySigned's correction) as source,
  // RdHi written before RdLo as writeWide does.
  const correction = signed ? `h_ = h_ - (a_ < 0 ? b_ : 0) - (b_ < 0 ? a_ : 0); ` : '';
  return withSource(
    executor,
    `{ const a_ = r[${n}], b_ = r[${m}]; const a0_ = a_ & 0xffff, a1_ = a_ >>> 16, b0_ = b_ & 0xffff, b1_ = b_ >>> 16; ` +
      `const c1_ = a0_ * b1_, c2_ = a1_ * b0_; const k_ = (((a0_ * b0_) >>> 16) + (c1_ & 0xffff) + (c2_ & 0xffff)) >>> 16; ` +
      `let h_ = a1_ * b1_ + (c1_ >>> 16) + (c2_ >>> 16) + k_; ${correction}` +
      `r[${dHi}] = h_; r[${dLo}] = Math.imul(a_, b_); }`,
  );
}

/** UMAAL: RdHi:RdLo = UInt(Rn) * UInt(Rm) + UInt(RdHi) + UInt(RdLo); cannot overflow 64 bits. */
function umaal(dLo: number, dHi: number, n: number, m: number): Executor {
  return (cpu) => {
    multiplyUnsigned(cpu.r[n]!, cpu.r[m]!);
    accumulateWide(cpu.r[dLo]!, 0);
    accumulateWide(cpu.r[dHi]!, 0);
    writeWide(cpu, dLo, dHi);
  };
}

/** SMLAL<x><y>: RdHi:RdLo += SInt(Rn half) * SInt(Rm half); hw2[5] picks Rn's top, hw2[4] Rm's. */
function halfwordLong(
  dLo: number,
  dHi: number,
  n: number,
  m: number,
  nHigh: number,
  mHigh: number,
): Executor {
  const nShift = nHigh === 1 ? 0 : 16;
  const mShift = mHigh === 1 ? 0 : 16;
  return (cpu) => {
    setWide(((cpu.r[n]! << nShift) >> 16) * ((cpu.r[m]! << mShift) >> 16));
    accumulateWide(cpu.r[dLo]!, cpu.r[dHi]!);
    writeWide(cpu, dLo, dHi);
  };
}

/** SMLALD/SMLSLD (X exchanges Rm's halves): RdHi:RdLo += Rn.lo*Rm.lo ± Rn.hi*Rm.hi, modulo 2^64. */
function dualLong(
  dLo: number,
  dHi: number,
  n: number,
  m: number,
  exchange: boolean,
  subtract: boolean,
): Executor {
  return (cpu) => {
    const x = cpu.r[n]!;
    const y = exchange ? (cpu.r[m]! >>> 16) | (cpu.r[m]! << 16) : cpu.r[m]!;
    const product1 = ((x << 16) >> 16) * ((y << 16) >> 16);
    const product2 = (x >> 16) * (y >> 16);
    setWide(subtract ? product1 - product2 : product1 + product2);
    accumulateWide(cpu.r[dLo]!, cpu.r[dHi]!);
    writeWide(cpu, dLo, dHi);
  };
}

/**
 * SDIV/UDIV: RoundTowardsZero(Rn / Rm). A zero divisor gives 0 unless CCR.DIV_0_TRP, in which case
 * cpu.divideByZero() raises the UsageFault. SDIV 0x80000000 / -1 overflows to 0x80000000.
 */
function divide(d: number, n: number, m: number, signed: boolean): Executor {
  return (cpu) => {
    const divisor = cpu.r[m]!;
    if (divisor === 0) {
      cpu.divideByZero();
      cpu.r[d] = 0;
      cpu.cycles += 1;
      return;
    }
    const quotient = signed ? (cpu.r[n]! / divisor) | 0 : ((cpu.r[n]! >>> 0) / (divisor >>> 0)) >>> 0;
    cpu.r[d] = quotient;
    cpu.cycles += divideCycles(signed && quotient < 0 ? -quotient : quotient >>> 0);
  };
}

/**
 * Extra cycles of a divide (total 2–12). The Cortex-M4 divider terminates early on small quotients
 * but ARM does not document the exact rule; this deterministic model charges 2 cycles plus one per
 * 3 significant quotient bits, capped at 12.
 */
function divideCycles(quotientMagnitude: number): number {
  const bits = 32 - Math.clz32(quotientMagnitude);
  const total = 2 + Math.ceil(bits / 3);
  return (total > 12 ? 12 : total) - 1;
}
