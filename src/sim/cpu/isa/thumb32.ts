import { decodeBranchMiscControl } from './branch-thumb32.js';
import { decodeModifiedImmediate } from './dp-modified-imm.js';
import { decodePlainImmediate } from './dp-plain-imm.js';
import { decodeShiftedRegister } from './dp-shifted-reg.js';
import type { Executor } from './executor.js';

/**
 * 32-bit data processing (A5.3). decode.ts sends here hw1[15:11] = 11101 with op2 = 01xxxxx
 * (shifted register, A5.3.11) and hw1[15:11] = 11110 with hw2[15] = 0, where hw1[9] selects
 * modified immediate (A5.3.1) or plain binary immediate (A5.3.3).
 */
export function decodeThumb32DataProcessing(hw1: number, hw2: number, address: number): Executor {
  if (hw1 >>> 11 === 0b11101) return decodeShiftedRegister(hw1, hw2);
  if ((hw1 & 0x200) === 0) return decodeModifiedImmediate(hw1, hw2);
  return decodePlainImmediate(hw1, hw2, address);
}

/** Branches and miscellaneous control (A5.3.4): see branch-thumb32.ts. */
export function decodeThumb32Branch(hw1: number, hw2: number, address: number): Executor {
  return decodeBranchMiscControl(hw1, hw2, address);
}
