import { decodeCoprocessor } from '../fpu/decode.js';
import { decodeThumb16LoadStore, decodeThumb32LoadStore } from './load-store.js';
import { decodeThumb32Branch, decodeThumb32DataProcessing } from './thumb32.js';
import { decodeThumb16 } from './thumb16.js';
import { decodeThumb32Multiply, decodeThumb32Register } from './register32.js';
import type { Executor } from './executor.js';

/**
 * Top-level Thumb decode (ARMv7-M ARM A5.1–A5.3). `hw2` is -1 for a 16-bit instruction. Each encoding
 * space is decoded in its own module; the split follows the manual's tables so a reader can check
 * one table against one file.
 */
export function decodeThumb(hw1: number, hw2: number, address: number): Executor {
  if (hw2 < 0) {
    return decodeThumb16LoadStore(hw1, address) ?? decodeThumb16(hw1, address);
  }
  const op1 = (hw1 >>> 11) & 0b11;
  const op2 = (hw1 >>> 4) & 0x7f;
  const op = hw2 >>> 15;
  switch (op1) {
    case 0b01:
      if ((op2 & 0b1100100) === 0b0000000 || (op2 & 0b1100100) === 0b0000100) {
        return decodeThumb32LoadStore(hw1, hw2, address); // A5.3.5 multiple, A5.3.6 dual/exclusive/TBB
      }
      if ((op2 & 0b1100000) === 0b0100000) return decodeThumb32DataProcessing(hw1, hw2, address); // A5.3.11
      return decodeCoprocessor(hw1, hw2, address); // A5.3.18
    case 0b10:
      if (op === 0) return decodeThumb32DataProcessing(hw1, hw2, address); // A5.3.1, A5.3.3
      return decodeThumb32Branch(hw1, hw2, address); // A5.3.4
    default: // 0b11
      if ((op2 & 0b1000000) !== 0) return decodeCoprocessor(hw1, hw2, address);
      if ((op2 & 0b1110000) === 0b0100000) return decodeThumb32Register(hw1, hw2, address); // A5.3.12
      if ((op2 & 0b1111000) === 0b0110000 || (op2 & 0b1111000) === 0b0111000) {
        return decodeThumb32Multiply(hw1, hw2, address); // A5.3.16, A5.3.17
      }
      return decodeThumb32LoadStore(hw1, hw2, address); // A5.3.7–A5.3.10
  }
}
