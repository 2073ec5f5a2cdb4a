import type { Cpu } from '../cpu.js';
import { addWithCarryFlags, asrC, lslC, lsrC, rorC, setNZ } from './alu.js';
import type { Executor } from './executor.js';
import { addWithCarrySource, withSource } from './inline-source.js';

/** setNZ(cpu, res) as inline source (inline-source.ts). */
const NZ = 'cpu.n = res >>> 31; cpu.z = res === 0 ? 1 : 0;';

/**
 * 16-bit data processing on low registers: shift (immediate), add, subtract, move and compare
 * (A5.2.1) and the two-register operations (A5.2.2). Apart from CMP, CMN and TST, these set the
 * flags only outside an IT block ("setflags = !InITBlock()"), which is decided when they execute:
 * `cpu.itState !== 0` while the instruction is in an IT block.
 */

/** A5.2.1: hw = 00 opcode(5) ... . */
export function decodeShiftAddSubMoveCompare(hw: number): Executor {
  const opcode = (hw >>> 9) & 0x1f;
  const low = hw & 7; // Rd
  const mid = (hw >>> 3) & 7; // Rm of the shifts, Rn of add/subtract
  const imm5 = (hw >>> 6) & 0x1f;
  switch (opcode >>> 2) {
    case 0b000:
      return shiftImmediate(0, low, mid, imm5);
    case 0b001:
      return shiftImmediate(1, low, mid, imm5 === 0 ? 32 : imm5);
    case 0b010:
      return shiftImmediate(2, low, mid, imm5 === 0 ? 32 : imm5);
    case 0b011: {
      const third = (hw >>> 6) & 7; // Rm, or imm3
      switch (opcode & 3) {
        case 0:
          return addRegister(low, mid, third);
        case 1:
          return subtractRegister(low, mid, third);
        case 2:
          return addImmediate(low, mid, third);
        default:
          return subtractImmediate(low, mid, third);
      }
    }
    default: {
      const rdn = (hw >>> 8) & 7;
      const imm8 = hw & 0xff;
      switch (opcode >>> 2) {
        case 0b100:
          return moveImmediate(rdn, imm8);
        case 0b101:
          return withSource(
            (cpu) => void addWithCarryFlags(cpu, cpu.r[rdn]!, ~imm8, 1), // CMP T1
            addWithCarrySource(`r[${rdn}]`, `${~imm8}`, '1', ''),
          );
        case 0b110:
          return addImmediate(rdn, rdn, imm8);
        default:
          return subtractImmediate(rdn, rdn, imm8);
      }
    }
  }
}

/**
 * LSL/LSR/ASR (immediate) T1 (A7.7): Shift_C(R[m], type, amount, APSR.C), flags N, Z, C. LSL #0
 * is MOVS (register) T2, "UNPREDICTABLE in an IT block"; like QEMU we execute it as LSL #0, which
 * gives the same result (C unchanged) outside IT and a plain MOV inside.
 */
function shiftImmediate(type: number, d: number, m: number, amount: number): Executor {
  switch (type) {
    case 0:
      if (amount === 0) {
        return withSource((cpu) => {
          const result = cpu.r[m]!;
          cpu.r[d] = result;
          if (cpu.itState === 0) setNZ(cpu, result);
        }, `{ const res = r[${m}]; r[${d}] = res; ${NZ} }`);
      }
      return withSource(
        (cpu) => {
          const x = cpu.r[m]!;
          const result = x << amount;
          cpu.r[d] = result;
          if (cpu.itState === 0) {
            setNZ(cpu, result);
            cpu.c = (x >>> (32 - amount)) & 1;
          }
        },
        `{ const x = r[${m}]; const res = x << ${amount}; r[${d}] = res; ${NZ} cpu.c = (x >>> ${32 - amount}) & 1; }`,
      );
    case 1:
      return (cpu) => {
        const result = lsrC(cpu, cpu.r[m]!, amount);
        cpu.r[d] = result;
        if (cpu.itState === 0) {
          setNZ(cpu, result);
          cpu.c = cpu.shifterCarry;
        }
      };
    default:
      return (cpu) => {
        const result = asrC(cpu, cpu.r[m]!, amount);
        cpu.r[d] = result;
        if (cpu.itState === 0) {
          setNZ(cpu, result);
          cpu.c = cpu.shifterCarry;
        }
      };
  }
}

/** ADD (register) T1. */
function addRegister(d: number, n: number, m: number): Executor {
  return withSource(
    (cpu) => {
      const r = cpu.r;
      if (cpu.itState === 0) r[d] = addWithCarryFlags(cpu, r[n]!, r[m]!, 0);
      else r[d] = r[n]! + r[m]!;
    },
    addWithCarrySource(`r[${n}]`, `r[${m}]`, '0', `r[${d}] = res;`),
  );
}

/** SUB (register) T1: AddWithCarry(R[n], NOT(R[m]), '1'). */
function subtractRegister(d: number, n: number, m: number): Executor {
  return withSource(
    (cpu) => {
      const r = cpu.r;
      if (cpu.itState === 0) r[d] = addWithCarryFlags(cpu, r[n]!, ~r[m]!, 1);
      else r[d] = r[n]! - r[m]!;
    },
    addWithCarrySource(`r[${n}]`, `~r[${m}]`, '1', `r[${d}] = res;`),
  );
}

/** ADD (immediate) T1/T2. */
function addImmediate(d: number, n: number, imm: number): Executor {
  return withSource(
    (cpu) => {
      const r = cpu.r;
      if (cpu.itState === 0) r[d] = addWithCarryFlags(cpu, r[n]!, imm, 0);
      else r[d] = r[n]! + imm;
    },
    addWithCarrySource(`r[${n}]`, `${imm}`, '0', `r[${d}] = res;`),
  );
}

/** SUB (immediate) T1/T2: AddWithCarry(R[n], NOT(imm32), '1'). */
function subtractImmediate(d: number, n: number, imm: number): Executor {
  const notImm = ~imm;
  return withSource(
    (cpu) => {
      const r = cpu.r;
      if (cpu.itState === 0) r[d] = addWithCarryFlags(cpu, r[n]!, notImm, 1);
      else r[d] = r[n]! - imm;
    },
    addWithCarrySource(`r[${n}]`, `${notImm}`, '1', `r[${d}] = res;`),
  );
}

/** MOV (immediate) T1: N = 0 (imm8 < 2^31), Z, C unchanged. */
function moveImmediate(d: number, imm8: number): Executor {
  const zero = imm8 === 0 ? 1 : 0;
  return withSource((cpu) => {
    cpu.r[d] = imm8;
    if (cpu.itState === 0) {
      cpu.n = 0;
      cpu.z = zero;
    }
  }, `{ r[${d}] = ${imm8}; cpu.n = 0; cpu.z = ${zero}; }`);
}

/**
 * A5.2.2: hw = 010000 opcode(4) Rm Rdn. Logical operations set N and Z and keep C (their operand is
 * unshifted: Shift_C with LSL #0 returns APSR.C); shifts by register take R[m]<7:0> and set C from
 * Shift_C; ADC/SBC/RSB/CMP/CMN set all four; MUL sets N and Z only (A7.7 MUL).
 */
export function decodeDataProcessing16(hw: number): Executor {
  const opcode = (hw >>> 6) & 0xf;
  const m = (hw >>> 3) & 7; // Rn of RSB, CMP, CMN, TST, MUL
  const d = hw & 7; // Rdn
  switch (opcode) {
    case 0b0000:
      return withSource((cpu) => {
        const result = cpu.r[d]! & cpu.r[m]!;
        cpu.r[d] = result;
        if (cpu.itState === 0) setNZ(cpu, result);
      }, `{ const res = r[${d}] & r[${m}]; r[${d}] = res; ${NZ} }`);
    case 0b0001:
      return withSource((cpu) => {
        const result = cpu.r[d]! ^ cpu.r[m]!;
        cpu.r[d] = result;
        if (cpu.itState === 0) setNZ(cpu, result);
      }, `{ const res = r[${d}] ^ r[${m}]; r[${d}] = res; ${NZ} }`);
    case 0b0010:
      return (cpu) => {
        shiftRegister(cpu, d, lslC(cpu, cpu.r[d]!, cpu.r[m]! & 0xff));
      };
    case 0b0011:
      return (cpu) => {
        shiftRegister(cpu, d, lsrC(cpu, cpu.r[d]!, cpu.r[m]! & 0xff));
      };
    case 0b0100:
      return (cpu) => {
        shiftRegister(cpu, d, asrC(cpu, cpu.r[d]!, cpu.r[m]! & 0xff));
      };
    case 0b0101:
      return withSource(
        (cpu) => {
          const r = cpu.r;
          if (cpu.itState === 0) r[d] = addWithCarryFlags(cpu, r[d]!, r[m]!, cpu.c);
          else r[d] = r[d]! + r[m]! + cpu.c;
        },
        addWithCarrySource(`r[${d}]`, `r[${m}]`, 'cpu.c', `r[${d}] = res;`),
      );
    case 0b0110:
      return withSource(
        (cpu) => {
          const r = cpu.r;
          if (cpu.itState === 0) r[d] = addWithCarryFlags(cpu, r[d]!, ~r[m]!, cpu.c);
          else r[d] = r[d]! + ~r[m]! + cpu.c;
        },
        addWithCarrySource(`r[${d}]`, `~r[${m}]`, 'cpu.c', `r[${d}] = res;`),
      );
    case 0b0111:
      return (cpu) => {
        shiftRegister(cpu, d, rorC(cpu, cpu.r[d]!, cpu.r[m]! & 0xff));
      };
    case 0b1000: // TST: N, Z; C unchanged
      return withSource((cpu) => {
        setNZ(cpu, cpu.r[d]! & cpu.r[m]!);
      }, `{ const res = r[${d}] & r[${m}]; ${NZ} }`);
    case 0b1001: // RSB (immediate) T1: Rd = 0 - Rn
      return withSource(
        (cpu) => {
          const r = cpu.r;
          if (cpu.itState === 0) r[d] = addWithCarryFlags(cpu, ~r[m]!, 0, 1);
          else r[d] = -r[m]!;
        },
        addWithCarrySource(`~r[${m}]`, '0', '1', `r[${d}] = res;`),
      );
    case 0b1010: // CMP (register) T1
      return withSource(
        (cpu) => void addWithCarryFlags(cpu, cpu.r[d]!, ~cpu.r[m]!, 1),
        addWithCarrySource(`r[${d}]`, `~r[${m}]`, '1', ''),
      );
    case 0b1011: // CMN (register) T1
      return withSource(
        (cpu) => void addWithCarryFlags(cpu, cpu.r[d]!, cpu.r[m]!, 0),
        addWithCarrySource(`r[${d}]`, `r[${m}]`, '0', ''),
      );
    case 0b1100:
      return withSource((cpu) => {
        const result = cpu.r[d]! | cpu.r[m]!;
        cpu.r[d] = result;
        if (cpu.itState === 0) setNZ(cpu, result);
      }, `{ const res = r[${d}] | r[${m}]; r[${d}] = res; ${NZ} }`);
    case 0b1101: // MUL T1: Rdm = Rn * Rdm
      return withSource((cpu) => {
        const result = Math.imul(cpu.r[m]!, cpu.r[d]!);
        cpu.r[d] = result;
        if (cpu.itState === 0) setNZ(cpu, result);
      }, `{ const res = Math.imul(r[${m}], r[${d}]); r[${d}] = res; ${NZ} }`);
    case 0b1110:
      return withSource((cpu) => {
        const result = cpu.r[d]! & ~cpu.r[m]!;
        cpu.r[d] = result;
        if (cpu.itState === 0) setNZ(cpu, result);
      }, `{ const res = r[${d}] & ~r[${m}]; r[${d}] = res; ${NZ} }`);
    default:
      return withSource((cpu) => {
        const result = ~cpu.r[m]!;
        cpu.r[d] = result;
        if (cpu.itState === 0) setNZ(cpu, result);
      }, `{ const res = ~r[${m}]; r[${d}] = res; ${NZ} }`);
  }
}

/** Writes a register-shift result (carry already in cpu.shifterCarry) and its flags outside IT. */
function shiftRegister(cpu: Cpu, d: number, result: number): void {
  cpu.r[d] = result;
  if (cpu.itState === 0) {
    setNZ(cpu, result);
    cpu.c = cpu.shifterCarry;
  }
}
