import type { Cpu } from '../cpu.js';
import { CFSR } from '../../../arch/armv7m/scb.js';
import { undefinedExecutor, type Executor } from './executor.js';
import { ACCESS_CYCLES, REFILL_CYCLES, checkPcLoadInIt, setReg } from './ldst-common.js';

/**
 * A5.3.6: load/store dual (LDRD, LDRD literal, STRD), load/store exclusive (LDREX/B/H,
 * STREX/B/H) and table branch (TBB/TBH); the semantics follow their A7.7 pseudocode.
 * hw1 = 1110 100 P U 1 W L Rn.
 */
export function decodeDualExclusiveTable(hw1: number, hw2: number, address: number): Executor {
  const p = (hw1 >>> 8) & 1;
  const u = (hw1 >>> 7) & 1;
  const w = (hw1 >>> 5) & 1;
  const isLoad = ((hw1 >>> 4) & 1) === 1;
  const n = hw1 & 0xf;
  const t = hw2 >>> 12;
  const t2 = (hw2 >>> 8) & 0xf;
  if (p === 0 && w === 0) {
    return u === 0
      ? decodeExclusiveWord(isLoad, n, t, t2, (hw2 & 0xff) << 2)
      : decodeExclusiveByteHalf(hw1, hw2);
  }
  const imm = u === 1 ? (hw2 & 0xff) << 2 : -((hw2 & 0xff) << 2);
  const index = p === 1;
  const wback = w === 1;
  if (t === 13 || t === 15 || t2 === 13 || t2 === 15) return undefinedExecutor;
  if (isLoad) {
    if (t === t2) return undefinedExecutor;
    if (n === 15) {
      // LDRD (literal): the writeback form is UNPREDICTABLE; the address is Align(PC, 4) ± imm.
      if (wback) return undefinedExecutor;
      return loadDual(t, t2, 15, ((address + 4) & ~3) + imm, true, false);
    }
    if (wback && (n === t || n === t2)) return undefinedExecutor;
    return loadDual(t, t2, n, imm, index, wback);
  }
  if (n === 15 || (wback && (n === t || n === t2))) return undefinedExecutor;
  return storeDual(t, t2, n, imm, index, wback);
}

/**
 * LDRD Rt, Rt2, [Rn, #imm]{!} / [Rn], #imm. For the literal form n is 15 and `imm` is the whole
 * address, computed at decode time; the base then counts as 0.
 */
function loadDual(t: number, t2: number, n: number, imm: number, index: boolean, wback: boolean): Executor {
  return (cpu) => {
    const base = n === 15 ? 0 : cpu.r[n]!;
    const offsetAddress = (base + imm) | 0;
    const address = index ? offsetAddress : base;
    const first = cpu.read32Aligned(address);
    const second = cpu.read32Aligned((address + 4) | 0);
    if (wback) setReg(cpu, n, offsetAddress);
    cpu.r[t] = first;
    cpu.r[t2] = second;
    cpu.cycles += 2 * ACCESS_CYCLES;
  };
}

/** STRD Rt, Rt2, [Rn, #imm]{!} / [Rn], #imm. */
function storeDual(t: number, t2: number, n: number, imm: number, index: boolean, wback: boolean): Executor {
  return (cpu) => {
    const base = cpu.r[n]!;
    const offsetAddress = (base + imm) | 0;
    const address = index ? offsetAddress : base;
    cpu.write32Aligned(address, cpu.r[t]!);
    cpu.write32Aligned((address + 4) | 0, cpu.r[t2]!);
    if (wback) setReg(cpu, n, offsetAddress);
    cpu.cycles += 2 * ACCESS_CYCLES;
  };
}

/** LDREX Rt, [Rn, #imm] / STREX Rd, Rt, [Rn, #imm] (Rd is in hw2[11:8] for STREX). */
function decodeExclusiveWord(isLoad: boolean, n: number, t: number, d: number, imm: number): Executor {
  if (n === 15 || t === 13 || t === 15) return undefinedExecutor;
  if (isLoad) {
    if (d !== 15) return undefinedExecutor; // hw2[11:8] is (1)(1)(1)(1)
    return loadExclusive(t, n, imm, 4);
  }
  if (d === 13 || d === 15 || d === n || d === t) return undefinedExecutor;
  return storeExclusive(d, t, n, imm, 4);
}

/** LDREXB/LDREXH/TBB/TBH and STREXB/STREXH: hw1 = 1110 1000 110L Rn, selected by hw2[7:4]. */
function decodeExclusiveByteHalf(hw1: number, hw2: number): Executor {
  const isLoad = ((hw1 >>> 4) & 1) === 1;
  const n = hw1 & 0xf;
  const t = hw2 >>> 12;
  const op3 = (hw2 >>> 4) & 0xf;
  const rd = hw2 & 0xf;
  if (isLoad && (op3 === 0b0000 || op3 === 0b0001)) {
    // TBB/TBH: hw2 = (1)(1)(1)(1) (0)(0)(0)(0) 000H Rm.
    if ((hw2 & 0xff00) !== 0xf000 || n === 13 || rd === 13 || rd === 15) return undefinedExecutor;
    return tableBranch(n, rd, op3 === 0b0001);
  }
  if (op3 !== 0b0100 && op3 !== 0b0101) return undefinedExecutor;
  const size = op3 === 0b0100 ? 1 : 2;
  if (n === 15 || t === 13 || t === 15 || ((hw2 >>> 8) & 0xf) !== 0xf) return undefinedExecutor;
  if (isLoad) {
    if (rd !== 0xf) return undefinedExecutor; // LDREXB/H: hw2[3:0] is (1)(1)(1)(1)
    return loadExclusive(t, n, 0, size);
  }
  if (rd === 13 || rd === 15 || rd === n || rd === t) return undefinedExecutor;
  return storeExclusive(rd, t, n, 0, size);
}

/** R[t] = MemA[address, size] (zero-extended), then SetExclusiveMonitors(address, size). */
function loadExclusive(t: number, n: number, imm: number, size: number): Executor {
  return (cpu) => {
    const address = (cpu.r[n]! + imm) | 0;
    cpu.r[t] = readAligned(cpu, address, size);
    cpu.setExclusiveMonitor(address);
    cpu.cycles += ACCESS_CYCLES;
  };
}

/**
 * ExclusiveMonitorsPass(address, size) checks alignment before anything else (A3.4), so an
 * unaligned STREX faults whether or not the monitor would pass. R[d] = 0 on success, 1 on failure.
 */
function storeExclusive(d: number, t: number, n: number, imm: number, size: number): Executor {
  return (cpu) => {
    const address = (cpu.r[n]! + imm) | 0;
    if ((address & (size - 1)) !== 0) cpu.usageFault(CFSR.UNALIGNED);
    if (cpu.exclusiveMonitorsPass(address)) {
      const value = cpu.r[t]!;
      if (size === 4) cpu.write32(address, value);
      else if (size === 2) cpu.write16(address, value);
      else cpu.write8(address, value);
      cpu.r[d] = 0;
    } else {
      cpu.r[d] = 1;
    }
    cpu.cycles += ACCESS_CYCLES;
  };
}

function readAligned(cpu: Cpu, address: number, size: number): number {
  if (size === 4) return cpu.read32Aligned(address);
  if (size === 2) return cpu.read16Aligned(address);
  return cpu.read8(address);
}

/**
 * TBB [Rn, Rm] / TBH [Rn, Rm, LSL #1]: BranchWritePC(PC + 2 * entry). UNPREDICTABLE inside an IT
 * block unless last (we fault). Timing: 2 + P cycles (TRM 3.3.1).
 */
function tableBranch(n: number, m: number, halfword: boolean): Executor {
  return (cpu) => {
    checkPcLoadInIt(cpu);
    const r = cpu.r;
    const entry = halfword ? cpu.read16((r[n]! + (r[m]! << 1)) | 0) : cpu.read8((r[n]! + r[m]!) | 0);
    cpu.branchWritePc((r[15]! + 2 * entry) | 0);
    cpu.cycles += ACCESS_CYCLES + REFILL_CYCLES;
  };
}
