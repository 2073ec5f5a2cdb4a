import type { Cpu } from '../cpu.js';

/**
 * Shared pieces of the load/store executors: access sizes, register writes with the ARMv7-M side
 * effects, and the timing constants (Cortex-M4 TRM, table 3-1).
 */

/** Access kinds of single loads/stores: the size and, for loads, whether the value is sign-extended. */
export const WORD = 0;
export const HALF = 1;
export const SIGNED_HALF = 2;
export const BYTE = 3;
export const SIGNED_BYTE = 4;
export type AccessKind = typeof WORD | typeof HALF | typeof SIGNED_HALF | typeof BYTE | typeof SIGNED_BYTE;

/** Cycles a load or store costs beyond the first (TRM: LDR/STR are 2 cycles). */
export const ACCESS_CYCLES = 1;
/** Pipeline refill after a load writes the PC (TRM "P": 1–3 cycles; we pick 2, like a taken branch). */
export const REFILL_CYCLES = 2;

/** MemU[address, size] with the extension of `kind` (A3.2: unaligned LDR/LDRH/LDRSH are permitted). */
export function loadMem(cpu: Cpu, kind: AccessKind, address: number): number {
  switch (kind) {
    case WORD:
      return cpu.read32(address);
    case HALF:
      return cpu.read16(address);
    case SIGNED_HALF:
      return (cpu.read16(address) << 16) >> 16;
    case BYTE:
      return cpu.read8(address);
    default:
      return (cpu.read8(address) << 24) >> 24;
  }
}

/** MemU[address, size] = value (signed kinds never reach here: there are no signed stores). */
export function storeMem(cpu: Cpu, kind: AccessKind, address: number, value: number): void {
  switch (kind) {
    case WORD:
      cpu.write32(address, value);
      return;
    case HALF:
      cpu.write16(address, value);
      return;
    default:
      cpu.write8(address, value);
  }
}

/** R[n] = value for n != 15; R13 writes go through writeSp, which clears bits [1:0] (B1.4.1). */
export function setReg(cpu: Cpu, n: number, value: number): void {
  if (n === 13) cpu.writeSp(value);
  else cpu.r[n] = value;
}

/**
 * The check behind "if t == 15 && InITBlock() && !LastInITBlock() then UNPREDICTABLE" for loads to
 * the PC (A7.7 LDR, LDM, POP, TBB): it depends on ITSTATE, so it runs at execution time. We fault.
 */
export function checkPcLoadInIt(cpu: Cpu): void {
  const mask = cpu.itState & 0xf;
  if (mask !== 0 && mask !== 0b1000) cpu.undefinedInstruction();
}

/**
 * LoadWritePC for a single load (A2.3.1): "if address<1:0> == '00' then LoadWritePC(data) else
 * UNPREDICTABLE". We choose the alignment UsageFault for the unaligned case, so callers read the
 * word with read32Aligned.
 */
export function loadWritePc(cpu: Cpu, value: number): void {
  cpu.bxWritePc(value);
  cpu.cycles += REFILL_CYCLES;
}

/** BitCount() of a register list. */
export function bitCount(list: number): number {
  let x = list - ((list >>> 1) & 0x55555555);
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (Math.imul((x + (x >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24) & 0xff;
}

/** The register numbers of a list, lowest first (fixed at decode time so executors do not scan 16 bits). */
export function listRegisters(list: number): Uint8Array {
  const registers = new Uint8Array(bitCount(list));
  let j = 0;
  for (let i = 0; i < 16; i++) if ((list >>> i) & 1) registers[j++] = i;
  return registers;
}
