import type { FastReadWindow } from './bus.js';
import type { Cpu } from './cpu.js';
import type { Executor } from './isa/executor.js';
import { sourceOf } from './isa/inline-source.js';

/**
 * A compiled straight-line block: the instructions from a start address up to the first that ends a
 * block (see endsBlock) in one generated function, so `Cpu.run` dispatches once per block instead of
 * once per instruction. Executors with an inline source (isa/inline-source.ts) are pasted in with
 * their decode-time constants as literals; the others are called, each from its own call site, so
 * V8 sees every call as monomorphic. A loop whose branch jumps back to the block's start stays
 * inside the function.
 *
 * The generated code performs exactly the per-instruction bookkeeping of `Cpu.execute` for an
 * instruction outside an IT block — `r[15]` = address + 4, `nextPc` = address + size, the executor,
 * `pc = nextPc`, one cycle, one instruction retired — and after each instruction it leaves when the
 * run loop would stop (`attention` non-zero or `cycles` at the limit) or when the instruction did not
 * fall through to the next one (a taken branch, an exception return). A fault thrown by an executor
 * leaves `pc` on the abandoned instruction, as `execute` does; the caller handles it the same way.
 * Register-only instructions (no memory access, no call into the core, no PC write) skip what they
 * cannot change: the `attention` test, and the `pc`/`nextPc` stores until someone can see them;
 * `r[15]` is written only for instructions that read it.
 */
export type Block = (cpu: Cpu, limit: number) => void;

/** Longest block compiled; longer straight-line code is simply split into several blocks. */
export const MAX_BLOCK_INSTRUCTIONS = 32;

/**
 * Builds the function for instructions at `addresses[i]` (as `Cpu.pc` holds them) of `sizes[i]`
 * bytes. The addresses are emitted as literals computed with the same arithmetic the core uses
 * (address + size), so `pc` takes the same number values as when single-stepping. After an
 * instruction marked in `branches` (a conditional branch; the last instruction always counts), a
 * jump back to the block's first instruction — a loop — continues inside the function when the run
 * loop would go on anyway (`attention` zero, `cycles` below the limit), saving the dispatch.
 */
export function compileBlock(
  executors: readonly Executor[],
  addresses: readonly number[],
  sizes: readonly number[],
  branches: readonly boolean[],
  windows: readonly FastReadWindow[] = [],
): Block {
  const count = executors.length;
  const start = addresses[0]!;
  const params: string[] = [];
  let body = windows.length === 0 ? '' : fastLoadSource(windows);
  body += 'return function block(cpu, limit) {\nconst r = cpu.r;\nfor (;;) {\n';
  // True after a register-only instruction, which leaves `pc` (and `nextPc`) to be written later.
  let pcStale = false;
  for (let i = 0; i < count; i++) {
    const address = addresses[i]!;
    const next = address + sizes[i]!;
    params.push(`e${i}`);
    const last = i + 1 === count;
    const source = sourceOf(executors[i]!);
    const readsPc = source === undefined || source.includes('r[15]');
    if (source !== undefined && isRegisterOnly(source)) {
      // Touches registers and flags only: it cannot branch, fault, read `pc`/`nextPc` or change
      // `attention` (zero before it, so zero after), so only the cycle limit needs a test; `pc` and
      // `nextPc` get their values when the block leaves or the next instruction needs them.
      if (readsPc) body += `r[15] = ${address + 4};\n`;
      body += `${source}\ncpu.cycles += 1; cpu.instructionsRetired += 1;\n`;
      const leave = `{ cpu.pc = ${next}; cpu.nextPc = ${next}; return; }`;
      body += last ? `${leave}\n` : `if (cpu.cycles >= limit) ${leave}\n`;
      pcStale = true;
      continue;
    }
    if (pcStale) body += `cpu.pc = ${address};\n`;
    pcStale = false;
    // The executor's body as source where it has one (isa/inline-source.ts), else a call.
    const execute =
      source === undefined ? `e${i}(cpu);` : windows.length === 0 ? source : withFastLoads(source);
    if (readsPc) body += `r[15] = ${address + 4}; `;
    body += `cpu.nextPc = ${next};\n${execute}\ncpu.pc = cpu.nextPc; cpu.cycles += 1; cpu.instructionsRetired += 1;\n`;
    if (last || branches[i] === true) {
      body += `if (cpu.attention !== 0 || cpu.cycles >= limit) return;\n`;
      body += last
        ? `if (cpu.pc !== ${start}) return;\n`
        : `if (cpu.pc !== ${next}) { if (cpu.pc !== ${start}) return; continue; }\n`;
    } else {
      body += `if (cpu.pc !== ${next} || cpu.attention !== 0 || cpu.cycles >= limit) return;\n`;
    }
  }
  body += '}\n};\n';
  // The only dynamic code in the simulator: its source is built above from numbers alone.
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  const factory = new Function(...params, 'windows', body) as (...args: unknown[]) => Block;
  return factory(...executors, windows);
}

/**
 * Loads that read the bus's fast windows directly when they may (aligned, no DWT data watchpoint
 * armed, window enabled) and take `cpu.read*` otherwise — the same value either way, since a window
 * holds exactly what the bus would return. Defined once per block, outside the block function.
 */
function fastLoadSource(windows: readonly FastReadWindow[]): string {
  let source = '';
  const probe = (array: string, index: string): string =>
    windows
      .map(
        (w, i) =>
          `o = (a - ${w.base >>> 0}) >>> 0; if (o < ${w.size} && w${i}.enabled) return w${i}.${array}[${index}];\n`,
      )
      .join('');
  windows.forEach((_, i) => (source += `const w${i} = windows[${i}];\n`));
  source += `function ld32(cpu, a) {\nif ((a & 3) === 0 && !cpu.watchData) { let o;\n${probe('words', 'o >>> 2')}}\nreturn cpu.read32(a);\n}\n`;
  source += `function ld16(cpu, a) {\nif ((a & 1) === 0 && !cpu.watchData) { let o;\n${probe('halves', 'o >>> 1')}}\nreturn cpu.read16(a);\n}\n`;
  source += `function ld8(cpu, a) {\nif (!cpu.watchData) { let o;\n${probe('bytes', 'o')}}\nreturn cpu.read8(a);\n}\n`;
  return source;
}

/** An inline source with its single loads routed through the fast-window loaders above. */
function withFastLoads(source: string): string {
  return source
    .replaceAll('cpu.read32(', 'ld32(cpu, ')
    .replaceAll('cpu.read16(', 'ld16(cpu, ')
    .replaceAll('cpu.read8(', 'ld8(cpu, ');
}

/**
 * An inline source that only computes on registers and flags: no memory access or other call into
 * the core (`cpu.read*`, `cpu.write*`, including writeSp) and no PC write (`nextPc`).
 */
function isRegisterOnly(source: string): boolean {
  return !source.includes('cpu.read') && !source.includes('cpu.write') && !source.includes('nextPc');
}

/**
 * Whether the instruction is a conditional branch that does not end a block: B<cond> (T1, T3) or
 * CBZ/CBNZ. `hw2` is -1 for a 16-bit instruction.
 */
export function isConditionalBranch(hw1: number, hw2: number): boolean {
  if (hw2 < 0) {
    if (hw1 >>> 12 === 0b1101) return (hw1 & 0x0e00) !== 0x0e00;
    return (hw1 & 0xf500) === 0xb100;
  }
  return hw1 >>> 11 === 0b11110 && (hw2 & 0xd000) === 0x8000 && ((hw1 >>> 6) & 0xf) >>> 1 !== 0b111;
}

/**
 * Whether the instruction ends a block (the next instruction is not compiled after it): it may write
 * the PC unconditionally (B, BX, BLX, BL, POP/LDM with PC, a load to PC, TBB/TBH, ADD/MOV to PC),
 * starts an IT block (the following instructions are conditional and run one by one), or belongs to
 * the system/branch-control space (MSR, MRS, CPS, barriers, hints, SVC, BKPT, UDF). Conditional
 * branches and CBZ/CBNZ do not end a block: when not taken, execution goes on in the same block. The
 * generated code also leaves after any instruction that did not fall through, so this is about where
 * compiling stops, not about correctness. `hw2` is -1 for a 16-bit instruction. Encodings: ARMv7-M
 * A5.2 (16-bit) and A5.3 (32-bit).
 */
export function endsBlock(hw1: number, hw2: number): boolean {
  if (hw2 < 0) {
    const top4 = hw1 >>> 12;
    if (top4 === 0b1101) return (hw1 & 0x0e00) === 0x0e00; // UDF, SVC (B<cond> does not end)
    if (hw1 >>> 11 === 0b11100) return true; // B (unconditional)
    if ((hw1 & 0xff00) === 0x4700) return true; // BX, BLX
    if ((hw1 & 0xfd00) === 0x4400 && ((hw1 & 7) | ((hw1 >>> 4) & 8)) === 15) return true; // ADD/MOV PC
    if ((hw1 & 0xff00) === 0xbd00) return true; // POP with PC
    if ((hw1 & 0xff00) === 0xbf00) return hw1 !== 0xbf00; // IT, and every hint but NOP
    if ((hw1 & 0xff00) === 0xbe00) return true; // BKPT
    if ((hw1 & 0xffe0) === 0xb660) return true; // CPS
    return false;
  }
  if (hw1 >>> 11 === 0b11110 && (hw2 & 0x8000) !== 0) {
    // Branches and miscellaneous control (A5.3.4): only B<cond>.W with a real condition continues.
    const conditional = (hw2 & 0x5000) === 0 && ((hw1 >>> 6) & 0xf) >>> 1 !== 0b111;
    return !conditional;
  }
  if ((hw1 & 0xfe40) === 0xe800 && (hw1 & 0x10) !== 0 && (hw2 & 0x8000) !== 0) return true; // LDM/POP with PC
  if ((hw1 & 0xfff0) === 0xe8d0) return true; // TBB, TBH (and the exclusives that share the row)
  if ((hw1 & 0xfe10) === 0xf810 && hw2 >>> 12 === 15) return true; // a load to PC (or PLD)
  return false;
}
