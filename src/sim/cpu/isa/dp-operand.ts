import type { Cpu } from '../cpu.js';
import { SRType, type ImmShift } from './alu.js';
import { withSource } from './inline-source.js';

/**
 * The second operand of a 32-bit data-processing instruction, built once at decode time: either a
 * ThumbExpandImm_C constant (A5.3.2) or a register shifted by a constant (DecodeImmShift + Shift_C,
 * A7.4.2). It returns the operand and leaves the shifter carry_out in `cpu.shifterCarry`, which only
 * the flag-setting logical instructions read. Operands have inline sources too (inline-source.ts):
 * statements that leave the operand in a local `op_`, which dp-ops.ts pastes into its own sources.
 */
export type Operand = (cpu: Cpu) => number;

/**
 * An immediate with its ThumbExpandImm_C carry: `carry` is 0/1, or -1 for "carry_in" (APSR.C).
 * Non-flag-setting users ignore the carry, so they may pass -1.
 */
export function immediateOperand(imm32: number, carry: number): Operand {
  const value = imm32 | 0;
  if (carry < 0) {
    return withSource((cpu) => {
      cpu.shifterCarry = cpu.c;
      return value;
    }, `cpu.shifterCarry = cpu.c; const op_ = ${value};`);
  }
  return withSource((cpu) => {
    cpu.shifterCarry = carry;
    return value;
  }, `cpu.shifterCarry = ${carry}; const op_ = ${value};`);
}

/** `Shift_C(R[m], shift_t, shift_n, APSR.C)`, specialised for the decoded shift. */
export function shiftedRegisterOperand(m: number, shift: ImmShift): Operand {
  const amount = shift.amount;
  if (amount === 0) {
    return withSource((cpu) => {
      cpu.shifterCarry = cpu.c;
      return cpu.r[m]!;
    }, `cpu.shifterCarry = cpu.c; const op_ = r[${m}];`);
  }
  switch (shift.type) {
    case SRType.LSL:
      return withSource(
        (cpu) => {
          const x = cpu.r[m]!;
          cpu.shifterCarry = (x >>> (32 - amount)) & 1;
          return x << amount;
        },
        `const o_x = r[${m}]; cpu.shifterCarry = (o_x >>> ${32 - amount}) & 1; const op_ = o_x << ${amount};`,
      );
    case SRType.LSR:
      if (amount === 32) {
        return (cpu) => {
          cpu.shifterCarry = cpu.r[m]! >>> 31;
          return 0;
        };
      }
      return withSource(
        (cpu) => {
          const x = cpu.r[m]!;
          cpu.shifterCarry = (x >>> (amount - 1)) & 1;
          return (x >>> amount) | 0;
        },
        `const o_x = r[${m}]; cpu.shifterCarry = (o_x >>> ${amount - 1}) & 1; const op_ = (o_x >>> ${amount}) | 0;`,
      );
    case SRType.ASR:
      if (amount === 32) {
        return (cpu) => {
          const x = cpu.r[m]!;
          cpu.shifterCarry = x >>> 31;
          return x >> 31;
        };
      }
      return withSource(
        (cpu) => {
          const x = cpu.r[m]!;
          cpu.shifterCarry = (x >> (amount - 1)) & 1;
          return x >> amount;
        },
        `const o_x = r[${m}]; cpu.shifterCarry = (o_x >> ${amount - 1}) & 1; const op_ = o_x >> ${amount};`,
      );
    case SRType.ROR:
      return withSource(
        (cpu) => {
          const x = cpu.r[m]!;
          const result = (x >>> amount) | (x << (32 - amount));
          cpu.shifterCarry = result >>> 31;
          return result;
        },
        `const o_x = r[${m}]; const op_ = (o_x >>> ${amount}) | (o_x << ${32 - amount}); cpu.shifterCarry = op_ >>> 31;`,
      );
    default: // RRX (A2.2.1 RRX_C): the old carry enters at bit 31
      return (cpu) => {
        const x = cpu.r[m]!;
        cpu.shifterCarry = x & 1;
        return (cpu.c << 31) | (x >>> 1);
      };
  }
}
