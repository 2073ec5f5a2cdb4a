/**
 * JavaScript source equivalent to an executor's body, for the block compiler (../block.ts), which
 * pastes it into a block's generated function instead of calling the executor: the decode-time
 * constants become literals and V8 compiles the block's instructions as one piece of code.
 *
 * Rules for a source (the block compiler relies on them):
 * - it is one statement (normally a `{ ... }` block), using only `cpu` and `r` (= `cpu.r`) and
 *   numeric literals; it declares its locals inside its own braces;
 * - it does exactly what the executor does, in the same order, for an instruction outside an IT
 *   block (blocks never contain IT-block instructions, so `cpu.itState === 0` there);
 * - each source sits next to the closure it mirrors, so the two are read and changed together. The
 *   differential tests in ../block.test.ts run both on firmware and random code.
 * Executors without a source are called as before.
 */
const sources = new WeakMap<object, string>();

/** Registers `source` as the inline form of `executor` (or of a dp-operand.ts Operand) and returns it. */
export function withSource<F extends object>(fn: F, source: string): F {
  sources.set(fn, source);
  return fn;
}

/** The inline form of an executor or operand, if it has one. */
export function sourceOf(fn: object): string | undefined {
  return sources.get(fn);
}

/**
 * AddWithCarry(x, y, carry) setting N, Z, C, V as alu.ts addWithCarryFlags does, then `use`, a
 * statement that may read the result as `res`. `x`, `y` and `carry` are expressions evaluated once,
 * in that order.
 */
export function addWithCarrySource(x: string, y: string, carry: string, use: string): string {
  return (
    `{ const x_ = ${x}; const y_ = ${y}; const s_ = (x_ >>> 0) + (y_ >>> 0) + ${carry}; const res = s_ | 0; ` +
    `cpu.n = res >>> 31; cpu.z = res === 0 ? 1 : 0; cpu.c = s_ > 0xffffffff ? 1 : 0; ` +
    `cpu.v = ((x_ ^ res) & (y_ ^ res)) >>> 31; ${use} }`
  );
}

/** ConditionPassed(cond) as Cpu.conditionPassed computes it, as an expression (A7.3.1). */
export function conditionSource(cond: number): string {
  let result: string;
  switch (cond >>> 1) {
    case 0:
      result = 'cpu.z === 1';
      break;
    case 1:
      result = 'cpu.c === 1';
      break;
    case 2:
      result = 'cpu.n === 1';
      break;
    case 3:
      result = 'cpu.v === 1';
      break;
    case 4:
      result = 'cpu.c === 1 && cpu.z === 0';
      break;
    case 5:
      result = 'cpu.n === cpu.v';
      break;
    case 6:
      result = 'cpu.n === cpu.v && cpu.z === 0';
      break;
    default:
      return 'true';
  }
  return (cond & 1) === 1 && cond !== 0b1111 ? `!(${result})` : `(${result})`;
}
