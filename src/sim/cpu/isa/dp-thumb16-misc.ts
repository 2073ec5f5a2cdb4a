import { addWithCarryFlags } from './alu.js';
import { undefinedExecutor, type Executor } from './executor.js';
import { addWithCarrySource, withSource } from './inline-source.js';

/**
 * 16-bit data processing outside A5.2.1/A5.2.2: ADD/CMP/MOV with high registers (A5.2.3), ADR and
 * ADD (SP plus immediate) T1, and from the miscellaneous table (A5.2.5) ADD/SUB SP, the extends and
 * the byte reverses. None of these set flags except CMP.
 */

/**
 * ADD (register) T2 / ADD (SP plus register) T1/T2 (A5.2.3 opcode 00xx): Rdn = Rdn + Rm with
 * Rdn = DN:Rdn. A result for PC is ALUWritePC (= BranchWritePC in ARMv7-M, A2.3.1), for SP goes
 * through writeSp. "if n == 15 && m == 15 then UNPREDICTABLE" decodes as UNDEFINED; the
 * "d == 15 && InITBlock() && !LastInITBlock()" case cannot be seen at decode time and executes.
 */
export function addHigh(hw: number): Executor {
  const d = ((hw >>> 4) & 8) | (hw & 7);
  const m = (hw >>> 3) & 0xf;
  if (d === 15 && m === 15) return undefinedExecutor;
  if (d === 15) {
    return (cpu) => {
      cpu.branchWritePc(cpu.r[15]! + cpu.r[m]!);
      cpu.cycles += 2;
    };
  }
  if (d === 13)
    return (cpu) => {
      cpu.writeSp(cpu.r[13]! + cpu.r[m]!);
    };
  return withSource((cpu) => {
    cpu.r[d] = cpu.r[d]! + cpu.r[m]!;
  }, `r[${d}] = r[${d}] + r[${m}];`);
}

/**
 * CMP (register) T2 (A5.2.3 opcode 01xx): "if n < 8 && m < 8 then UNPREDICTABLE; if n == 15 ||
 * m == 15 then UNPREDICTABLE", both decoded as UNDEFINED.
 */
export function compareHigh(hw: number): Executor {
  const n = ((hw >>> 4) & 8) | (hw & 7);
  const m = (hw >>> 3) & 0xf;
  if ((n < 8 && m < 8) || n === 15 || m === 15) return undefinedExecutor;
  return withSource(
    (cpu) => void addWithCarryFlags(cpu, cpu.r[n]!, ~cpu.r[m]!, 1),
    addWithCarrySource(`r[${n}]`, `~r[${m}]`, '1', ''),
  );
}

/**
 * MOV (register) T1 (A5.2.3 opcode 10xx): no flags. To PC it is ALUWritePC (a branch, bit 0
 * ignored); to SP through writeSp. Reading PC gives address + 4.
 */
export function moveHigh(hw: number): Executor {
  const d = ((hw >>> 4) & 8) | (hw & 7);
  const m = (hw >>> 3) & 0xf;
  if (d === 15) {
    return (cpu) => {
      cpu.branchWritePc(cpu.r[m]!);
      cpu.cycles += 2;
    };
  }
  if (d === 13)
    return (cpu) => {
      cpu.writeSp(cpu.r[m]!);
    };
  return withSource((cpu) => {
    cpu.r[d] = cpu.r[m]!;
  }, `r[${d}] = r[${m}];`);
}

/** ADR T1 (hw = 10100 Rd imm8): R[d] = Align(PC, 4) + imm8:'00', a decode-time constant. */
export function addressToRegister(hw: number, address: number): Executor {
  const d = (hw >>> 8) & 7;
  const value = (((address + 4) & ~3) + ((hw & 0xff) << 2)) | 0;
  return withSource((cpu) => {
    cpu.r[d] = value;
  }, `r[${d}] = ${value};`);
}

/** ADD (SP plus immediate) T1 (hw = 10101 Rd imm8): R[d] = SP + imm8:'00'. */
export function addSpToRegister(hw: number): Executor {
  const d = (hw >>> 8) & 7;
  const imm = (hw & 0xff) << 2;
  return withSource((cpu) => {
    cpu.r[d] = cpu.r[13]! + imm;
  }, `r[${d}] = r[13] + ${imm};`);
}

/** ADD (SP plus immediate) T2 / SUB (SP minus immediate) T1 (hw = 1011 0000 S imm7): SP ± imm7:'00'. */
export function adjustSp(hw: number): Executor {
  const imm = (hw & 0x7f) << 2;
  const delta = (hw & 0x80) !== 0 ? -imm : imm;
  return withSource((cpu) => {
    cpu.writeSp(cpu.r[13]! + delta);
  }, `r[13] = (r[13] + ${delta}) & -4;`);
}

/** SXTH, SXTB, UXTH, UXTB T1 (hw = 1011 0010 op(2) Rm Rd): rotation 0. */
export function extend16(hw: number): Executor {
  const d = hw & 7;
  const m = (hw >>> 3) & 7;
  switch ((hw >>> 6) & 3) {
    case 0:
      return (cpu) => {
        cpu.r[d] = (cpu.r[m]! << 16) >> 16;
      };
    case 1:
      return (cpu) => {
        cpu.r[d] = (cpu.r[m]! << 24) >> 24;
      };
    case 2:
      return (cpu) => {
        cpu.r[d] = cpu.r[m]! & 0xffff;
      };
    default:
      return (cpu) => {
        cpu.r[d] = cpu.r[m]! & 0xff;
      };
  }
}

/** REV, REV16, REVSH T1 (hw = 1011 1010 op(2) Rm Rd); op = 10 is UNDEFINED in ARMv7-M. */
export function reverse16(hw: number): Executor {
  const d = hw & 7;
  const m = (hw >>> 3) & 7;
  switch ((hw >>> 6) & 3) {
    case 0:
      return (cpu) => {
        const x = cpu.r[m]!;
        cpu.r[d] = (x << 24) | ((x & 0xff00) << 8) | ((x >>> 8) & 0xff00) | (x >>> 24);
      };
    case 1:
      return (cpu) => {
        const x = cpu.r[m]!;
        cpu.r[d] = ((x & 0x00ff00ff) << 8) | ((x >>> 8) & 0x00ff00ff);
      };
    case 3:
      return (cpu) => {
        // REVSH: SignExtend(R[m]<7:0>:R[m]<15:8>)
        const x = cpu.r[m]!;
        cpu.r[d] = ((x << 24) >> 16) | ((x >>> 8) & 0xff);
      };
    default:
      return undefinedExecutor;
  }
}
