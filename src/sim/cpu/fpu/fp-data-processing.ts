import { undefinedExecutor, type Executor } from '../isa/executor.js';
import { fpAbs, fpAdd, fpDiv, fpMul, fpMulAdd, fpNeg, fpSqrt, fpSub } from './fp-arith.js';
import { fpCompare } from './fp-compare.js';
import { fixedToFp, fpHalfToSingle, fpSingleToHalf, fpToFixed } from './fp-convert.js';
import { RN, RZ, roundingMode } from './fpscr.js';

/**
 * Floating-point data-processing instructions (ARMv7-M A6.4, instructions in A7.7):
 *
 *   hw1 = 1110 1110 opc1:4 opc2:4     hw2 = Vd:4 101 sz opc3:2 M 0 Vm:4   (opc1<2> is D, opc3<1> is N)
 *
 * Single-precision register numbers are Vx:x (S = 2*Vx + bit). FPv4-SP has no double-precision
 * arithmetic, so every sz == 1 encoding is UNDEFINED. Should-be-zero bits are ignored.
 *
 * Timing (Cortex-M4 TRM, table 7-1 FPU instruction set): 1 cycle, except VDIV and VSQRT (14) and the
 * multiply-accumulates VMLA/VMLS/VNMLA/VNMLS/VFMA/VFMS/VFNMA/VFNMS (3). Executors add the cycles
 * beyond the first, as the core expects.
 */

const DIVIDE_CYCLES = 13;
const MAC_CYCLES = 2;

/** Which operation a three-register executor performs (one factory keeps the closures monomorphic). */
const VMLA = 0;
const VMLS = 1;
const VNMLS = 2;
const VNMLA = 3;
const VMUL = 4;
const VNMUL = 5;
const VADD = 6;
const VSUB = 7;
const VDIV = 8;
const VFNMS = 9;
const VFNMA = 10;
const VFMA = 11;
const VFMS = 12;

function threeRegister(operation: number, d: number, n: number, m: number): Executor {
  switch (operation) {
    case VMLA: // S[d] = FPAdd(S[d], FPMul(S[n], S[m])) — two roundings
      return (cpu) => {
        cpu.executeFpCheck();
        const s = cpu.fpRegs;
        s[d] = fpAdd(cpu, s[d]!, fpMul(cpu, s[n]!, s[m]!));
        cpu.cycles += MAC_CYCLES;
      };
    case VMLS: // S[d] = FPAdd(S[d], FPNeg(FPMul(S[n], S[m])))
      return (cpu) => {
        cpu.executeFpCheck();
        const s = cpu.fpRegs;
        s[d] = fpAdd(cpu, s[d]!, fpNeg(fpMul(cpu, s[n]!, s[m]!)));
        cpu.cycles += MAC_CYCLES;
      };
    case VNMLS: // S[d] = FPAdd(FPNeg(S[d]), product)
      return (cpu) => {
        cpu.executeFpCheck();
        const s = cpu.fpRegs;
        s[d] = fpAdd(cpu, fpNeg(s[d]!), fpMul(cpu, s[n]!, s[m]!));
        cpu.cycles += MAC_CYCLES;
      };
    case VNMLA: // S[d] = FPAdd(FPNeg(S[d]), FPNeg(product))
      return (cpu) => {
        cpu.executeFpCheck();
        const s = cpu.fpRegs;
        s[d] = fpAdd(cpu, fpNeg(s[d]!), fpNeg(fpMul(cpu, s[n]!, s[m]!)));
        cpu.cycles += MAC_CYCLES;
      };
    case VMUL:
      return (cpu) => {
        cpu.executeFpCheck();
        const s = cpu.fpRegs;
        s[d] = fpMul(cpu, s[n]!, s[m]!);
      };
    case VNMUL: // S[d] = FPNeg(product): a NaN product has its sign flipped too
      return (cpu) => {
        cpu.executeFpCheck();
        const s = cpu.fpRegs;
        s[d] = fpNeg(fpMul(cpu, s[n]!, s[m]!));
      };
    case VADD:
      return (cpu) => {
        cpu.executeFpCheck();
        const s = cpu.fpRegs;
        s[d] = fpAdd(cpu, s[n]!, s[m]!);
      };
    case VSUB:
      return (cpu) => {
        cpu.executeFpCheck();
        const s = cpu.fpRegs;
        s[d] = fpSub(cpu, s[n]!, s[m]!);
      };
    case VDIV:
      return (cpu) => {
        cpu.executeFpCheck();
        const s = cpu.fpRegs;
        s[d] = fpDiv(cpu, s[n]!, s[m]!);
        cpu.cycles += DIVIDE_CYCLES;
      };
    case VFMA: // S[d] = FPMulAdd(S[d], S[n], S[m]) — one rounding
      return (cpu) => {
        cpu.executeFpCheck();
        const s = cpu.fpRegs;
        s[d] = fpMulAdd(cpu, s[d]!, s[n]!, s[m]!);
        cpu.cycles += MAC_CYCLES;
      };
    case VFMS: // S[d] = FPMulAdd(S[d], FPNeg(S[n]), S[m])
      return (cpu) => {
        cpu.executeFpCheck();
        const s = cpu.fpRegs;
        s[d] = fpMulAdd(cpu, s[d]!, fpNeg(s[n]!), s[m]!);
        cpu.cycles += MAC_CYCLES;
      };
    case VFNMA: // S[d] = FPMulAdd(FPNeg(S[d]), FPNeg(S[n]), S[m])
      return (cpu) => {
        cpu.executeFpCheck();
        const s = cpu.fpRegs;
        s[d] = fpMulAdd(cpu, fpNeg(s[d]!), fpNeg(s[n]!), s[m]!);
        cpu.cycles += MAC_CYCLES;
      };
    default: // VFNMS: S[d] = FPMulAdd(FPNeg(S[d]), S[n], S[m])
      return (cpu) => {
        cpu.executeFpCheck();
        const s = cpu.fpRegs;
        s[d] = fpMulAdd(cpu, fpNeg(s[d]!), s[n]!, s[m]!);
        cpu.cycles += MAC_CYCLES;
      };
  }
}

/** VFPExpandImm(imm8, 32) (A6.4.1): sign, NOT(b):Replicate(b, 5):imm8<5:4>, imm8<3:0>:Zeros(19). */
export function vfpExpandImm32(imm8: number): number {
  const b = (imm8 >>> 6) & 1;
  const exponent = ((b ^ 1) << 7) | (b === 1 ? 0b1111100 : 0) | ((imm8 >>> 4) & 3);
  return ((imm8 >>> 7) << 31) | (exponent << 23) | ((imm8 & 0xf) << 19) | 0;
}

function moveImmediate(d: number, imm32: number): Executor {
  return (cpu) => {
    cpu.executeFpCheck();
    cpu.fpRegs[d] = imm32;
  };
}

const VMOV = 0;
const VABS = 1;
const VNEG = 2;
const VSQRT = 3;

function twoRegister(operation: number, d: number, m: number): Executor {
  switch (operation) {
    case VMOV:
      return (cpu) => {
        cpu.executeFpCheck();
        cpu.fpRegs[d] = cpu.fpRegs[m]!;
      };
    case VABS:
      return (cpu) => {
        cpu.executeFpCheck();
        cpu.fpRegs[d] = fpAbs(cpu.fpRegs[m]!);
      };
    case VNEG:
      return (cpu) => {
        cpu.executeFpCheck();
        cpu.fpRegs[d] = fpNeg(cpu.fpRegs[m]!);
      };
    default:
      return (cpu) => {
        cpu.executeFpCheck();
        cpu.fpRegs[d] = fpSqrt(cpu, cpu.fpRegs[m]!);
        cpu.cycles += DIVIDE_CYCLES;
      };
  }
}

/** VCMP/VCMPE: FPSCR.NZCV = FPCompare(S[d], op2); `m` < 0 compares with +0.0. */
function compare(d: number, m: number, quietNaNExc: boolean): Executor {
  return (cpu) => {
    cpu.executeFpCheck();
    const op2 = m < 0 ? 0 : cpu.fpRegs[m]!;
    const nzcv = fpCompare(cpu, cpu.fpRegs[d]!, op2, quietNaNExc);
    cpu.fpscr = (cpu.fpscr & 0x0fffffff) | (nzcv << 28);
  };
}

/** VCVTB/VCVTT: half <-> single using the bottom (lowbit 0) or top (16) half of a register. */
function convertHalf(d: number, m: number, halfToSingle: boolean, lowbit: number): Executor {
  if (halfToSingle) {
    return (cpu) => {
      cpu.executeFpCheck();
      cpu.fpRegs[d] = fpHalfToSingle(cpu, (cpu.fpRegs[m]! >>> lowbit) & 0xffff);
    };
  }
  const keep = lowbit === 0 ? 0xffff0000 | 0 : 0xffff;
  return (cpu) => {
    cpu.executeFpCheck();
    const half = fpSingleToHalf(cpu, cpu.fpRegs[m]!);
    cpu.fpRegs[d] = (cpu.fpRegs[d]! & keep) | (half << lowbit);
  };
}

/**
 * VCVT/VCVTR between single and 32-bit integer. To integer: FPToFixed with round towards
 * zero (VCVT) or FPSCR's mode (VCVTR). From integer: FixedToFP with FPSCR's mode.
 */
function convertInteger(
  d: number,
  m: number,
  toInteger: boolean,
  unsigned: boolean,
  roundZero: boolean,
): Executor {
  if (toInteger) {
    return (cpu) => {
      cpu.executeFpCheck();
      const rmode = roundZero ? RZ : roundingMode(cpu.fpscr);
      cpu.fpRegs[d] = fpToFixed(cpu, cpu.fpRegs[m]!, 32, 0, unsigned, rmode);
    };
  }
  return (cpu) => {
    cpu.executeFpCheck();
    cpu.fpRegs[d] = fixedToFp(cpu, cpu.fpRegs[m]!, 32, 0, unsigned, roundingMode(cpu.fpscr));
  };
}

/**
 * VCVT between single and fixed point, in place on S[d]. To fixed: round towards zero,
 * result extended from `size` bits. From fixed: FixedToFP(S[d]<size-1:0>) with round to nearest,
 * whatever FPSCR.RMode says (the pseudocode passes round_to_nearest; QEMU may use FPSCR's mode).
 */
function convertFixed(
  d: number,
  toFixed: boolean,
  unsigned: boolean,
  size: number,
  fractionBits: number,
): Executor {
  if (toFixed) {
    return (cpu) => {
      cpu.executeFpCheck();
      cpu.fpRegs[d] = fpToFixed(cpu, cpu.fpRegs[d]!, size, fractionBits, unsigned, RZ);
    };
  }
  return (cpu) => {
    cpu.executeFpCheck();
    cpu.fpRegs[d] = fixedToFp(cpu, cpu.fpRegs[d]!, size, fractionBits, unsigned, RN);
  };
}

/** A6.4 decode, for hw1 = 1110 1110 xxxx xxxx and hw2 = xxxx 101x xxx0 xxxx. */
export function decodeFpDataProcessing(hw1: number, hw2: number): Executor {
  if (((hw2 >>> 8) & 1) === 1) return undefinedExecutor; // sz == 1: double precision
  const d = ((hw2 >>> 11) & 0x1e) | ((hw1 >>> 6) & 1); // Vd:D
  const n = ((hw1 & 0xf) << 1) | ((hw2 >>> 7) & 1); // Vn:N
  const m = ((hw2 & 0xf) << 1) | ((hw2 >>> 5) & 1); // Vm:M
  const opc1 = (((hw1 >>> 7) & 1) << 2) | ((hw1 >>> 4) & 3); // opc1 without D
  const op = (hw2 >>> 6) & 1; // opc3<0>
  switch (opc1) {
    case 0b000:
      return threeRegister(op === 0 ? VMLA : VMLS, d, n, m);
    case 0b001:
      return threeRegister(op === 0 ? VNMLS : VNMLA, d, n, m);
    case 0b010:
      return threeRegister(op === 0 ? VMUL : VNMUL, d, n, m);
    case 0b011:
      return threeRegister(op === 0 ? VADD : VSUB, d, n, m);
    case 0b100:
      return op === 0 ? threeRegister(VDIV, d, n, m) : undefinedExecutor;
    case 0b101:
      return threeRegister(op === 0 ? VFNMS : VFNMA, d, n, m);
    case 0b110:
      return threeRegister(op === 0 ? VFMA : VFMS, d, n, m);
    default:
      return decodeOtherDataProcessing(hw1, hw2, d, m, op);
  }
}

/** The opc1 = 1x11 rows of A6.4: VMOV immediate/register, VABS, VNEG, VSQRT, VCVT*, VCMP*. */
function decodeOtherDataProcessing(hw1: number, hw2: number, d: number, m: number, op: number): Executor {
  const opc2 = hw1 & 0xf;
  if (op === 0) return moveImmediate(d, vfpExpandImm32((opc2 << 4) | (hw2 & 0xf))); // VMOV (immediate)
  const bit7 = (hw2 >>> 7) & 1; // opc3<1>: N position, used as T, E, op or sx below
  switch (opc2) {
    case 0b0000:
      return twoRegister(bit7 === 0 ? VMOV : VABS, d, m);
    case 0b0001:
      return twoRegister(bit7 === 0 ? VNEG : VSQRT, d, m);
    case 0b0010:
    case 0b0011:
      return convertHalf(d, m, (opc2 & 1) === 0, bit7 === 1 ? 16 : 0);
    case 0b0100:
      return compare(d, m, bit7 === 1);
    case 0b0101:
      return compare(d, -1, bit7 === 1);
    case 0b1000: // to single: unsigned when op (bit 7) is 0
      return convertInteger(d, m, false, bit7 === 0, false);
    case 0b1100:
    case 0b1101: // to integer: unsigned when opc2<0> is 0; VCVT (round to zero) when bit 7 is 1
      return convertInteger(d, m, true, (opc2 & 1) === 0, bit7 === 1);
    case 0b1010:
    case 0b1011:
    case 0b1110:
    case 0b1111: {
      // 1 op 1 U: op = to fixed; sx (bit 7) = 32-bit fixed point; fraction bits = size - imm4:i
      const size = bit7 === 1 ? 32 : 16;
      const fractionBits = size - (((hw2 & 0xf) << 1) | ((hw2 >>> 5) & 1));
      if (fractionBits < 0) return undefinedExecutor; // UNPREDICTABLE
      return convertFixed(d, (opc2 & 0b0100) !== 0, (opc2 & 1) === 1, size, fractionBits);
    }
    default: // 0111 is VCVT between double and single: FPv4-SP has no doubles; 1001 is unallocated
      return undefinedExecutor;
  }
}
