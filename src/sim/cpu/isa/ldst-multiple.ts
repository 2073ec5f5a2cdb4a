import { undefinedExecutor, type Executor } from './executor.js';
import { withSource } from './inline-source.js';
import {
  REFILL_CYCLES,
  bitCount,
  checkPcLoadInIt,
  listRegisters,
  loadWritePc,
  setReg,
} from './ldst-common.js';

/**
 * LDM/STM/PUSH/POP (A7.7 LDM, LDMDB, POP, PUSH, STM, STMDB) and the 32-bit load/store multiple table (A5.3.5). Every access is MemA (word
 * aligned, else UsageFault UNALIGNED). Timing: 1 + N cycles, + P when the PC is loaded (TRM 3.3.1).
 */

/** Loaded words are staged here, so a fault part-way through leaves every register untouched. */
const staged = new Int32Array(16);

/**
 * LDM (increment after) or LDMDB (decrement before) of `list`; `wback` writes the final address to Rn
 * after the loads. A list with the PC ends with LoadWritePC (interworking, EXC_RETURN).
 */
export function loadMultiple(n: number, list: number, wback: boolean, decrementBefore: boolean): Executor {
  const registers = listRegisters(list);
  const count = registers.length;
  const loadsPc = (list & 0x8000) !== 0;
  const size = 4 * count;
  return withSource(
    loadMultipleClosure(n, registers, loadsPc, wback, decrementBefore),
    // Outside IT blocks checkPcLoadInIt never faults (ITSTATE is 0), so the source leaves it out.
    `{ const s_ = ${decrementBefore ? `(r[${n}] - ${size}) | 0` : `r[${n}]`}; ` +
      Array.from(registers, (_, i) => `const v${i} = cpu.read32Aligned((s_ + ${4 * i}) | 0); `).join('') +
      Array.from(registers.subarray(0, loadsPc ? count - 1 : count), (reg, i) =>
        setRegSource(reg, `v${i}`),
      ).join(' ') +
      (wback ? ` ${setRegSource(n, decrementBefore ? 's_' : `(s_ + ${size}) | 0`)}` : '') +
      ` cpu.cycles += ${count};` +
      (loadsPc ? ` cpu.bxWritePc(v${count - 1}); cpu.cycles += ${REFILL_CYCLES};` : '') +
      ' }',
  );
}

function loadMultipleClosure(
  n: number,
  registers: Uint8Array,
  loadsPc: boolean,
  wback: boolean,
  decrementBefore: boolean,
): Executor {
  const count = registers.length;
  const size = 4 * count;
  return (cpu) => {
    const r = cpu.r;
    const start = decrementBefore ? (r[n]! - size) | 0 : r[n]!;
    if (loadsPc) checkPcLoadInIt(cpu);
    for (let i = 0; i < count; i++) staged[i] = cpu.read32Aligned((start + 4 * i) | 0);
    const last = loadsPc ? count - 1 : count;
    for (let i = 0; i < last; i++) setReg(cpu, registers[i]!, staged[i]!);
    if (wback) setReg(cpu, n, decrementBefore ? start : (start + size) | 0);
    cpu.cycles += count;
    if (loadsPc) loadWritePc(cpu, staged[last]!);
  };
}

/**
 * STM (increment after) or STMDB (decrement before). When Rn is in the list and written back, the
 * manual stores an UNKNOWN value unless Rn is the lowest register (16-bit STM only: the 32-bit
 * decode refuses it); we store Rn's original value, as the register is only written afterwards.
 */
export function storeMultiple(n: number, list: number, wback: boolean, decrementBefore: boolean): Executor {
  const registers = listRegisters(list);
  const count = registers.length;
  const size = 4 * count;
  return withSource(
    (cpu) => {
      const r = cpu.r;
      const start = decrementBefore ? (r[n]! - size) | 0 : r[n]!;
      for (let i = 0; i < count; i++) cpu.write32Aligned((start + 4 * i) | 0, r[registers[i]!]!);
      if (wback) setReg(cpu, n, decrementBefore ? start : (start + size) | 0);
      cpu.cycles += count;
    },
    `{ const s_ = ${decrementBefore ? `(r[${n}] - ${size}) | 0` : `r[${n}]`}; ` +
      Array.from(registers, (reg, i) => `cpu.write32Aligned((s_ + ${4 * i}) | 0, r[${reg}]); `).join('') +
      (wback ? `${setRegSource(n, decrementBefore ? 's_' : `(s_ + ${size}) | 0`)} ` : '') +
      `cpu.cycles += ${count}; }`,
  );
}

/** setReg (ldst-common.ts) as inline source. */
function setRegSource(n: number, value: string): string {
  return n === 13 ? `cpu.writeSp(${value});` : `r[${n}] = ${value};`;
}

/**
 * A5.3.5 (hw1 = 1110 100 op 0 W L Rn). UNPREDICTABLE choices fault (undefinedExecutor): Rn = PC,
 * SP in the list, an empty list, PC in an STM list, PC and LR both in an LDM list, writeback with Rn
 * in the list. A single-register list is UNPREDICTABLE too, but a Cortex-M4 performs the one
 * transfer (assemblers never emit it: they use LDR/STR), so we do the same.
 */
export function decodeLoadStoreMultiple32(hw1: number, hw2: number): Executor {
  const op = (hw1 >>> 7) & 0b11;
  const wback = ((hw1 >>> 5) & 1) === 1;
  const isLoad = ((hw1 >>> 4) & 1) === 1;
  const n = hw1 & 0xf;
  const list = hw2 & 0xffff;
  if (op === 0b00 || op === 0b11) return undefinedExecutor; // SRS/RFE: not in ARMv7-M
  if (n === 15 || (list & 0x2000) !== 0 || bitCount(list) < 1) return undefinedExecutor;
  if (wback && ((list >>> n) & 1) === 1) return undefinedExecutor;
  const decrementBefore = op === 0b10;
  if (isLoad) {
    if ((list & 0xc000) === 0xc000) return undefinedExecutor;
    return loadMultiple(n, list, wback, decrementBefore); // LDM/LDMIA/LDMFD, POP.W, LDMDB/LDMEA
  }
  if ((list & 0x8000) !== 0) return undefinedExecutor;
  return storeMultiple(n, list, wback, decrementBefore); // STM/STMIA/STMEA, PUSH.W, STMDB/STMFD
}
