import type { Cpu } from '../cpu.js';
import { addWithCarryFlags, setNZC } from './alu.js';
import type { Operand } from './dp-operand.js';
import { undefinedExecutor, type Executor } from './executor.js';
import { addWithCarrySource, sourceOf, withSource } from './inline-source.js';

/**
 * The operations shared by the 32-bit data-processing encodings with a modified immediate (A5.3.1)
 * and a shifted register (A5.3.11). Both tables use the same 4-bit op field, so the numbers below
 * are that field. Each builder returns one specialised closure per (operation, flag-setting) pair;
 * the second operand comes from an Operand closure (dp-operand.ts). The decoders have already
 * rejected d = 15 (the tables map it to the compare/test forms or to UNPREDICTABLE).
 */
export const DpOp = {
  AND: 0b0000,
  BIC: 0b0001,
  ORR: 0b0010,
  ORN: 0b0011,
  EOR: 0b0100,
  ADD: 0b1000,
  ADC: 0b1010,
  SBC: 0b1011,
  SUB: 0b1101,
  RSB: 0b1110,
} as const;

/**
 * AND, BIC, ORR, ORN, EOR (A7.7, immediate and register forms): with S, N and Z follow the result
 * and C is the shifter carry_out; V is unchanged.
 */
export function logicalOp(op: number, d: number, n: number, operand: Operand, setFlags: boolean): Executor {
  const operator =
    op === DpOp.AND ? '&' : op === DpOp.BIC ? '& ~' : op === DpOp.ORR ? '|' : op === DpOp.ORN ? '| ~' : '^';
  const result = `r[${n}] ${operator}op_`;
  return inlined(
    logicalClosure(op, d, n, operand, setFlags),
    operand,
    setFlags ? `const res = ${result}; r[${d}] = res; ${NZC}` : `r[${d}] = ${result};`,
  );
}

function logicalClosure(op: number, d: number, n: number, operand: Operand, setFlags: boolean): Executor {
  if (setFlags) {
    switch (op) {
      case DpOp.AND:
        return (cpu) => {
          writeLogical(cpu, d, cpu.r[n]! & operand(cpu));
        };
      case DpOp.BIC:
        return (cpu) => {
          writeLogical(cpu, d, cpu.r[n]! & ~operand(cpu));
        };
      case DpOp.ORR:
        return (cpu) => {
          writeLogical(cpu, d, cpu.r[n]! | operand(cpu));
        };
      case DpOp.ORN:
        return (cpu) => {
          writeLogical(cpu, d, cpu.r[n]! | ~operand(cpu));
        };
      default:
        return (cpu) => {
          writeLogical(cpu, d, cpu.r[n]! ^ operand(cpu));
        };
    }
  }
  switch (op) {
    case DpOp.AND:
      return (cpu) => {
        cpu.r[d] = cpu.r[n]! & operand(cpu);
      };
    case DpOp.BIC:
      return (cpu) => {
        cpu.r[d] = cpu.r[n]! & ~operand(cpu);
      };
    case DpOp.ORR:
      return (cpu) => {
        cpu.r[d] = cpu.r[n]! | operand(cpu);
      };
    case DpOp.ORN:
      return (cpu) => {
        cpu.r[d] = cpu.r[n]! | ~operand(cpu);
      };
    default:
      return (cpu) => {
        cpu.r[d] = cpu.r[n]! ^ operand(cpu);
      };
  }
}

function writeLogical(cpu: Cpu, d: number, result: number): void {
  cpu.r[d] = result;
  setNZC(cpu, result);
}

/**
 * MOV and MVN (A7.7, immediate and register forms). MOV.W (register) without S may write SP
 * (MOV (register) T3), which goes through writeSp.
 */
export function moveOp(invert: boolean, d: number, operand: Operand, setFlags: boolean): Executor {
  const closure = moveClosure(invert, d, operand, setFlags);
  if (d === 13) return closure;
  const result = invert ? '~op_' : 'op_';
  return inlined(
    closure,
    operand,
    setFlags ? `const res = ${result}; r[${d}] = res; ${NZC}` : `r[${d}] = ${result};`,
  );
}

function moveClosure(invert: boolean, d: number, operand: Operand, setFlags: boolean): Executor {
  if (d === 13) {
    return (cpu) => {
      const result = invert ? ~operand(cpu) : operand(cpu);
      cpu.writeSp(result);
      if (setFlags) setNZC(cpu, result);
    };
  }
  if (invert) {
    if (setFlags)
      return (cpu) => {
        writeLogical(cpu, d, ~operand(cpu));
      };
    return (cpu) => {
      cpu.r[d] = ~operand(cpu);
    };
  }
  if (setFlags)
    return (cpu) => {
      writeLogical(cpu, d, operand(cpu));
    };
  return (cpu) => {
    cpu.r[d] = operand(cpu);
  };
}

/** TST and TEQ (A7.7): AND / EOR setting N, Z and C (from the shifter); no result. */
export function testOp(eor: boolean, n: number, operand: Operand): Executor {
  return inlined(testClosure(eor, n, operand), operand, `const res = r[${n}] ${eor ? '^' : '&'} op_; ${NZC}`);
}

function testClosure(eor: boolean, n: number, operand: Operand): Executor {
  if (eor)
    return (cpu) => {
      setNZC(cpu, cpu.r[n]! ^ operand(cpu));
    };
  return (cpu) => {
    setNZC(cpu, cpu.r[n]! & operand(cpu));
  };
}

/**
 * ADD, ADC, SBC, SUB, RSB (A7.7), all AddWithCarry(x, y, c) (A2.2.1): SUB is x + NOT(y) + 1,
 * SBC x + NOT(y) + C, RSB NOT(x) + y + 1. With S the flags are AddWithCarry's N, Z, C, V. d = 13
 * only occurs for ADD/SUB with n = 13 (the "SP plus/minus" forms), and goes through writeSp.
 */
export function arithmeticOp(
  op: number,
  d: number,
  n: number,
  operand: Operand,
  setFlags: boolean,
): Executor {
  const closure = arithmeticClosure(op, d, n, operand, setFlags);
  if (d === 13) return closure;
  const rn = `r[${n}]`;
  if (setFlags) {
    const write = `r[${d}] = res;`;
    switch (op) {
      case DpOp.ADD:
        return inlined(closure, operand, addWithCarrySource(rn, 'op_', '0', write));
      case DpOp.ADC:
        return inlined(closure, operand, addWithCarrySource(rn, 'op_', 'cpu.c', write));
      case DpOp.SBC:
        return inlined(closure, operand, addWithCarrySource(rn, '~op_', 'cpu.c', write));
      case DpOp.SUB:
        return inlined(closure, operand, addWithCarrySource(rn, '~op_', '1', write));
      default:
        return inlined(closure, operand, addWithCarrySource(`~${rn}`, 'op_', '1', write));
    }
  }
  switch (op) {
    case DpOp.ADD:
      return inlined(closure, operand, `r[${d}] = ${rn} + op_;`);
    case DpOp.ADC:
      return inlined(closure, operand, `r[${d}] = ${rn} + op_ + cpu.c;`);
    case DpOp.SBC:
      return inlined(closure, operand, `r[${d}] = ${rn} + ~op_ + cpu.c;`);
    case DpOp.SUB:
      return inlined(closure, operand, `r[${d}] = ${rn} - op_;`);
    default:
      return inlined(closure, operand, `r[${d}] = op_ - ${rn};`);
  }
}

function arithmeticClosure(op: number, d: number, n: number, operand: Operand, setFlags: boolean): Executor {
  if (d === 13) {
    const subtract = op === DpOp.SUB;
    return (cpu) => {
      const x = cpu.r[n]!;
      const y = operand(cpu);
      let result: number;
      if (setFlags) result = addWithCarryFlags(cpu, x, subtract ? ~y : y, subtract ? 1 : 0);
      else result = subtract ? (x - y) | 0 : (x + y) | 0;
      cpu.writeSp(result);
    };
  }
  if (setFlags) {
    switch (op) {
      case DpOp.ADD:
        return (cpu) => {
          cpu.r[d] = addWithCarryFlags(cpu, cpu.r[n]!, operand(cpu), 0);
        };
      case DpOp.ADC:
        return (cpu) => {
          cpu.r[d] = addWithCarryFlags(cpu, cpu.r[n]!, operand(cpu), cpu.c);
        };
      case DpOp.SBC:
        return (cpu) => {
          cpu.r[d] = addWithCarryFlags(cpu, cpu.r[n]!, ~operand(cpu), cpu.c);
        };
      case DpOp.SUB:
        return (cpu) => {
          cpu.r[d] = addWithCarryFlags(cpu, cpu.r[n]!, ~operand(cpu), 1);
        };
      default:
        return (cpu) => {
          cpu.r[d] = addWithCarryFlags(cpu, ~cpu.r[n]!, operand(cpu), 1);
        };
    }
  }
  switch (op) {
    case DpOp.ADD:
      return (cpu) => {
        cpu.r[d] = cpu.r[n]! + operand(cpu);
      };
    case DpOp.ADC:
      return (cpu) => {
        cpu.r[d] = cpu.r[n]! + operand(cpu) + cpu.c;
      };
    case DpOp.SBC:
      return (cpu) => {
        cpu.r[d] = cpu.r[n]! + ~operand(cpu) + cpu.c;
      };
    case DpOp.SUB:
      return (cpu) => {
        cpu.r[d] = cpu.r[n]! - operand(cpu);
      };
    default:
      return (cpu) => {
        cpu.r[d] = operand(cpu) - cpu.r[n]!;
      };
  }
}

/** CMP and CMN (A7.7): SUB / ADD setting N, Z, C, V; no result. */
export function compareOp(add: boolean, n: number, operand: Operand): Executor {
  if (add) {
    return inlined(
      (cpu) => void addWithCarryFlags(cpu, cpu.r[n]!, operand(cpu), 0),
      operand,
      addWithCarrySource(`r[${n}]`, 'op_', '0', ''),
    );
  }
  return inlined(
    (cpu) => void addWithCarryFlags(cpu, cpu.r[n]!, ~operand(cpu), 1),
    operand,
    addWithCarrySource(`r[${n}]`, '~op_', '1', ''),
  );
}

/** setNZC(cpu, res) as inline source. */
const NZC = 'cpu.n = res >>> 31; cpu.z = res === 0 ? 1 : 0; cpu.c = cpu.shifterCarry;';

/**
 * The executor with an inline source (inline-source.ts) made of the operand's source, which leaves
 * the operand in `op_`, and `body`; unchanged when the operand has no source.
 */
function inlined(executor: Executor, operand: Operand, body: string): Executor {
  const operandSource = sourceOf(operand);
  return operandSource === undefined ? executor : withSource(executor, `{ ${operandSource} ${body} }`);
}

/**
 * The rows of A5.3.1 and A5.3.11 that both tables share, with each instruction's UNPREDICTABLE
 * register checks (A7.7, encodings T1/T2/T3 of the immediate and register forms). MOV/MVN (Rn =
 * 1111 in the ORR/ORN rows), PKH and the register-only checks on Rm stay with the callers.
 * UNPREDICTABLE register choices (SP or PC where the manual forbids them) decode as UNDEFINED:
 * the Cortex-M4's behaviour there is not documented, and a deterministic fault is easiest to spot.
 */
export function decodeDpOperation(
  op: number,
  setFlags: boolean,
  d: number,
  n: number,
  operand: Operand,
): Executor {
  const nIsSpOrPc = n === 13 || n === 15;
  const dIsSpOrPc = d === 13 || d === 15;
  switch (op) {
    case DpOp.AND:
    case DpOp.EOR:
      if (d === 15 && setFlags) return nIsSpOrPc ? undefinedExecutor : testOp(op === DpOp.EOR, n, operand);
      if (dIsSpOrPc || nIsSpOrPc) return undefinedExecutor;
      return logicalOp(op, d, n, operand, setFlags);
    case DpOp.BIC:
      if (dIsSpOrPc || nIsSpOrPc) return undefinedExecutor;
      return logicalOp(op, d, n, operand, setFlags);
    case DpOp.ORR:
    case DpOp.ORN: // n = 15 (MOV, MVN) is decoded by the caller
      if (dIsSpOrPc || n === 13) return undefinedExecutor;
      return logicalOp(op, d, n, operand, setFlags);
    case DpOp.ADD:
    case DpOp.SUB:
      if (d === 15 && setFlags) return n === 15 ? undefinedExecutor : compareOp(op === DpOp.ADD, n, operand);
      // With n = 13 (ADD/SUB SP plus/minus ...) the destination may be SP; only PC is UNPREDICTABLE.
      if (d === 15 || n === 15 || (d === 13 && n !== 13)) return undefinedExecutor;
      return arithmeticOp(op, d, n, operand, setFlags);
    case DpOp.ADC:
    case DpOp.SBC:
    case DpOp.RSB:
      if (dIsSpOrPc || nIsSpOrPc) return undefinedExecutor;
      return arithmeticOp(op, d, n, operand, setFlags);
    default:
      return undefinedExecutor;
  }
}
