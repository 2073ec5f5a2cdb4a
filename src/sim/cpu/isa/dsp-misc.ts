import { undefinedExecutor, type Executor } from './executor.js';
import { signedSat32Q } from './dsp-saturate.js';

/**
 * A5.3.15 miscellaneous operations: hw1 = 1111 1010 10 op1 Rn, hw2 = 1111 Rd 10 op2 Rm.
 * op1 = 00: QADD, QDADD, QSUB, QDSUB; 01: REV, REV16, RBIT, REVSH; 10: SEL; 11: CLZ.
 */
export function decodeMiscellaneous(op1: number, op2: number, d: number, n: number, m: number): Executor {
  if (d === 13 || d === 15 || m === 13 || m === 15) return undefinedExecutor;
  if (op1 === 0b00) {
    if (n === 13 || n === 15) return undefinedExecutor;
    return saturatingExecutor(op2, d, n, m);
  }
  // REV/REV16/RBIT/REVSH/CLZ encode Rm twice: "if !Consistent(Rm) then UNPREDICTABLE".
  if (op1 === 0b01) return n === m ? reverseExecutor(op2, d, m) : undefinedExecutor;
  if (op2 !== 0) return undefinedExecutor;
  if (op1 === 0b10) return n === 13 || n === 15 ? undefinedExecutor : selectExecutor(d, n, m);
  if (n !== m) return undefinedExecutor;
  return (cpu) => {
    cpu.r[d] = Math.clz32(cpu.r[m]!); // CLZ (A7.7)
  };
}

/**
 * QADD: SignedSat(R[m] + R[n], 32); QSUB: R[m] - R[n]; QDADD/QDSUB first saturate 2 * R[n]. Each
 * saturation sets Q (A7.7 QADD, QDADD, QSUB, QDSUB).
 */
function saturatingExecutor(op2: number, d: number, n: number, m: number): Executor {
  switch (op2) {
    case 0b00:
      return (cpu) => {
        cpu.r[d] = signedSat32Q(cpu, cpu.r[m]! + cpu.r[n]!);
      };
    case 0b01:
      return (cpu) => {
        cpu.r[d] = signedSat32Q(cpu, cpu.r[m]! + signedSat32Q(cpu, 2 * cpu.r[n]!));
      };
    case 0b10:
      return (cpu) => {
        cpu.r[d] = signedSat32Q(cpu, cpu.r[m]! - cpu.r[n]!);
      };
    default:
      return (cpu) => {
        cpu.r[d] = signedSat32Q(cpu, cpu.r[m]! - signedSat32Q(cpu, 2 * cpu.r[n]!));
      };
  }
}

/** REV, REV16, RBIT, REVSH (A7.7). */
function reverseExecutor(op2: number, d: number, m: number): Executor {
  switch (op2) {
    case 0b00:
      return (cpu) => {
        const x = cpu.r[m]!;
        cpu.r[d] = (x << 24) | ((x & 0xff00) << 8) | ((x >>> 8) & 0xff00) | (x >>> 24);
      };
    case 0b01:
      return (cpu) => {
        const x = cpu.r[m]!;
        cpu.r[d] = ((x & 0x00ff00ff) << 8) | ((x >>> 8) & 0x00ff00ff);
      };
    case 0b10:
      return (cpu) => {
        cpu.r[d] = reverseBits(cpu.r[m]!);
      };
    default:
      return (cpu) => {
        const x = cpu.r[m]!;
        cpu.r[d] = ((x << 24) >> 16) | ((x >>> 8) & 0xff);
      };
  }
}

function reverseBits(value: number): number {
  let x = value;
  x = ((x >>> 1) & 0x55555555) | ((x & 0x55555555) << 1);
  x = ((x >>> 2) & 0x33333333) | ((x & 0x33333333) << 2);
  x = ((x >>> 4) & 0x0f0f0f0f) | ((x & 0x0f0f0f0f) << 4);
  x = ((x >>> 8) & 0x00ff00ff) | ((x & 0x00ff00ff) << 8);
  return (x >>> 16) | (x << 16);
}

/** SEL (A7.7): byte i of the result comes from Rn when GE[i] is set, else from Rm. */
function selectExecutor(d: number, n: number, m: number): Executor {
  return (cpu) => {
    const ge = cpu.ge;
    // Expand GE[3:0] into a byte mask: bit i set → byte i all ones.
    const mask = ((ge & 1) * 0xff) | ((ge & 2) * 0x7f80) | ((ge & 4) * 0x3fc000) | ((ge & 8) * 0x1fe00000);
    cpu.r[d] = (cpu.r[n]! & mask) | (cpu.r[m]! & ~mask);
  };
}
