import {
  branchExchange,
  compareAndBranch,
  conditionalBranchOrSupervisorCall,
  unconditionalBranch16,
} from './branch-thumb16.js';
import {
  addHigh,
  addressToRegister,
  addSpToRegister,
  adjustSp,
  compareHigh,
  extend16,
  moveHigh,
  reverse16,
} from './dp-thumb16-misc.js';
import { decodeDataProcessing16, decodeShiftAddSubMoveCompare } from './dp-thumb16.js';
import { undefinedExecutor, type Executor } from './executor.js';
import { hint } from './hints.js';

/**
 * 16-bit Thumb other than loads/stores (ARMv7-M A5.2, Table A5-1 by hw[15:10]). decode.ts offers
 * every 16-bit instruction to the load/store decoder first (LDR literal, A5.2.4, PUSH/POP, LDM/STM),
 * so those encodings never arrive here.
 */
export function decodeThumb16(hw: number, address: number): Executor {
  switch (hw >>> 12) {
    case 0b0000:
    case 0b0001:
    case 0b0010:
    case 0b0011:
      return decodeShiftAddSubMoveCompare(hw); // A5.2.1
    case 0b0100:
      if ((hw & 0x0c00) === 0) return decodeDataProcessing16(hw); // 010000: A5.2.2
      if ((hw & 0x0c00) === 0x0400) return decodeSpecialDataBranch(hw); // 010001: A5.2.3
      return undefinedExecutor; // 01001x: LDR (literal), decoded elsewhere
    case 0b1010:
      return (hw & 0x800) === 0 ? addressToRegister(hw, address) : addSpToRegister(hw);
    case 0b1011:
      return decodeMiscellaneous16(hw, address); // A5.2.5
    case 0b1101:
      return conditionalBranchOrSupervisorCall(hw, address); // A5.2.6
    case 0b1110:
      if ((hw & 0x800) === 0) return unconditionalBranch16(hw, address); // A5.2.7
      return undefinedExecutor; // 11101: a 32-bit prefix, never decoded as 16-bit
    default:
      return undefinedExecutor; // loads/stores, LDM/STM, 32-bit prefixes
  }
}

/** Special data instructions and branch and exchange, A5.2.3 (hw = 010001 opcode(4) ...). */
function decodeSpecialDataBranch(hw: number): Executor {
  switch ((hw >>> 8) & 3) {
    case 0b00:
      return addHigh(hw);
    case 0b01:
      return compareHigh(hw);
    case 0b10:
      return moveHigh(hw);
    default:
      return branchExchange(hw);
  }
}

/** Miscellaneous 16-bit instructions, A5.2.5 (hw = 1011 opcode(7) ...), except PUSH/POP. */
function decodeMiscellaneous16(hw: number, address: number): Executor {
  const opcode = (hw >>> 5) & 0x7f;
  if (opcode >>> 2 === 0b00000 || opcode >>> 2 === 0b00001) return adjustSp(hw);
  if ((opcode & 0b0101000) === 0b0001000) return compareAndBranch(hw, address); // x0x1xxx: CBZ/CBNZ
  if (opcode >>> 3 === 0b0010) return extend16(hw);
  if (opcode === 0b0110011) return changeProcessorState(hw);
  if (opcode >>> 3 === 0b1010) return reverse16(hw);
  if (opcode >>> 3 === 0b1110) return breakpoint(hw);
  if (opcode >>> 3 === 0b1111) return (hw & 0xf) === 0 ? hint((hw >>> 4) & 0xf) : ifThen(hw);
  return undefinedExecutor; // PUSH/POP are decoded elsewhere; the rest is unallocated
}

/**
 * CPS T1 (B5.2.1; hw = 1011 0110 011 im (0)(0) I F): CPSIE/CPSID on PRIMASK (I) and FAULTMASK
 * (F). Privilege and the "no effect when unprivileged" rule are the core's. The should-be-zero bits
 * decode as UNDEFINED, as in QEMU; "if InITBlock() then UNPREDICTABLE" is not checked.
 */
function changeProcessorState(hw: number): Executor {
  if ((hw & 0xc) !== 0) return undefinedExecutor;
  const disable = (hw & 0x10) !== 0;
  const affectPrimask = (hw & 2) !== 0;
  const affectFaultmask = (hw & 1) !== 0;
  return (cpu) => {
    cpu.changeProcessorState(disable, affectPrimask, affectFaultmask);
  };
}

/** BKPT (hw = 1011 1110 imm8). */
function breakpoint(hw: number): Executor {
  const imm8 = hw & 0xff;
  return (cpu) => {
    cpu.breakpoint(imm8);
  };
}

/**
 * IT (A7.7 IT; hw = 1011 1111 firstcond mask, mask != 0): ITSTATE = firstcond:mask. The core
 * advances ITSTATE after each following instruction (ITAdvance, A7.3.3). firstcond = 1111, or 1110
 * with more than one instruction, is UNPREDICTABLE: like QEMU we treat a 1111 condition as "always"
 * (the core's ConditionPassed does so), which is what writing the bits unchanged gives.
 */
function ifThen(hw: number): Executor {
  const itState = hw & 0xff;
  return (cpu) => {
    cpu.itState = itState;
  };
}
