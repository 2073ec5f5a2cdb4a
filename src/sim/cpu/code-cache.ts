import { compileBlock, endsBlock, isConditionalBranch, MAX_BLOCK_INSTRUCTIONS, type Block } from './block.js';
import { BusError, type Bus } from './bus.js';
import type { Cpu } from './cpu.js';
import { decodeThumb } from './isa/decode.js';
import type { Executor } from './isa/executor.js';
import { ATTN } from './system/attention.js';

/**
 * The core's translated code, per code region of the bus: the decoded executor of every instruction
 * (by halfword) and the compiled straight-line blocks (block.ts, by start halfword), with what it
 * takes to forget them when code changes. Code runs from one region for long stretches, so the
 * region that served the last look-up is kept "hot" and tried first.
 *
 * Interface: `lookup` (the executor at a PC, decoding on a miss; sets `cpu.nextPc`), `block` (the
 * compiled block at a PC, compiling on a miss), `invalidate` (a write to code). All three are on the
 * core's hot paths: they stay small and allocation-free on a hit.
 */
export class CodeCache {
  private readonly codeBase: number[];
  private readonly codeSize: number[];
  private readonly decoded: (Executor | undefined)[][];
  private readonly decodedSize: Uint8Array[];
  /** The code region `lookup` hit last (see lookup). */
  private hotBase = 0;
  private hotSize = 0;
  private hotDecoded: (Executor | undefined)[] = [];
  private hotDecodedSize: Uint8Array = new Uint8Array(0);
  /** Compiled blocks by start halfword, per code region; `blockCover` counts the blocks over each halfword. */
  private readonly blocks: (Block | undefined)[][];
  private readonly blockCover: Uint16Array[];
  /** Start and end (exclusive) halfword indices of the blocks in each region. */
  private readonly blockStarts: number[][];
  private readonly blockEnds: number[][];
  /** 1 once anything was decoded in the region: stores elsewhere (data, stacks) skip invalidation. */
  private readonly regionHasCode: Uint8Array;
  private hotBlocks: (Block | undefined)[] = [];

  constructor(
    private readonly cpu: Cpu,
    private readonly bus: Bus,
  ) {
    this.codeBase = bus.codeRegions.map((r) => r.base >>> 0);
    this.codeSize = bus.codeRegions.map((r) => r.size);
    this.decoded = bus.codeRegions.map((r) => new Array<Executor | undefined>(r.size >>> 1));
    this.decodedSize = bus.codeRegions.map((r) => new Uint8Array(r.size >>> 1));
    this.blocks = bus.codeRegions.map((r) => new Array<Block | undefined>(r.size >>> 1));
    this.blockCover = bus.codeRegions.map((r) => new Uint16Array(r.size >>> 1));
    this.blockStarts = bus.codeRegions.map(() => []);
    this.blockEnds = bus.codeRegions.map(() => []);
    this.regionHasCode = new Uint8Array(bus.codeRegions.length);
  }

  /** Finds (decoding on a miss) the executor for the instruction at `pc` and sets `cpu.nextPc`. */
  lookup(pc: number): Executor {
    // Code runs from one region for long stretches: try the last one before searching.
    const offset = (pc - this.hotBase) >>> 0;
    if (offset < this.hotSize) {
      const index = offset >>> 1;
      const cached = this.hotDecoded[index];
      if (cached !== undefined) {
        this.cpu.nextPc = pc + this.hotDecodedSize[index]!;
        return cached;
      }
    }
    return this.lookupSlow(pc);
  }

  private lookupSlow(pc: number): Executor {
    const base = this.codeBase;
    for (let i = 0; i < base.length; i++) {
      const offset = (pc - base[i]!) >>> 0;
      if (offset < this.codeSize[i]!) {
        this.hotBase = base[i]!;
        this.hotSize = this.codeSize[i]!;
        this.hotDecoded = this.decoded[i]!;
        this.hotDecodedSize = this.decodedSize[i]!;
        this.hotBlocks = this.blocks[i]!;
        const index = offset >>> 1;
        const cached = this.hotDecoded[index];
        if (cached !== undefined) {
          this.cpu.nextPc = pc + this.hotDecodedSize[index]!;
          return cached;
        }
        const exec = this.decodeAt(pc);
        this.hotDecoded[index] = exec;
        this.hotDecodedSize[index] = this.cpu.nextPc - pc;
        this.regionHasCode[i] = 1;
        return exec;
      }
    }
    return this.decodeAt(pc);
  }

  private decodeAt(pc: number): Executor {
    const hw1 = this.bus.fetch16(pc);
    // A 32-bit Thumb instruction starts with 0b11101, 0b11110 or 0b11111 (ARMv7-M A5.1).
    if (hw1 >>> 11 >= 0b11101) {
      const hw2 = this.bus.fetch16(pc + 2);
      this.cpu.nextPc = pc + 4;
      return decodeThumb(hw1, hw2, pc);
    }
    this.cpu.nextPc = pc + 2;
    return decodeThumb(hw1, -1, pc);
  }

  /**
   * The compiled block starting at `pc`, compiling it on a miss; undefined when there is none (see
   * compileAt): the core then executes one instruction.
   */
  block(pc: number): Block | undefined {
    const offset = (pc - this.hotBase) >>> 0;
    const block = offset < this.hotSize ? this.hotBlocks[offset >>> 1] : undefined;
    return block ?? this.compileAt(pc);
  }

  /**
   * Compiles the block starting at `pc`, or returns undefined when `pc` is outside the code regions
   * or its first instruction cannot be fetched (then `execute` raises the fault). The block ends
   * after an instruction `endsBlock` names, at the region's end, before an instruction that cannot
   * be fetched, or after MAX_BLOCK_INSTRUCTIONS. Where generated code is forbidden, turns
   * `cpu.compileBlocks` off.
   */
  private compileAt(pc: number): Block | undefined {
    const cpu = this.cpu;
    const base = this.codeBase;
    let region = -1;
    for (let i = 0; i < base.length; i++) {
      if ((pc - base[i]!) >>> 0 < this.codeSize[i]!) {
        region = i;
        break;
      }
    }
    if (region < 0) return undefined;
    const regionBase = base[region]!;
    const regionSize = this.codeSize[region]!;
    const start = (pc - regionBase) >>> 1;
    // Make this region the hot one, so the next lookups (and block) hit it first.
    this.hotBase = regionBase;
    this.hotSize = regionSize;
    this.hotDecoded = this.decoded[region]!;
    this.hotDecodedSize = this.decodedSize[region]!;
    this.hotBlocks = this.blocks[region]!;
    const existing = this.hotBlocks[start];
    if (existing !== undefined) return existing;
    const executors: Executor[] = [];
    const addresses: number[] = [];
    const sizes: number[] = [];
    const branches: boolean[] = [];
    const savedNextPc = cpu.nextPc;
    let address = pc;
    try {
      while (executors.length < MAX_BLOCK_INSTRUCTIONS) {
        const offset = (address - regionBase) >>> 0;
        if (offset + 2 > regionSize) break;
        const hw1 = this.bus.fetch16(address);
        const wide = hw1 >>> 11 >= 0b11101;
        if (wide && offset + 4 > regionSize) break;
        const hw2 = wide ? this.bus.fetch16(address + 2) : -1;
        const executor = this.lookup(address);
        executors.push(executor);
        addresses.push(address);
        sizes.push(cpu.nextPc - address);
        branches.push(isConditionalBranch(hw1, hw2));
        address = cpu.nextPc;
        if (endsBlock(hw1, hw2)) break;
      }
    } catch (thrown) {
      if (!(thrown instanceof BusError)) throw thrown;
    }
    cpu.nextPc = savedNextPc;
    if (executors.length === 0) return undefined;
    let block: Block;
    try {
      block = compileBlock(executors, addresses, sizes, branches, this.bus.fastReadWindows);
    } catch (thrown) {
      // A host that forbids generated code (a Content Security Policy without 'unsafe-eval'):
      // run one instruction at a time, which gives the same results.
      if (!(thrown instanceof EvalError)) throw thrown;
      cpu.compileBlocks = false;
      return undefined;
    }
    this.blocks[region]![start] = block;
    const end = ((address - regionBase) >>> 0) >>> 1;
    this.blockStarts[region]!.push(start);
    this.blockEnds[region]!.push(end);
    const cover = this.blockCover[region]!;
    for (let k = start; k < end; k++) cover[k]! += 1;
    return block;
  }

  /** Drops the compiled blocks of a code region that overlap halfwords [from, to). */
  private dropBlocks(region: number, from: number, to: number): void {
    const blocks = this.blocks[region]!;
    const starts = this.blockStarts[region]!;
    const ends = this.blockEnds[region]!;
    const cover = this.blockCover[region]!;
    for (let j = starts.length - 1; j >= 0; j--) {
      const start = starts[j]!;
      const end = ends[j]!;
      if (start >= to || end <= from) continue;
      blocks[start] = undefined;
      for (let k = start; k < end; k++) cover[k]! -= 1;
      starts[j] = starts[starts.length - 1]!;
      ends[j] = ends[ends.length - 1]!;
      starts.pop();
      ends.pop();
    }
  }

  /** Forgets decoded instructions and compiled blocks overlapping [address, address + length). */
  invalidate(address: number, length: number): void {
    const base = this.codeBase;
    for (let i = 0; i < base.length; i++) {
      if (this.regionHasCode[i] === 0) continue;
      const start = (address - base[i]!) | 0;
      const size = this.codeSize[i]!;
      if (start + length <= 0 || start >= size) continue;
      // A 32-bit instruction starting 2 bytes earlier also covers the first halfword written.
      const from = Math.max(0, (start >> 1) - 1);
      const to = Math.min(size >>> 1, (start + length + 1) >> 1);
      const decoded = this.decoded[i]!;
      // Stores are frequent and usually 1–3 entries wide: a loop beats Array.prototype.fill here.
      for (let k = from; k < to; k++) decoded[k] = undefined;
      if (this.blockStarts[i]!.length === 0) continue;
      const cover = this.blockCover[i]!;
      for (let k = from; k < to; k++) {
        if (cover[k] !== 0) {
          // Self-modifying code, or a debugger rewriting code (a flash loader in SRAM): the blocks
          // over the written bytes go, and a block running now stops after the current instruction
          // (ATTN.CODE), so the next one is compiled from the new code.
          this.dropBlocks(i, from, to);
          this.cpu.attention |= ATTN.CODE;
          break;
        }
      }
    }
  }
}
