import { undefinedExecutor, type Executor } from './executor.js';
import { conditionSource, withSource } from './inline-source.js';

/**
 * 16-bit branches: BX/BLX (A5.2.3), CBZ/CBNZ (A5.2.5), B<c>/UDF/SVC (A5.2.6) and B (A5.2.7).
 * PC reads as address + 4, so targets are decode-time constants. A taken branch costs 2 cycles
 * beyond the first. The "in an IT block but not last" UNPREDICTABLE cases cannot be seen at decode
 * time; like QEMU we execute them.
 */

/**
 * BX T1 / BLX (register) T1 (hw = 010001 11 L Rm (0)(0)(0)). BLX sets LR = next instruction
 * address | 1 after reading Rm, so BLX LR works. The should-be-zero bits decode as UNDEFINED (as in
 * QEMU); "BLX: if m == 15 then UNPREDICTABLE" too.
 */
export function branchExchange(hw: number): Executor {
  const m = (hw >>> 3) & 0xf;
  if ((hw & 7) !== 0) return undefinedExecutor;
  if ((hw & 0x80) === 0) {
    return (cpu) => {
      cpu.bxWritePc(cpu.r[m]!);
      cpu.cycles += 2;
    };
  }
  if (m === 15) return undefinedExecutor;
  return (cpu) => {
    const target = cpu.r[m]!;
    cpu.r[14] = (cpu.r[15]! - 2) | 1;
    cpu.bxWritePc(target);
    cpu.cycles += 2;
  };
}

/**
 * CBZ/CBNZ (hw = 1011 op 0 i 1 imm5 Rn): branch to PC + ZeroExtend(i:imm5:'0') when R[n] is zero
 * (CBZ) or non-zero (CBNZ). Never conditional on flags; "if InITBlock() then UNPREDICTABLE".
 */
export function compareAndBranch(hw: number, address: number): Executor {
  const n = hw & 7;
  const target = address + 4 + (((hw >>> 9) & 1) << 6) + (((hw >>> 3) & 0x1f) << 1);
  const taken = `{ cpu.nextPc = ${target & ~1}; cpu.cycles += 2; }`;
  if ((hw & 0x800) === 0) {
    return withSource((cpu) => {
      if (cpu.r[n] === 0) {
        cpu.branchWritePc(target);
        cpu.cycles += 2;
      }
    }, `if (r[${n}] === 0) ${taken}`);
  }
  return withSource((cpu) => {
    if (cpu.r[n] !== 0) {
      cpu.branchWritePc(target);
      cpu.cycles += 2;
    }
  }, `if (r[${n}] !== 0) ${taken}`);
}

/**
 * A5.2.6 (hw = 1101 opcode(4) imm8): opcode 1110 is UDF (permanently UNDEFINED), 1111 SVC, else
 * B<c> T1 with imm32 = SignExtend(imm8:'0', 9).
 */
export function conditionalBranchOrSupervisorCall(hw: number, address: number): Executor {
  const cond = (hw >>> 8) & 0xf;
  const imm8 = hw & 0xff;
  if (cond === 0b1110) return undefinedExecutor;
  if (cond === 0b1111)
    return (cpu) => {
      cpu.supervisorCall(imm8);
    };
  const target = (address + 4 + (((imm8 << 24) >> 23) | 0)) | 0;
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

/** B T2 (hw = 11100 imm11): imm32 = SignExtend(imm11:'0', 12). */
export function unconditionalBranch16(hw: number, address: number): Executor {
  const target = (address + 4 + ((hw << 21) >> 20)) | 0;
  return withSource(
    (cpu) => {
      cpu.branchWritePc(target);
      cpu.cycles += 2;
    },
    `{ cpu.nextPc = ${target & ~1}; cpu.cycles += 2; }`,
  );
}
