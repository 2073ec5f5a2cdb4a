import { thumbExpandImm, thumbExpandImmCarry } from './alu.js';
import { immediateOperand } from './dp-operand.js';
import { DpOp, decodeDpOperation, moveOp } from './dp-ops.js';
import { undefinedExecutor, type Executor } from './executor.js';

/**
 * Data processing (modified immediate), A5.3.1: hw1 = 11110 i 0 op(4) S Rn, hw2 = 0 imm3 Rd imm8.
 * The operand is ThumbExpandImm_C(i:imm3:imm8, APSR.C) (A5.3.2); its carry matters only to the
 * flag-setting logical instructions, and is a decode-time constant unless it is APSR.C.
 */
export function decodeModifiedImmediate(hw1: number, hw2: number): Executor {
  const op = (hw1 >>> 5) & 0xf;
  const setFlags = ((hw1 >>> 4) & 1) === 1;
  const n = hw1 & 0xf;
  const d = (hw2 >>> 8) & 0xf;
  const imm12 = (((hw1 >>> 10) & 1) << 11) | (((hw2 >>> 12) & 7) << 8) | (hw2 & 0xff);
  const operand = immediateOperand(thumbExpandImm(imm12), thumbExpandImmCarry(imm12));
  if (n === 15 && (op === DpOp.ORR || op === DpOp.ORN)) {
    // MOV (immediate) T2 / MVN (immediate) T1: "if d IN {13,15} then UNPREDICTABLE".
    if (d === 13 || d === 15) return undefinedExecutor;
    return moveOp(op === DpOp.ORN, d, operand, setFlags);
  }
  return decodeDpOperation(op, setFlags, d, n, operand);
}
