import { undefinedExecutor, type Executor } from '../isa/executor.js';
import { FPSCR_WRITABLE } from './fpscr.js';

/**
 * Transfers between core and FP registers:
 * - A6.6, 8/16/32-bit transfers: hw1 = 1110 1110 A:3 L Vn:4, hw2 = Rt:4 101 C B:2 1 xxxx —
 *   VMOV core <-> single, VMOV core <-> scalar D[x] (32-bit only),
 *   VMSR, VMRS.
 * - A6.7, 64-bit transfers: hw1 = 1110 1100 010 op Rt2:4, hw2 = Rt:4 101 C 00 M 1 Vm:4 —
 *   VMOV two cores <-> two consecutive singles, two cores <-> a double.
 * Rt = SP or PC is UNPREDICTABLE for all of them except VMRS's Rt = 15 form (APSR_nzcv); we fault.
 * Timing (TRM table 7-1): 1 cycle; the two-register VMOVs 2.
 */

function isSpOrPc(t: number): boolean {
  return t === 13 || t === 15;
}

/** VMOV S[n], R[t] / VMOV R[t], S[n]; also D[d][x] with n = 2d + x (the scalar is that S register). */
function moveSingle(toCore: boolean, n: number, t: number): Executor {
  if (toCore) {
    return (cpu) => {
      cpu.executeFpCheck();
      cpu.r[t] = cpu.fpRegs[n]!;
    };
  }
  return (cpu) => {
    cpu.executeFpCheck();
    cpu.fpRegs[n] = cpu.r[t]!;
  };
}

/** VMRS: R[t] = FPSCR, or APSR.NZCV = FPSCR.NZCV for t = 15 (the VCMP-then-branch idiom). */
function vmrs(t: number): Executor {
  if (t === 15) {
    return (cpu) => {
      cpu.executeFpCheck();
      const fpscr = cpu.fpscr;
      cpu.n = fpscr >>> 31;
      cpu.z = (fpscr >>> 30) & 1;
      cpu.c = (fpscr >>> 29) & 1;
      cpu.v = (fpscr >>> 28) & 1;
    };
  }
  return (cpu) => {
    cpu.executeFpCheck();
    cpu.r[t] = cpu.fpscr;
  };
}

/** VMSR: FPSCR = R[t], reserved bits kept at zero. */
function vmsr(t: number): Executor {
  return (cpu) => {
    cpu.executeFpCheck();
    cpu.fpscr = cpu.r[t]! & FPSCR_WRITABLE;
  };
}

/** A6.6 decode (hw2 bit 4 set within the CDP/MCR/MRC rows of cp10/cp11). */
export function decodeFpTransfer32(hw1: number, hw2: number): Executor {
  const a = (hw1 >>> 5) & 7;
  const toCore = ((hw1 >>> 4) & 1) === 1; // L
  const c = (hw2 >>> 8) & 1;
  const b = (hw2 >>> 5) & 3;
  const t = (hw2 >>> 12) & 0xf;
  if (c === 0) {
    if (a === 0b000) {
      if (isSpOrPc(t)) return undefinedExecutor;
      return moveSingle(toCore, ((hw1 & 0xf) << 1) | ((hw2 >>> 7) & 1), t); // Vn:N
    }
    if (a === 0b111) {
      // Only FPSCR (reg = 0b0001) exists on an ARMv7-M FPU (FPSID/MVFR are memory-mapped).
      if ((hw1 & 0xf) !== 0b0001) return undefinedExecutor;
      if (toCore) return t === 13 ? undefinedExecutor : vmrs(t);
      return isSpOrPc(t) ? undefinedExecutor : vmsr(t);
    }
    return undefinedExecutor;
  }
  // C = 1: scalar transfers. Only the 32-bit form (opc1<1> = 0, opc2 = 00, U = 0) is FP; the 8- and
  // 16-bit forms are Advanced SIMD, absent from ARMv7-M.
  if ((a & 0b110) !== 0 || b !== 0) return undefinedExecutor;
  if (((hw2 >>> 7) & 1) === 1) return undefinedExecutor; // D16-D31 do not exist
  if (isSpOrPc(t)) return undefinedExecutor;
  const d = hw1 & 0xf;
  return moveSingle(toCore, 2 * d + (a & 1), t);
}

/** A6.7 decode (hw1 = 1110 1100 010x xxxx). */
export function decodeFpTransfer64(hw1: number, hw2: number): Executor {
  if ((hw2 & 0xd0) !== 0x10) return undefinedExecutor; // bits 7:6 = 00, bit 4 = 1
  const toCore = ((hw1 >>> 4) & 1) === 1;
  const t2 = hw1 & 0xf;
  const t = (hw2 >>> 12) & 0xf;
  const bitM = (hw2 >>> 5) & 1;
  const vm = hw2 & 0xf;
  let m: number;
  if (((hw2 >>> 8) & 1) === 0) {
    m = (vm << 1) | bitM; // S[m], S[m+1]
    if (m === 31) return undefinedExecutor;
  } else {
    if (bitM === 1) return undefinedExecutor; // D16-D31 do not exist
    m = 2 * vm; // D[m] = S[2m+1]:S[2m]
  }
  if (isSpOrPc(t) || isSpOrPc(t2) || (toCore && t === t2)) return undefinedExecutor;
  if (toCore) {
    return (cpu) => {
      cpu.executeFpCheck();
      cpu.r[t] = cpu.fpRegs[m]!;
      cpu.r[t2] = cpu.fpRegs[m + 1]!;
      cpu.cycles += 1;
    };
  }
  return (cpu) => {
    cpu.executeFpCheck();
    cpu.fpRegs[m] = cpu.r[t]!;
    cpu.fpRegs[m + 1] = cpu.r[t2]!;
    cpu.cycles += 1;
  };
}
