import { undefinedExecutor, type Executor } from './executor.js';
import { conditionSource, withSource } from './inline-source.js';
import { hint, nop } from './hints.js';

/**
 * Branches and miscellaneous control (A5.3.4): hw1 = 11110 op(7) ..., hw2 = 1 op1(3) ... .
 * A taken branch costs 2 cycles beyond the first (pipeline refill). Should-be-one/zero bits of
 * MSR, MRS, the hints and the barriers are decoded strictly (UNDEFINED when wrong), as QEMU does.
 */
export function decodeBranchMiscControl(hw1: number, hw2: number, address: number): Executor {
  const op = (hw1 >>> 4) & 0x7f;
  const op1 = (hw2 >>> 12) & 0b101; // hw2[14] and hw2[12]; hw2[13] is J1 of the branches
  if (op1 === 0b001) return unconditionalBranch(hw1, hw2, address, false);
  if (op1 === 0b101) return unconditionalBranch(hw1, hw2, address, true);
  if (op1 !== 0b000) return undefinedExecutor; // 1x0: BLX (immediate), UNDEFINED in ARMv7-M
  if ((op & 0b0111000) !== 0b0111000) return conditionalBranch(hw1, hw2, address);
  if (op >>> 1 === 0b011100) return decodeMsr(hw1, hw2);
  if (op === 0b0111010) return decodeHint(hw1, hw2);
  if (op === 0b0111011) return decodeMiscControl(hw1, hw2);
  if (op >>> 1 === 0b011111) return decodeMrs(hw1, hw2);
  return undefinedExecutor; // includes UDF.W (op1 = 010, op = 1111111), permanently UNDEFINED
}

/**
 * B T3 (A7.7 B): imm32 = SignExtend(S:J2:J1:imm6:imm11:'0', 21), taken if ConditionPassed(cond).
 * cond<3:1> = 111 never reaches here (those are the MSR/MRS/hint rows). "if InITBlock() then
 * UNPREDICTABLE" cannot be seen at decode time; like QEMU we just execute it.
 */
function conditionalBranch(hw1: number, hw2: number, address: number): Executor {
  const cond = (hw1 >>> 6) & 0xf;
  const s = (hw1 >>> 10) & 1;
  const j1 = (hw2 >>> 13) & 1;
  const j2 = (hw2 >>> 11) & 1;
  const imm = (s << 20) | (j2 << 19) | (j1 << 18) | ((hw1 & 0x3f) << 12) | ((hw2 & 0x7ff) << 1);
  const target = (address + 4 + ((imm << 11) >> 11)) | 0;
  return withSource(
    (cpu) => {
      if (cpu.conditionPassed(cond)) {
        cpu.branchWritePc(target);
        cpu.cycles += 2;
      }
    },
    `if (${conditionSource(cond)}) { cpu.nextPc = ${target & ~1}; cpu.cycles += 2; }`,
  );
}

/**
 * B T4 and BL T1 (A7.7 B, BL): I1 = NOT(J1 XOR S), I2 = NOT(J2 XOR S), imm32 =
 * SignExtend(S:I1:I2:imm10:imm11:'0', 25). BL sets LR to the next instruction's address with bit 0
 * set (PC<31:1>:'1', PC being address + 4).
 */
function unconditionalBranch(hw1: number, hw2: number, address: number, link: boolean): Executor {
  const s = (hw1 >>> 10) & 1;
  const i1 = ~((hw2 >>> 13) ^ s) & 1;
  const i2 = ~((hw2 >>> 11) ^ s) & 1;
  const imm = (s << 24) | (i1 << 23) | (i2 << 22) | ((hw1 & 0x3ff) << 12) | ((hw2 & 0x7ff) << 1);
  const target = (address + 4 + ((imm << 7) >> 7)) | 0;
  if (!link) {
    return (cpu) => {
      cpu.branchWritePc(target);
      cpu.cycles += 2;
    };
  }
  const returnAddress = (address + 4) | 1;
  return withSource(
    (cpu) => {
      cpu.r[14] = returnAddress;
      cpu.branchWritePc(target);
      cpu.cycles += 2;
    },
    `{ r[14] = ${returnAddress}; cpu.nextPc = ${target & ~1}; cpu.cycles += 2; }`,
  );
}

/**
 * MSR (register) T1 (B5.2.3): hw1 = 11110 0 1110 0 (R = 0) Rn, hw2 = 10 (0) 0 mask(2) (0)(0) SYSm.
 * "if n IN {13,15} then UNPREDICTABLE" decodes as UNDEFINED. The mask/SYSm combinations the manual
 * calls UNPREDICTABLE are passed to writeSpecial unchanged (QEMU ignores them there too).
 */
function decodeMsr(hw1: number, hw2: number): Executor {
  const n = hw1 & 0xf;
  if ((hw1 & 0x10) !== 0 || (hw2 & 0x2300) !== 0 || n === 13 || n === 15) return undefinedExecutor;
  const mask = (hw2 >>> 10) & 3;
  const sysm = hw2 & 0xff;
  return (cpu) => {
    cpu.writeSpecial(sysm, mask, cpu.r[n]!);
  };
}

/**
 * MRS T1 (B5.2.2): hw1 = 11110 0 1111 1 (0)(1)(1)(1)(1), hw2 = 10 (0) 0 Rd SYSm. "if d IN {13,15}
 * then UNPREDICTABLE" decodes as UNDEFINED; unknown SYSm values go to readSpecial.
 */
function decodeMrs(hw1: number, hw2: number): Executor {
  const d = (hw2 >>> 8) & 0xf;
  if ((hw1 & 0x1f) !== 0x0f || (hw2 & 0x2000) !== 0 || d === 13 || d === 15) return undefinedExecutor;
  const sysm = hw2 & 0xff;
  return (cpu) => {
    cpu.r[d] = cpu.readSpecial(sysm);
  };
}

/**
 * Hint instructions (A5.3.4, Table A5-15): hw1 = 11110 0 111010 (1)(1)(1)(1), hw2 = 10 (0) 0 (0)
 * op1(3) op2(8). op1 != 000 is UNDEFINED. NOP.W, YIELD.W (a NOP on the Cortex-M4), WFE.W, WFI.W,
 * SEV.W; DBG and every unallocated hint execute as NOP.
 */
function decodeHint(hw1: number, hw2: number): Executor {
  if ((hw1 & 0xf) !== 0xf || (hw2 & 0x2f00) !== 0) return undefinedExecutor;
  return hint(hw2 & 0xff);
}

/**
 * Miscellaneous control (A5.3.4, Table A5-16): hw1 = 11110 0 111011 (1)(1)(1)(1), hw2 = 10 (0) 0
 * (1)(1)(1)(1) op(4) option(4). CLREX (option (1)(1)(1)(1)) clears the local exclusive monitor;
 * DSB, DMB and ISB are no-ops in this in-order model with no write buffer or prefetch to drain
 * (a store that rewrites code already invalidates the decode cache).
 */
function decodeMiscControl(hw1: number, hw2: number): Executor {
  if ((hw1 & 0xf) !== 0xf || (hw2 & 0x2f00) !== 0x0f00) return undefinedExecutor;
  switch ((hw2 >>> 4) & 0xf) {
    case 0b0010:
      if ((hw2 & 0xf) !== 0xf) return undefinedExecutor;
      return (cpu) => {
        cpu.clearExclusiveLocal();
      };
    case 0b0100:
    case 0b0101:
    case 0b0110:
      return nop;
    default:
      return undefinedExecutor;
  }
}
