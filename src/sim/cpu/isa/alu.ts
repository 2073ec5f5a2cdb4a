import type { Cpu } from '../cpu.js';

/**
 * The integer ALU helpers of the ARMv7-M ARM pseudocode library (A2.2 "Shift and rotate operations",
 * A2.2.1 AddWithCarry, A5.3.2 ThumbExpandImm_C, A7.4.2 DecodeImmShift / Shift_C). Values are int32;
 * flags are 0 or 1. Helpers that produce a carry leave it in `cpu.shifterCarry` so they return a
 * single number and allocate nothing.
 */

/** SRType (A7.4.2). RRX is a separate type so a decoded shift needs no extra flag. */
export const SRType = { LSL: 0, LSR: 1, ASR: 2, ROR: 3, RRX: 4 } as const;
export type SRType = (typeof SRType)[keyof typeof SRType];

/** A decoded immediate shift: `(shift_t, shift_n)` of DecodeImmShift. */
export interface ImmShift {
  readonly type: SRType;
  readonly amount: number;
}

/**
 * DecodeImmShift(type, imm5) (A7.4.2): LSR/ASR #0 encode a shift by 32, ROR #0 encodes RRX.
 * Used at decode time only (it allocates).
 */
export function decodeImmShift(type: number, imm5: number): ImmShift {
  switch (type & 3) {
    case 0:
      return { type: SRType.LSL, amount: imm5 };
    case 1:
      return { type: SRType.LSR, amount: imm5 === 0 ? 32 : imm5 };
    case 2:
      return { type: SRType.ASR, amount: imm5 === 0 ? 32 : imm5 };
    default:
      return imm5 === 0 ? { type: SRType.RRX, amount: 1 } : { type: SRType.ROR, amount: imm5 };
  }
}

// -----------------------------------------------------------------------------------------------
// Shifts with carry out. Each takes any amount 0–255 (a register-specified shift uses R[s]<7:0>);
// an amount of 0 returns the value with carry_out = APSR.C, as Shift_C does (A7.4.2).

/** LSL_C (A2.2.1). */
export function lslC(cpu: Cpu, x: number, amount: number): number {
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
}

/** LSR_C (A2.2.1). */
export function lsrC(cpu: Cpu, x: number, amount: number): number {
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
}

/** ASR_C (A2.2.1): amounts of 32 or more fill the result with the sign bit, which is also the carry. */
export function asrC(cpu: Cpu, x: number, amount: number): number {
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
}

/** ROR_C (A2.2.1): carry_out = result<31>; a rotation by a non-zero multiple of 32 keeps the value. */
export function rorC(cpu: Cpu, x: number, amount: number): number {
  if (amount === 0) {
    cpu.shifterCarry = cpu.c;
    return x;
  }
  const rotation = amount & 31;
  const result = (x >>> rotation) | (x << (32 - rotation));
  cpu.shifterCarry = result >>> 31;
  return result;
}

/** RRX_C (A2.2.1): shift right by one through the carry flag. */
export function rrxC(cpu: Cpu, x: number): number {
  cpu.shifterCarry = x & 1;
  return (cpu.c << 31) | (x >>> 1);
}

/** Shift_C(value, type, amount, APSR.C) (A7.4.2); the carry goes to `cpu.shifterCarry`. */
export function shiftC(cpu: Cpu, x: number, type: SRType, amount: number): number {
  switch (type) {
    case SRType.LSL:
      return lslC(cpu, x, amount);
    case SRType.LSR:
      return lsrC(cpu, x, amount);
    case SRType.ASR:
      return asrC(cpu, x, amount);
    case SRType.ROR:
      return rorC(cpu, x, amount);
    default:
      return amount === 0 ? x : rrxC(cpu, x);
  }
}

// -----------------------------------------------------------------------------------------------
// Immediates

/**
 * ThumbExpandImm(imm12) (A5.3.2): a byte replicated in one of four patterns, or an 8-bit value with
 * bit 7 set rotated right by imm12<11:7>. The pattern form with imm8 = 0 is UNPREDICTABLE; like
 * QEMU we return the pattern (0), which is what the formula gives. Returns an int32.
 */
export function thumbExpandImm(imm12: number): number {
  const imm8 = imm12 & 0xff;
  if ((imm12 & 0xc00) === 0) {
    switch ((imm12 >>> 8) & 3) {
      case 0:
        return imm8;
      case 1:
        return (imm8 << 16) | imm8;
      case 2:
        return (imm8 << 24) | (imm8 << 8);
      default:
        return (imm8 << 24) | (imm8 << 16) | (imm8 << 8) | imm8;
    }
  }
  const unrotated = 0x80 | (imm12 & 0x7f);
  const rotation = (imm12 >>> 7) & 31; // 8..31 here: the top two bits are non-zero
  return (unrotated >>> rotation) | (unrotated << (32 - rotation));
}

/**
 * The carry_out of ThumbExpandImm_C(imm12, carry_in) (A5.3.2) as a decode-time constant: -1 when it
 * is carry_in (the replicated-byte forms), else imm32<31> of the rotated form.
 */
export function thumbExpandImmCarry(imm12: number): number {
  return (imm12 & 0xc00) === 0 ? -1 : thumbExpandImm(imm12) >>> 31;
}

// -----------------------------------------------------------------------------------------------
// Flags

/**
 * AddWithCarry(x, y, carry_in) (A2.2.1) writing APSR.N, Z, C and V; returns the int32 result.
 * Subtraction x - y is addWithCarryFlags(cpu, x, ~y, 1).
 */
export function addWithCarryFlags(cpu: Cpu, x: number, y: number, carryIn: number): number {
  const unsignedSum = (x >>> 0) + (y >>> 0) + carryIn;
  const result = unsignedSum | 0;
  cpu.n = result >>> 31;
  cpu.z = result === 0 ? 1 : 0;
  cpu.c = unsignedSum > 0xffffffff ? 1 : 0;
  // Signed overflow: both operands have the same sign and the result's sign differs.
  cpu.v = ((x ^ result) & (y ^ result)) >>> 31;
  return result;
}

/** APSR.N = result<31>; APSR.Z = IsZeroBit(result). C and V unchanged. */
export function setNZ(cpu: Cpu, result: number): void {
  cpu.n = result >>> 31;
  cpu.z = result === 0 ? 1 : 0;
}

/** N and Z from the result, C from the last shifter carry (logical operations with S). */
export function setNZC(cpu: Cpu, result: number): void {
  cpu.n = result >>> 31;
  cpu.z = result === 0 ? 1 : 0;
  cpu.c = cpu.shifterCarry;
}
