import { DEBUG_REG, DEMCR } from '../arch/armv7m/debug.js';
import {
  DWT_COMPARATOR_STRIDE,
  DWT_CTRL,
  DWT_FUNCTION,
  DWT_FUNCTION_WATCHPOINT,
  DWT_REG,
} from '../arch/armv7m/dwt.js';
import { hex32 } from '../util/bytes.js';
import { BadInputError, TargetError } from '../util/errors.js';
import type { MemoryAccess } from './memory-access.js';

/** Which data accesses stop the core. */
export type WatchKind = 'read' | 'write' | 'access';

export interface Watchpoint {
  readonly address: number;
  /** Bytes watched: a power of two, `address` aligned to it. */
  readonly size: number;
  readonly kind: WatchKind;
}

const FUNCTION_OF: Record<WatchKind, number> = {
  read: DWT_FUNCTION_WATCHPOINT.READ,
  write: DWT_FUNCTION_WATCHPOINT.WRITE,
  access: DWT_FUNCTION_WATCHPOINT.READ_WRITE,
};

const at = (register: number, index: number): number => register + DWT_COMPARATOR_STRIDE * index;

/**
 * Data watchpoints through the DWT's comparators (ARM DDI 0403E C1.8): COMPn holds the address,
 * MASKn how many low address bits to ignore (so the watched range is a naturally aligned power of
 * two), FUNCTIONn which accesses match. The DWT works only with DEMCR.TRCENA set. A watchpoint stops
 * the core after the access completes, so the halted PC is at or just past the accessing instruction.
 */
export class Watchpoints {
  private count: number | undefined;
  private readonly ours = new Map<number, Watchpoint>();

  constructor(private readonly memory: MemoryAccess) {}

  /** DWT_CTRL.NUMCOMP (TRCENA set first: without it the DWT may read as zero). */
  async comparators(): Promise<number> {
    if (this.count !== undefined) return this.count;
    await this.enableTrace();
    const ctrl = (await this.memory.read32(DWT_REG.CTRL)) >>> 0;
    this.count = (ctrl & DWT_CTRL.NUMCOMP_MASK) >>> DWT_CTRL.NUMCOMP_SHIFT;
    return this.count;
  }

  list(): Watchpoint[] {
    return [...this.ours.values()];
  }

  async set(watch: Watchpoint): Promise<number> {
    const { address, size, kind } = watch;
    if (!Number.isInteger(size) || size <= 0 || (size & (size - 1)) !== 0 || address % size !== 0) {
      throw new BadInputError(
        'watchpoint-range',
        `a watchpoint covers a power-of-two size at an address aligned to it; ${size} bytes at ${hex32(address)} is not one`,
        { hint: 'Watch 1, 2 or 4 bytes at an aligned address (or a larger aligned power of two).' },
      );
    }
    const count = await this.comparators();
    await this.enableTrace();
    let index = -1;
    for (let i = 0; i < count && index < 0; i++) {
      if (this.ours.has(i)) continue;
      const fn = (await this.memory.read32(at(DWT_REG.FUNCTION0, i))) & DWT_FUNCTION.FUNCTION_MASK;
      if (fn === 0) index = i;
    }
    if (index < 0) {
      throw new TargetError(
        'no-free-watchpoint',
        `all ${count} DWT comparators are in use; no watchpoint was set at ${hex32(address)}`,
        { hint: 'Remove a watchpoint first (the DWT has a fixed number of comparators).' },
      );
    }
    await this.memory.write32(at(DWT_REG.COMP0, index), address >>> 0);
    await this.memory.write32(at(DWT_REG.MASK0, index), Math.log2(size));
    await this.memory.write32(at(DWT_REG.FUNCTION0, index), FUNCTION_OF[kind]);
    // Reading FUNCTION clears a stale MATCHED, so a later hit is this watchpoint's.
    await this.memory.read32(at(DWT_REG.FUNCTION0, index));
    this.ours.set(index, { address: address >>> 0, size, kind });
    return index;
  }

  async remove(address: number): Promise<void> {
    for (const [index, watch] of this.ours) {
      if (watch.address !== address >>> 0) continue;
      await this.memory.write32(at(DWT_REG.FUNCTION0, index), 0);
      this.ours.delete(index);
    }
  }

  async clear(): Promise<void> {
    for (const index of [...this.ours.keys()]) {
      await this.memory.write32(at(DWT_REG.FUNCTION0, index), 0);
      this.ours.delete(index);
    }
  }

  /** Our watchpoints whose FUNCTIONn.MATCHED is set (reading clears it). */
  async hits(): Promise<Watchpoint[]> {
    const hit: Watchpoint[] = [];
    for (const [index, watch] of this.ours) {
      const fn = await this.memory.read32(at(DWT_REG.FUNCTION0, index));
      if (fn & DWT_FUNCTION.MATCHED) hit.push(watch);
    }
    return hit;
  }

  /**
   * Puts back what another program on the same probe changed of ours (OpenOCD's examine zeroes every
   * DWT_FUNCTIONn and rewrites DEMCR); the watchpoints put back. Only with the core halted: reading
   * FUNCTIONn clears its MATCHED bit, which must survive until a stop has been reported.
   */
  async reassert(): Promise<Watchpoint[]> {
    if (this.ours.size === 0) return [];
    await this.enableTrace();
    const restored: Watchpoint[] = [];
    for (const [index, watch] of this.ours) {
      // COMPn, MASKn and FUNCTIONn are consecutive words: one read.
      const block = await this.memory.readMemory(
        at(DWT_REG.COMP0, index),
        DWT_REG.FUNCTION0 + 4 - DWT_REG.COMP0,
      );
      const view = new DataView(block.buffer, block.byteOffset, block.byteLength);
      const word = (register: number): number => view.getUint32(register - DWT_REG.COMP0, true);
      const comp = word(DWT_REG.COMP0);
      const mask = word(DWT_REG.MASK0);
      const fn = word(DWT_REG.FUNCTION0) & DWT_FUNCTION.FUNCTION_MASK;
      if (comp === watch.address && mask === Math.log2(watch.size) && fn === FUNCTION_OF[watch.kind])
        continue;
      await this.memory.write32(at(DWT_REG.COMP0, index), watch.address);
      await this.memory.write32(at(DWT_REG.MASK0, index), Math.log2(watch.size));
      await this.memory.write32(at(DWT_REG.FUNCTION0, index), FUNCTION_OF[watch.kind]);
      restored.push(watch);
    }
    return restored;
  }

  forget(): void {
    this.count = undefined;
    this.ours.clear();
  }

  private async enableTrace(): Promise<void> {
    const demcr = await this.memory.read32(DEBUG_REG.DEMCR);
    if ((demcr & DEMCR.TRCENA) === 0)
      await this.memory.write32(DEBUG_REG.DEMCR, (demcr | DEMCR.TRCENA) >>> 0);
  }
}
