import type { Cpu } from '../cpu.js';
import type { Executor } from './executor.js';
import { withSource } from './inline-source.js';
import {
  ACCESS_CYCLES,
  BYTE,
  HALF,
  SIGNED_HALF,
  WORD,
  checkPcLoadInIt,
  loadMem,
  loadWritePc,
  setReg,
  storeMem,
  type AccessKind,
} from './ldst-common.js';

/**
 * Executors for single loads and stores (LDR/STR and the byte, halfword and signed variants), one
 * factory per addressing mode of A7.7: offset, pre-indexed and post-indexed immediate, register
 * offset with LSL, literal, and unprivileged. Decoders (load-store.ts, ldst-decode32.ts) have already
 * rejected the UNDEFINED/UNPREDICTABLE register choices; only a load may name the PC as Rt, and then
 * only as a word.
 *
 * Order of effects follows the pseudocode: the access first, then base writeback, then the register
 * write, so a faulting access leaves every register untouched.
 */

/** An internal kind: a word loaded into the PC (IT check, then an aligned read: see loadTarget). */
const PC_WORD = 5;
type LoadKind = AccessKind | typeof PC_WORD;

/**
 * The kind an executor for Rt = t really performs. A load to the PC is UNPREDICTABLE inside an IT
 * block unless last, and when the address is not word-aligned (A7.7 LDR); both fault here.
 */
function loadTarget(kind: AccessKind, t: number): LoadKind {
  return t === 15 ? PC_WORD : kind;
}

function load(cpu: Cpu, kind: LoadKind, address: number): number {
  if (kind === PC_WORD) {
    checkPcLoadInIt(cpu);
    return cpu.read32Aligned(address);
  }
  return loadMem(cpu, kind, address);
}

/** R[t] = value, with LoadWritePC for the PC and writeSp for R13. */
function writeLoaded(cpu: Cpu, t: number, value: number): void {
  if (t === 15) loadWritePc(cpu, value);
  else if (t === 13) cpu.writeSp(value);
  else cpu.r[t] = value;
}

/** LDR<x> Rt, [Rn, #imm] (offset addressing; `imm` already carries the sign of U). */
export function loadOffsetImm(kind: AccessKind, t: number, n: number, imm: number): Executor {
  const k = loadTarget(kind, t);
  if (t < 13 && k === WORD) {
    return withSource(
      (cpu) => {
        cpu.r[t] = cpu.read32((cpu.r[n]! + imm) | 0);
        cpu.cycles += ACCESS_CYCLES;
      },
      `{ r[${t}] = ${loadSource(WORD, `(r[${n}] + ${imm}) | 0`)}; cpu.cycles += ${ACCESS_CYCLES}; }`,
    );
  }
  if (t < 13) {
    return withSource(
      (cpu) => {
        cpu.r[t] = loadMem(cpu, kind, (cpu.r[n]! + imm) | 0);
        cpu.cycles += ACCESS_CYCLES;
      },
      `{ r[${t}] = ${loadSource(kind, `(r[${n}] + ${imm}) | 0`)}; cpu.cycles += ${ACCESS_CYCLES}; }`,
    );
  }
  return (cpu) => {
    writeLoaded(cpu, t, load(cpu, k, (cpu.r[n]! + imm) | 0));
    cpu.cycles += ACCESS_CYCLES;
  };
}

/** LDR<x> Rt, [Rn, Rm, LSL #shift]. */
export function loadOffsetReg(kind: AccessKind, t: number, n: number, m: number, shift: number): Executor {
  const k = loadTarget(kind, t);
  if (t < 13 && k === WORD) {
    return withSource(
      (cpu) => {
        cpu.r[t] = cpu.read32((cpu.r[n]! + (cpu.r[m]! << shift)) | 0);
        cpu.cycles += ACCESS_CYCLES;
      },
      `{ r[${t}] = ${loadSource(WORD, `(r[${n}] + (r[${m}] << ${shift})) | 0`)}; cpu.cycles += ${ACCESS_CYCLES}; }`,
    );
  }
  return (cpu) => {
    writeLoaded(cpu, t, load(cpu, k, (cpu.r[n]! + (cpu.r[m]! << shift)) | 0));
    cpu.cycles += ACCESS_CYCLES;
  };
}

/** LDR<x> Rt, [Rn, #imm]! (preIndex) or LDR<x> Rt, [Rn], #imm (post-index); both write Rn back. */
export function loadIndexed(
  kind: AccessKind,
  t: number,
  n: number,
  imm: number,
  preIndex: boolean,
): Executor {
  const k = loadTarget(kind, t);
  const closure: Executor = (cpu) => {
    const base = cpu.r[n]!;
    const offsetAddress = (base + imm) | 0;
    const value = load(cpu, k, preIndex ? offsetAddress : base);
    setReg(cpu, n, offsetAddress);
    writeLoaded(cpu, t, value);
    cpu.cycles += ACCESS_CYCLES;
  };
  if (t >= 13) return closure;
  return withSource(
    closure,
    `{ const b_ = r[${n}]; const a_ = (b_ + ${imm}) | 0; const v_ = ${loadSource(kind, preIndex ? 'a_' : 'b_')}; ` +
      `${setRegSource(n, 'a_')} r[${t}] = v_; cpu.cycles += ${ACCESS_CYCLES}; }`,
  );
}

/** LDR<x> Rt, <label>: the address Align(PC, 4) ± imm is fixed at decode time. */
export function loadLiteral(kind: AccessKind, t: number, address: number): Executor {
  const k = loadTarget(kind, t);
  const closure: Executor = (cpu) => {
    writeLoaded(cpu, t, load(cpu, k, address));
    cpu.cycles += ACCESS_CYCLES;
  };
  if (t >= 13) return closure;
  return withSource(
    closure,
    `{ r[${t}] = ${loadSource(kind, `${address}`)}; cpu.cycles += ${ACCESS_CYCLES}; }`,
  );
}

/**
 * LDRT/LDRBT/LDRHT/LDRSBT/LDRSHT (A7.7): the access is checked as unprivileged. If the access
 * faults, the core's step clears `forceUnprivileged` when it abandons the instruction.
 */
export function loadUnprivileged(kind: AccessKind, t: number, n: number, imm: number): Executor {
  return (cpu) => {
    const address = (cpu.r[n]! + imm) | 0;
    cpu.forceUnprivileged = true;
    const value = loadMem(cpu, kind, address);
    cpu.forceUnprivileged = false;
    cpu.r[t] = value;
    cpu.cycles += ACCESS_CYCLES;
  };
}

/** STR<x> Rt, [Rn, #imm]. */
export function storeOffsetImm(kind: AccessKind, t: number, n: number, imm: number): Executor {
  const source = `{ ${storeSource(kind, `(r[${n}] + ${imm}) | 0`, `r[${t}]`)}; cpu.cycles += ${ACCESS_CYCLES}; }`;
  if (kind === WORD) {
    return withSource((cpu) => {
      cpu.write32((cpu.r[n]! + imm) | 0, cpu.r[t]!);
      cpu.cycles += ACCESS_CYCLES;
    }, source);
  }
  return withSource((cpu) => {
    storeMem(cpu, kind, (cpu.r[n]! + imm) | 0, cpu.r[t]!);
    cpu.cycles += ACCESS_CYCLES;
  }, source);
}

/** STR<x> Rt, [Rn, Rm, LSL #shift]. */
export function storeOffsetReg(kind: AccessKind, t: number, n: number, m: number, shift: number): Executor {
  return withSource(
    (cpu) => {
      storeMem(cpu, kind, (cpu.r[n]! + (cpu.r[m]! << shift)) | 0, cpu.r[t]!);
      cpu.cycles += ACCESS_CYCLES;
    },
    `{ ${storeSource(kind, `(r[${n}] + (r[${m}] << ${shift})) | 0`, `r[${t}]`)}; cpu.cycles += ${ACCESS_CYCLES}; }`,
  );
}

/** setReg (ldst-common.ts) as inline source. */
function setRegSource(n: number, value: string): string {
  return n === 13 ? `cpu.writeSp(${value});` : `r[${n}] = ${value};`;
}

/** loadMem (ldst-common.ts) of `kind` at the address expression, as inline source. */
function loadSource(kind: AccessKind, address: string): string {
  switch (kind) {
    case WORD:
      return `cpu.read32(${address})`;
    case HALF:
      return `cpu.read16(${address})`;
    case SIGNED_HALF:
      return `(cpu.read16(${address}) << 16) >> 16`;
    case BYTE:
      return `cpu.read8(${address})`;
    default:
      return `(cpu.read8(${address}) << 24) >> 24`;
  }
}

/** storeMem (ldst-common.ts) of `kind`, as inline source. */
function storeSource(kind: AccessKind, address: string, value: string): string {
  switch (kind) {
    case WORD:
      return `cpu.write32(${address}, ${value})`;
    case HALF:
      return `cpu.write16(${address}, ${value})`;
    default:
      return `cpu.write8(${address}, ${value})`;
  }
}

/** STR<x> Rt, [Rn, #imm]! or STR<x> Rt, [Rn], #imm (PUSH T3 is STR Rt, [SP, #-4]!). */
export function storeIndexed(
  kind: AccessKind,
  t: number,
  n: number,
  imm: number,
  preIndex: boolean,
): Executor {
  return withSource(
    (cpu) => {
      const base = cpu.r[n]!;
      const offsetAddress = (base + imm) | 0;
      storeMem(cpu, kind, preIndex ? offsetAddress : base, cpu.r[t]!);
      setReg(cpu, n, offsetAddress);
      cpu.cycles += ACCESS_CYCLES;
    },
    `{ const b_ = r[${n}]; const a_ = (b_ + ${imm}) | 0; ${storeSource(kind, preIndex ? 'a_' : 'b_', `r[${t}]`)}; ` +
      `${setRegSource(n, 'a_')} cpu.cycles += ${ACCESS_CYCLES}; }`,
  );
}

/** STRT/STRBT/STRHT: an unprivileged store (see loadUnprivileged). */
export function storeUnprivileged(kind: AccessKind, t: number, n: number, imm: number): Executor {
  return (cpu) => {
    const address = (cpu.r[n]! + imm) | 0;
    const value = cpu.r[t]!;
    cpu.forceUnprivileged = true;
    storeMem(cpu, kind, address, value);
    cpu.forceUnprivileged = false;
    cpu.cycles += ACCESS_CYCLES;
  };
}
