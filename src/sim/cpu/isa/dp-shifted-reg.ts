import { SRType, decodeImmShift } from './alu.js';
import { shiftedRegisterOperand, type Operand } from './dp-operand.js';
import { DpOp, decodeDpOperation, moveOp } from './dp-ops.js';
import { undefinedExecutor, type Executor } from './executor.js';

const PKH = 0b0110;

/**
 * Data processing (shifted register), A5.3.11: hw1 = 1110101 op(4) S Rn, hw2 = (0) imm3 Rd imm2
 * type(2) Rm. The operand is Shift_C(R[m], DecodeImmShift(type, imm3:imm2), APSR.C) (A7.4.2).
 * A set should-be-zero bit 15 of hw2 decodes as UNDEFINED, as QEMU does.
 */
export function decodeShiftedRegister(hw1: number, hw2: number): Executor {
  if ((hw2 & 0x8000) !== 0) return undefinedExecutor;
  const op = (hw1 >>> 5) & 0xf;
  const setFlags = ((hw1 >>> 4) & 1) === 1;
  const n = hw1 & 0xf;
  const d = (hw2 >>> 8) & 0xf;
  const m = hw2 & 0xf;
  const type = (hw2 >>> 4) & 3;
  const imm5 = (((hw2 >>> 12) & 7) << 2) | ((hw2 >>> 6) & 3);
  const shift = decodeImmShift(type, imm5);
  const operand = shiftedRegisterOperand(m, shift);
  if (op === PKH) return decodePackHalfword(setFlags, type, d, n, m, operand);
  if (n === 15 && op === DpOp.ORR) {
    if (type === 0 && imm5 === 0) {
      // MOV (register) T3: "if setflags && (d IN {13,15} || m IN {13,15}) then UNPREDICTABLE;
      // if !setflags && (d == 15 || m == 15 || (d == 13 && m == 13)) then UNPREDICTABLE".
      if (
        setFlags
          ? d === 13 || d === 15 || m === 13 || m === 15
          : d === 15 || m === 15 || (d === 13 && m === 13)
      ) {
        return undefinedExecutor;
      }
      return moveOp(false, d, operand, setFlags);
    }
    // LSL/LSR/ASR/ROR (immediate) T2 and RRX T1: "if d IN {13,15} || m IN {13,15} then UNPREDICTABLE".
    if (d === 13 || d === 15 || m === 13 || m === 15) return undefinedExecutor;
    return moveOp(false, d, operand, setFlags);
  }
  // Every other row: "m IN {13,15}" is UNPREDICTABLE.
  if (m === 13 || m === 15) return undefinedExecutor;
  if (n === 15 && op === DpOp.ORN) {
    // MVN (register) T2: "if d IN {13,15} || m IN {13,15} then UNPREDICTABLE".
    if (d === 13 || d === 15) return undefinedExecutor;
    return moveOp(true, d, operand, setFlags);
  }
  // ADD/SUB (SP plus/minus register) T3/T1: "if d == 13 && (shift_t != SRType_LSL || shift_n > 3)
  // then UNPREDICTABLE".
  if (n === 13 && d === 13 && (op === DpOp.ADD || op === DpOp.SUB)) {
    if (shift.type !== SRType.LSL || shift.amount > 3) return undefinedExecutor;
  }
  return decodeDpOperation(op, setFlags, d, n, operand);
}

/**
 * PKHBT / PKHTB (A7.7 PKHBT, PKHTB): "if S == '1' || T == '1' then UNDEFINED"; tb = type<1>.
 * PKHBT takes the bottom half from R[n] and the top from the shifted R[m]; PKHTB the reverse.
 */
function decodePackHalfword(
  setFlags: boolean,
  type: number,
  d: number,
  n: number,
  m: number,
  operand: Operand,
): Executor {
  if (setFlags || (type & 1) === 1) return undefinedExecutor;
  if (d === 13 || d === 15 || n === 13 || n === 15 || m === 13 || m === 15) return undefinedExecutor;
  if (type === 0) {
    return (cpu) => {
      cpu.r[d] = (operand(cpu) & 0xffff0000) | (cpu.r[n]! & 0xffff);
    };
  }
  return (cpu) => {
    cpu.r[d] = (cpu.r[n]! & 0xffff0000) | (operand(cpu) & 0xffff);
  };
}
