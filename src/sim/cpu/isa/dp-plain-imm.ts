import { decodeBitfield, decodeSaturate } from './dp-bitfield.js';
import { undefinedExecutor, type Executor } from './executor.js';

/**
 * Data processing (plain binary immediate), A5.3.3: hw1 = 11110 i 1 op(5) Rn, hw2 = 0 imm3 Rd imm8.
 * This file has the wide adds and moves; saturation and bitfields are in dp-bitfield.ts.
 */
export function decodePlainImmediate(hw1: number, hw2: number, address: number): Executor {
  const op = (hw1 >>> 4) & 0x1f;
  const n = hw1 & 0xf;
  const d = (hw2 >>> 8) & 0xf;
  const imm12 = (((hw1 >>> 10) & 1) << 11) | (((hw2 >>> 12) & 7) << 8) | (hw2 & 0xff);
  switch (op) {
    case 0b00000:
      return decodeAddSubWide(false, d, n, imm12, address);
    case 0b01010:
      return decodeAddSubWide(true, d, n, imm12, address);
    case 0b00100:
    case 0b01100: {
      // MOV (immediate) T3 = MOVW, and MOVT: imm16 = imm4:i:imm3:imm8; "if d IN {13,15} then
      // UNPREDICTABLE".
      if (d === 13 || d === 15) return undefinedExecutor;
      const imm16 = (n << 12) | imm12;
      if (op === 0b00100) {
        return (cpu) => {
          cpu.r[d] = imm16;
        };
      }
      const high = imm16 << 16;
      return (cpu) => {
        cpu.r[d] = (cpu.r[d]! & 0xffff) | high;
      };
    }
    case 0b10000:
    case 0b10010:
    case 0b11000:
    case 0b11010:
      return decodeSaturate(hw1, hw2);
    case 0b10100:
    case 0b10110:
    case 0b11100:
      return decodeBitfield(hw1, hw2);
    default:
      return undefinedExecutor;
  }
}

/**
 * ADDW/SUBW: ADD (immediate) T4, SUB (immediate) T4, their SP forms (ADD/SUB SP plus/minus
 * immediate T4/T3) and ADR T3/T2 when Rn = PC. ADR's value Align(PC, 4) ± imm32 is a decode-time
 * constant (PC = address + 4). No flags.
 */
function decodeAddSubWide(subtract: boolean, d: number, n: number, imm12: number, address: number): Executor {
  const imm32 = subtract ? -imm12 : imm12;
  if (n === 15) {
    // ADR: "if d IN {13,15} then UNPREDICTABLE".
    if (d === 13 || d === 15) return undefinedExecutor;
    const value = (((address + 4) & ~3) + imm32) | 0;
    return (cpu) => {
      cpu.r[d] = value;
    };
  }
  if (n === 13) {
    // SP plus/minus immediate T4/T3: "if d == 15 then UNPREDICTABLE"; d = 13 writes SP.
    if (d === 15) return undefinedExecutor;
    if (d === 13)
      return (cpu) => {
        cpu.writeSp(cpu.r[13]! + imm32);
      };
  } else if (d === 13 || d === 15) {
    return undefinedExecutor; // ADD/SUB (immediate) T4: "if d IN {13,15} then UNPREDICTABLE"
  }
  return (cpu) => {
    cpu.r[d] = cpu.r[n]! + imm32;
  };
}
