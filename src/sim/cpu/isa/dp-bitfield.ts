import type { Cpu } from '../cpu.js';
import { undefinedExecutor, type Executor } from './executor.js';
import { withSource } from './inline-source.js';

/**
 * Saturation and bitfield rows of A5.3.3: SSAT, SSAT16, USAT, USAT16, SBFX, UBFX, BFI, BFC.
 * hw1 = 11110 (0) 1 op(5) Rn, hw2 = 0 imm3 Rd imm2 (0) imm5. A set should-be-zero bit (hw1[10],
 * hw2[5], and hw2[4] of the 16-bit saturates) decodes as UNDEFINED, as QEMU does. All of them have
 * "if d IN {13,15} || n IN {13,15} then UNPREDICTABLE" (n = 15 is BFC instead for BFI), which
 * we decode as UNDEFINED.
 */

function shouldBeZeroSet(hw1: number, hw2: number): boolean {
  return (hw1 & 0x400) !== 0 || (hw2 & 0x20) !== 0;
}

/** imm3:imm2 of hw2: the shift amount or least significant bit. */
function imm5Of(hw2: number): number {
  return (((hw2 >>> 12) & 7) << 2) | ((hw2 >>> 6) & 3);
}

/**
 * SSAT/USAT (A7.7 SSAT, USAT): operand = Shift(R[n], sh ? ASR : LSL, imm5) (sh = 1 with imm5 = 0 is
 * the 16-bit variant); then SignedSatQ(SInt(operand), sat_imm + 1) or UnsignedSatQ(SInt(operand),
 * sat_imm) (A2.2.1), setting APSR.Q when the value was clipped.
 */
export function decodeSaturate(hw1: number, hw2: number): Executor {
  const unsigned = (hw1 & 0x80) !== 0;
  const sh = (hw1 >>> 5) & 1;
  const n = hw1 & 0xf;
  const d = (hw2 >>> 8) & 0xf;
  const satImm = hw2 & 0x1f;
  const imm5 = imm5Of(hw2);
  if (shouldBeZeroSet(hw1, hw2) || d === 13 || d === 15 || n === 13 || n === 15) return undefinedExecutor;
  if (sh === 1 && imm5 === 0) {
    if ((satImm & 0x10) !== 0) return undefinedExecutor; // SSAT16/USAT16 hw2[4] is (0)
    return unsigned ? unsignedSaturate16(d, n, satImm) : signedSaturate16(d, n, satImm + 1);
  }
  // The shift is LSL #imm5 (sh = 0) or ASR #1..31 (sh = 1); the value is Shift()'s 32-bit result.
  // SSAT: saturate_to = sat_imm + 1, so max = 2^sat_imm - 1; USAT: saturate_to = sat_imm, same max.
  const max = satImm === 31 ? 0x7fffffff : (1 << satImm) - 1;
  const min = unsigned ? 0 : -max - 1;
  if (sh === 1) {
    return (cpu) => {
      cpu.r[d] = clamp(cpu, cpu.r[n]! >> imm5, min, max);
    };
  }
  return (cpu) => {
    cpu.r[d] = clamp(cpu, cpu.r[n]! << imm5, min, max);
  };
}

function clamp(cpu: Cpu, x: number, min: number, max: number): number {
  if (x > max) {
    cpu.q = 1;
    return max;
  }
  if (x < min) {
    cpu.q = 1;
    return min;
  }
  return x;
}

/** SSAT16 (A7.7 SSAT16): each signed halfword saturated to `bits` (1–16) bits. */
function signedSaturate16(d: number, n: number, bits: number): Executor {
  const max = (1 << (bits - 1)) - 1;
  const min = -max - 1;
  return (cpu) => {
    const x = cpu.r[n]!;
    const low = clamp(cpu, (x << 16) >> 16, min, max);
    const high = clamp(cpu, x >> 16, min, max);
    cpu.r[d] = (high << 16) | (low & 0xffff);
  };
}

/** USAT16 (A7.7 USAT16): each signed halfword saturated to the unsigned range of `bits` (0–15) bits. */
function unsignedSaturate16(d: number, n: number, bits: number): Executor {
  const max = (1 << bits) - 1;
  return (cpu) => {
    const x = cpu.r[n]!;
    const low = clamp(cpu, (x << 16) >> 16, 0, max);
    const high = clamp(cpu, x >> 16, 0, max);
    cpu.r[d] = (high << 16) | low;
  };
}

/**
 * SBFX, UBFX (A7.7 SBFX, UBFX): R[d] = Sign/ZeroExtend(R[n]<msbit:lsbit>), msbit = lsbit +
 * widthminus1; msbit > 31 is UNPREDICTABLE (UNDEFINED here, as in QEMU).
 * BFI, BFC (A7.7 BFI, BFC): R[d]<msbit:lsbit> = R[n]<msbit-lsbit:0> or zeros; msbit < lsbit is
 * UNPREDICTABLE (UNDEFINED here, as in QEMU).
 */
export function decodeBitfield(hw1: number, hw2: number): Executor {
  const op = (hw1 >>> 4) & 0x1f;
  const n = hw1 & 0xf;
  const d = (hw2 >>> 8) & 0xf;
  const lsb = imm5Of(hw2);
  const field = hw2 & 0x1f; // widthminus1 for SBFX/UBFX, msbit for BFI/BFC
  if (shouldBeZeroSet(hw1, hw2) || d === 13 || d === 15 || n === 13) return undefinedExecutor;
  if (op === 0b10110) {
    if (field < lsb) return undefinedExecutor;
    const mask = (-1 >>> (31 - field + lsb)) << lsb; // ones in [msbit:lsbit]
    if (n === 15) {
      return (cpu) => {
        cpu.r[d] = cpu.r[d]! & ~mask;
      };
    }
    return withSource((cpu) => {
      cpu.r[d] = (cpu.r[d]! & ~mask) | ((cpu.r[n]! << lsb) & mask);
    }, `r[${d}] = (r[${d}] & ${~mask}) | ((r[${n}] << ${lsb}) & ${mask});`);
  }
  const msb = lsb + field;
  if (n === 15 || msb > 31) return undefinedExecutor;
  const left = 31 - msb; // move bit msbit to bit 31, then shift the field down to bit 0
  const right = left + lsb;
  if (op === 0b10100) {
    return withSource((cpu) => {
      cpu.r[d] = (cpu.r[n]! << left) >> right;
    }, `r[${d}] = (r[${n}] << ${left}) >> ${right};`);
  }
  return withSource((cpu) => {
    cpu.r[d] = (cpu.r[n]! << left) >>> right;
  }, `r[${d}] = (r[${n}] << ${left}) >>> ${right};`);
}
