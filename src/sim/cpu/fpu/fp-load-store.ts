import type { Cpu } from '../cpu.js';
import { undefinedExecutor, type Executor } from '../isa/executor.js';

/**
 * Extension register loads and stores (ARMv7-M A6.5; A7.7 VLDM, VLDR, VPOP, VPUSH, VSTM, VSTR):
 *
 *   hw1 = 1110 110 P U D W L Rn       hw2 = Vd:4 101 sz imm8
 *
 * sz selects single (S = Vd:D) or double (D = D:Vd) registers; FPv4-SP has D0-D15 only, so D = 1
 * with doubles is UNPREDICTABLE, as are empty lists and lists running past the last register. All
 * accesses are MemA (word-aligned, else UsageFault UNALIGNED). A double is two words, the lower
 * address in S[2d] (little-endian: D[d] = word2:word1).
 *
 * Loads stage the words first, so a faulting access leaves every register (and Rn) unchanged.
 * Timing (Cortex-M4 TRM table 7-1): VLDR/VSTR 2 cycles, VLDM/VSTM/VPUSH/VPOP 1 + one per word.
 */

const staged = new Int32Array(32);

/** R[n] = value with the SP's alignment rule (B1.4.1): n is never 15 here. */
function writeBase(cpu: Cpu, n: number, value: number): void {
  if (n === 13) cpu.writeSp(value);
  else cpu.r[n] = value;
}

/** VLDR/VSTR of `words` (1 or 2) consecutive S registers from `s` at R[n] + offset (U's sign included). */
function transferOne(load: boolean, s: number, words: number, n: number, offset: number): Executor {
  if (load) {
    return (cpu) => {
      cpu.executeFpCheck();
      const address = (cpu.r[n]! + offset) | 0;
      const word1 = cpu.read32Aligned(address);
      if (words === 2) cpu.fpRegs[s + 1] = cpu.read32Aligned((address + 4) | 0);
      cpu.fpRegs[s] = word1;
      cpu.cycles += 1;
    };
  }
  return (cpu) => {
    cpu.executeFpCheck();
    const address = (cpu.r[n]! + offset) | 0;
    cpu.write32Aligned(address, cpu.fpRegs[s]!);
    if (words === 2) cpu.write32Aligned((address + 4) | 0, cpu.fpRegs[s + 1]!);
    cpu.cycles += 1;
  };
}

/** VLDR (literal): the address Align(PC, 4) +/- imm32 is known at decode time. */
function loadLiteral(s: number, words: number, address: number): Executor {
  return (cpu) => {
    cpu.executeFpCheck();
    const word1 = cpu.read32Aligned(address);
    if (words === 2) cpu.fpRegs[s + 1] = cpu.read32Aligned((address + 4) | 0);
    cpu.fpRegs[s] = word1;
    cpu.cycles += 1;
  };
}

/**
 * VLDM/VSTM of `words` consecutive S registers from `s`: increment after (`add`) or decrement before,
 * optionally writing the final address back to Rn (VPUSH = VSTMDB SP!, VPOP = VLDMIA SP!).
 */
function transferMultiple(
  load: boolean,
  s: number,
  words: number,
  n: number,
  add: boolean,
  wback: boolean,
): Executor {
  const size = 4 * words;
  if (load) {
    return (cpu) => {
      cpu.executeFpCheck();
      const base = cpu.r[n]!;
      const start = add ? base : (base - size) | 0;
      for (let i = 0; i < words; i++) staged[i] = cpu.read32Aligned((start + 4 * i) | 0);
      if (wback) writeBase(cpu, n, add ? (base + size) | 0 : start);
      const registers = cpu.fpRegs;
      for (let i = 0; i < words; i++) registers[s + i] = staged[i]!;
      cpu.cycles += words;
    };
  }
  return (cpu) => {
    cpu.executeFpCheck();
    const base = cpu.r[n]!;
    const start = add ? base : (base - size) | 0;
    const registers = cpu.fpRegs;
    for (let i = 0; i < words; i++) cpu.write32Aligned((start + 4 * i) | 0, registers[s + i]!);
    if (wback) writeBase(cpu, n, add ? (base + size) | 0 : start);
    cpu.cycles += words;
  };
}

/** A6.5 decode (P U D W L other than the 64-bit transfer rows, which decode.ts routes elsewhere). */
export function decodeFpLoadStore(hw1: number, hw2: number, address: number): Executor {
  const p = (hw1 >>> 8) & 1;
  const u = (hw1 >>> 7) & 1;
  const w = (hw1 >>> 5) & 1;
  const load = ((hw1 >>> 4) & 1) === 1;
  const n = hw1 & 0xf;
  const double = ((hw2 >>> 8) & 1) === 1;
  const bitD = (hw1 >>> 6) & 1;
  const vd = (hw2 >>> 12) & 0xf;
  const imm8 = hw2 & 0xff;
  if (double && bitD === 1) return undefinedExecutor; // D16-D31 do not exist
  const s = double ? 2 * vd : (vd << 1) | bitD; // first S register
  const imm32 = imm8 << 2;

  if (p === 1 && w === 0) {
    // VLDR/VSTR
    const offset = u === 1 ? imm32 : -imm32;
    const words = double ? 2 : 1;
    if (n === 15) {
      if (!load) return undefinedExecutor; // VSTR with PC base: UNPREDICTABLE in Thumb
      return loadLiteral(s, words, (((address + 4) & ~3) + offset) | 0);
    }
    return transferOne(load, s, words, n, offset);
  }
  // VLDM/VSTM: increment after (P=0 U=1, W optional) or decrement before with writeback (P=1 U=0 W=1).
  const incrementAfter = p === 0 && u === 1;
  if (!incrementAfter && !(p === 1 && u === 0 && w === 1)) return undefinedExecutor;
  if (n === 15) return undefinedExecutor; // UNPREDICTABLE in Thumb
  let words: number;
  if (double) {
    // An odd imm8 is FLDMX/FSTMX in ARMv7-A; ARMv7-M has no such thing: UNPREDICTABLE.
    if ((imm8 & 1) === 1) return undefinedExecutor;
    const regs = imm8 >>> 1;
    if (regs === 0 || regs > 16 || vd + regs > 16) return undefinedExecutor;
    words = 2 * regs;
  } else {
    if (imm8 === 0 || s + imm8 > 32) return undefinedExecutor;
    words = imm8;
  }
  return transferMultiple(load, s, words, n, incrementAfter, w === 1);
}
