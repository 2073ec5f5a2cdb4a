import { undefinedExecutor, type Executor } from './executor.js';
import { BYTE, HALF, SIGNED_BYTE, SIGNED_HALF, WORD, type AccessKind } from './ldst-common.js';
import {
  loadIndexed,
  loadLiteral,
  loadOffsetImm,
  loadOffsetReg,
  loadUnprivileged,
  storeIndexed,
  storeOffsetImm,
  storeOffsetReg,
  storeUnprivileged,
} from './ldst-single.js';

/**
 * 32-bit single loads and stores: A5.3.7 load word, A5.3.8 load halfword and unallocated hints,
 * A5.3.9 load byte and PLD/PLI, A5.3.10 store single data. hw1 = 1111 100 S I size L Rn where S
 * (hw1[8]) sign-extends, I (hw1[7]) selects the 12-bit immediate, size (hw1[6:5]) is byte/half/word
 * and L (hw1[4]) is load. hw2 = Rt:op2(6):... as in the tables.
 */

/** PLD, PLI and the unallocated memory hints (A5.3.8/A5.3.9): no architectural effect on this core. */
const hintExecutor: Executor = () => {
  // A hint: nothing to do (the STM32F4 has no data cache to preload).
};

const UNSIGNED_KINDS: readonly AccessKind[] = [BYTE, HALF, WORD];
const SIGNED_KINDS: readonly AccessKind[] = [SIGNED_BYTE, SIGNED_HALF];

export function decodeSingle32(hw1: number, hw2: number, address: number): Executor {
  const size = (hw1 >>> 5) & 0b11;
  if (size === 0b11) return undefinedExecutor; // 00xx111: UNDEFINED
  return ((hw1 >>> 4) & 1) === 1 ? decodeLoad(hw1, hw2, address, size) : decodeStore(hw1, hw2, size);
}

function decodeLoad(hw1: number, hw2: number, address: number, size: number): Executor {
  const signed = ((hw1 >>> 8) & 1) === 1;
  if (signed && size === 2) return undefinedExecutor; // A5.3.7: op1 = 1x is UNDEFINED for words
  const kind = (signed ? SIGNED_KINDS : UNSIGNED_KINDS)[size]!;
  const isWord = size === 2;
  const n = hw1 & 0xf;
  const t = hw2 >>> 12;
  // Byte/halfword loads name R13 only UNPREDICTABLY; with Rt = PC most forms are hints instead.
  const badNarrowTarget = !isWord && t === 13;
  const hint = !isWord && t === 15;

  if (n === 15) {
    // LDR<x> (literal): U is hw1[7]; Align(PC, 4) ± imm12 with PC = address + 4 is fixed.
    const imm12 = hw2 & 0xfff;
    if (hint) return hintExecutor; // PLD/PLI (literal), unallocated hint
    if (badNarrowTarget) return undefinedExecutor;
    const base = (address + 4) & ~3;
    return loadLiteral(kind, t, ((hw1 >>> 7) & 1) === 1 ? base + imm12 : base - imm12);
  }
  if (((hw1 >>> 7) & 1) === 1) {
    if (hint) return hintExecutor; // PLD/PLI (immediate) T1, unallocated hint
    if (badNarrowTarget) return undefinedExecutor;
    return loadOffsetImm(kind, t, n, hw2 & 0xfff); // LDR<x> Rt, [Rn, #imm12]
  }
  const op2 = (hw2 >>> 6) & 0x3f;
  if (op2 === 0) {
    const m = hw2 & 0xf;
    if (m === 13 || m === 15) return undefinedExecutor;
    if (hint) return hintExecutor; // PLD/PLI (register), unallocated hint
    if (badNarrowTarget) return undefinedExecutor;
    return loadOffsetReg(kind, t, n, m, (hw2 >>> 4) & 0b11); // LDR<x> Rt, [Rn, Rm, LSL #imm2]
  }
  if ((op2 & 0b100000) === 0) return undefinedExecutor;
  const p = (hw2 >>> 10) & 1;
  const u = (hw2 >>> 9) & 1;
  const w = (hw2 >>> 8) & 1;
  const imm8 = hw2 & 0xff;
  if (p === 1 && u === 1 && w === 0) {
    // LDRT/LDRBT/LDRHT/LDRSBT/LDRSHT
    if (t === 13 || t === 15) return undefinedExecutor;
    return loadUnprivileged(kind, t, n, imm8);
  }
  if (p === 0 && w === 0) return undefinedExecutor;
  if (w === 0) {
    // P = 1, U = 0: LDR<x> Rt, [Rn, #-imm8]
    if (hint) return hintExecutor; // PLD/PLI (immediate) T2, unallocated hint
    if (badNarrowTarget) return undefinedExecutor;
    return loadOffsetImm(kind, t, n, -imm8);
  }
  // Pre- or post-indexed with writeback (POP T3 is LDR Rt, [SP], #4).
  if (t === n || badNarrowTarget || hint) return undefinedExecutor;
  return loadIndexed(kind, t, n, u === 1 ? imm8 : -imm8, p === 1);
}

function decodeStore(hw1: number, hw2: number, size: number): Executor {
  if (((hw1 >>> 8) & 1) === 1) return undefinedExecutor; // 001xxx0: UNDEFINED
  const kind = UNSIGNED_KINDS[size]!;
  const n = hw1 & 0xf;
  const t = hw2 >>> 12;
  if (n === 15 || t === 15 || (size !== 2 && t === 13)) return undefinedExecutor;
  if (((hw1 >>> 7) & 1) === 1) return storeOffsetImm(kind, t, n, hw2 & 0xfff); // STR<x> Rt, [Rn, #imm12]
  const op2 = (hw2 >>> 6) & 0x3f;
  if (op2 === 0) {
    const m = hw2 & 0xf;
    if (m === 13 || m === 15) return undefinedExecutor;
    return storeOffsetReg(kind, t, n, m, (hw2 >>> 4) & 0b11); // STR<x> Rt, [Rn, Rm, LSL #imm2]
  }
  if ((op2 & 0b100000) === 0) return undefinedExecutor;
  const p = (hw2 >>> 10) & 1;
  const u = (hw2 >>> 9) & 1;
  const w = (hw2 >>> 8) & 1;
  const imm8 = hw2 & 0xff;
  if (p === 1 && u === 1 && w === 0) {
    if (t === 13) return undefinedExecutor;
    return storeUnprivileged(kind, t, n, imm8); // STRT/STRBT/STRHT
  }
  if (p === 0 && w === 0) return undefinedExecutor;
  if (w === 0) return storeOffsetImm(kind, t, n, -imm8); // STR<x> Rt, [Rn, #-imm8]
  if (t === n) return undefinedExecutor;
  return storeIndexed(kind, t, n, u === 1 ? imm8 : -imm8, p === 1); // PUSH T3 is STR Rt, [SP, #-4]!
}
