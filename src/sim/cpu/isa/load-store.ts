import { undefinedExecutor, type Executor } from './executor.js';
import { decodeSingle32 } from './ldst-decode32.js';
import { decodeDualExclusiveTable } from './ldst-dual.js';
import { BYTE, HALF, SIGNED_BYTE, SIGNED_HALF, WORD, type AccessKind } from './ldst-common.js';
import { decodeLoadStoreMultiple32, loadMultiple, storeMultiple } from './ldst-multiple.js';
import { loadLiteral, loadOffsetImm, loadOffsetReg, storeOffsetImm, storeOffsetReg } from './ldst-single.js';

/** A5.2.4 register-offset forms by opB = hw[11:9]: STR STRH STRB LDRSB LDR LDRH LDRB LDRSH. */
const REGISTER_FORMS: readonly AccessKind[] = [WORD, HALF, BYTE, SIGNED_BYTE, WORD, HALF, BYTE, SIGNED_HALF];

/**
 * 16-bit loads/stores (A5.2): LDR literal, load/store single data (A5.2.4), PUSH/POP (A5.2.5),
 * STM/LDM. Anything else returns undefined for the other 16-bit decoder.
 */
export function decodeThumb16LoadStore(hw: number, address: number): Executor | undefined {
  const op = hw >>> 10; // hw[15:10]
  const low3 = (hw >>> 3) & 7;
  const t = hw & 7;
  switch (op >>> 2) {
    case 0b0100:
      if ((op & 0b10) === 0) return undefined; // 010000/010001: data processing, special data
      // LDR Rt, <label> (T1): Align(PC, 4) + imm8 * 4, with PC = address + 4.
      return loadLiteral(WORD, (hw >>> 8) & 7, ((address + 4) & ~3) + ((hw & 0xff) << 2));
    case 0b0101: {
      const opB = (hw >>> 9) & 7;
      const m = (hw >>> 6) & 7;
      const kind = REGISTER_FORMS[opB]!;
      return opB < 3 ? storeOffsetReg(kind, t, low3, m, 0) : loadOffsetReg(kind, t, low3, m, 0);
    }
    case 0b0110:
    case 0b0111:
    case 0b1000: {
      // STR/LDR imm5*4, STRB/LDRB imm5, STRH/LDRH imm5*2.
      const kind = op >>> 2 === 0b0110 ? WORD : op >>> 2 === 0b0111 ? BYTE : HALF;
      const scale = kind === WORD ? 2 : kind === HALF ? 1 : 0;
      const imm = ((hw >>> 6) & 0x1f) << scale;
      return (hw & 0x800) === 0 ? storeOffsetImm(kind, t, low3, imm) : loadOffsetImm(kind, t, low3, imm);
    }
    case 0b1001: {
      // STR/LDR Rt, [SP, #imm8*4].
      const rt = (hw >>> 8) & 7;
      const imm = (hw & 0xff) << 2;
      return (hw & 0x800) === 0 ? storeOffsetImm(WORD, rt, 13, imm) : loadOffsetImm(WORD, rt, 13, imm);
    }
    case 0b1011:
      return decodePushPop(hw);
    case 0b1100: {
      // STM Rn!, {list} always writes back; LDM Rn{!}, {list} writes back unless Rn is in the list.
      const n = (hw >>> 8) & 7;
      const list = hw & 0xff;
      if (list === 0) return undefinedExecutor; // BitCount(registers) < 1: UNPREDICTABLE
      if ((hw & 0x800) === 0) return storeMultiple(n, list, true, false);
      return loadMultiple(n, list, ((list >>> n) & 1) === 0, false);
    }
    default:
      return undefined;
  }
}

/** PUSH (1011 010M list) and POP (1011 110P list) in the miscellaneous table (A5.2.5). */
function decodePushPop(hw: number): Executor | undefined {
  const op = (hw >>> 9) & 7;
  if (op !== 0b010 && op !== 0b110) return undefined;
  const extra = (hw >>> 8) & 1;
  const low = hw & 0xff;
  if (low === 0 && extra === 0) return undefinedExecutor; // BitCount(registers) < 1: UNPREDICTABLE
  if (op === 0b010) return storeMultiple(13, low | (extra << 14), true, true); // PUSH {.., LR}
  return loadMultiple(13, low | (extra << 15), true, false); // POP {.., PC}
}

/**
 * 32-bit load/store (A5.3.5–A5.3.10). decode.ts sends two groups here: hw1[12:11] = 01 with
 * hw1[10:9] = 00 (multiple when hw1[6] = 0, dual/exclusive/table branch when 1) and hw1[12:11] = 11
 * with hw1[10:9] = 00 (single data).
 */
export function decodeThumb32LoadStore(hw1: number, hw2: number, address: number): Executor {
  if (((hw1 >>> 11) & 0b11) === 0b01) {
    if (((hw1 >>> 6) & 1) === 0) return decodeLoadStoreMultiple32(hw1, hw2);
    return decodeDualExclusiveTable(hw1, hw2, address);
  }
  return decodeSingle32(hw1, hw2, address);
}
