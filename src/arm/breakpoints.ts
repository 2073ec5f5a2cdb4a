import { ADDRESS_MAP } from '../arch/armv7m/memory-map.js';
import { FP_COMP, FP_COMP_REPLACE, FP_COMP_V2, FP_CTRL, FP_CTRL_REV, FPB_REG } from '../arch/armv7m/fpb.js';
import { hex32 } from '../util/bytes.js';
import { BadInputError, TargetError } from '../util/errors.js';
import type { MemoryAccess } from './memory-access.js';

/** What the FPB offers (FP_CTRL, ARM DDI 0403E C1.11.3). */
export interface FpbInfo {
  /** Instruction-address comparators: NUM_CODE2:NUM_CODE1. */
  readonly codeComparators: number;
  readonly literalComparators: number;
  /** 1 or 2 (FP_CTRL.REV + 1). */
  readonly version: number;
}

/** One comparator: which word (version 1) or halfword (version 2) it watches, and whose it is. */
interface Slot {
  /** The comparator's address (version 1: the word; version 2: the halfword). */
  address: number;
  lower: boolean;
  upper: boolean;
  /** Set by someone else before we looked (another debugger sharing the probe): left alone. */
  readonly foreign: boolean;
}

/**
 * Hardware breakpoints through the Flash Patch and Breakpoint unit. Version 1 (Cortex-M3/M4) breaks
 * on Code-region addresses only (below 0x20000000): one comparator holds a word and breaks on its
 * lower, upper or both halfwords (REPLACE), so two breakpoints in one word share a comparator.
 * Version 2 breaks on one halfword anywhere. Comparators another program set are left in place.
 */
export class Breakpoints {
  private info: FpbInfo | undefined;
  private slots: (Slot | undefined)[] = [];

  constructor(private readonly memory: MemoryAccess) {}

  async describe(): Promise<FpbInfo> {
    if (this.info !== undefined) return this.info;
    const ctrl = (await this.memory.read32(FPB_REG.CTRL)) >>> 0;
    const code1 = (ctrl & FP_CTRL.NUM_CODE1_MASK) >>> FP_CTRL.NUM_CODE1_SHIFT;
    const code2 = (ctrl & FP_CTRL.NUM_CODE2_MASK) >>> FP_CTRL.NUM_CODE2_SHIFT;
    const info: FpbInfo = {
      codeComparators: (code2 << 4) | code1,
      literalComparators: (ctrl & FP_CTRL.NUM_LIT_MASK) >>> FP_CTRL.NUM_LIT_SHIFT,
      // REV counts from 0 for version 1.
      version: ((ctrl & FP_CTRL.REV_MASK) >>> FP_CTRL.REV_SHIFT) - FP_CTRL_REV.VERSION_1 + 1,
    };
    this.slots = [];
    for (let i = 0; i < info.codeComparators; i++) {
      const comp = (await this.memory.read32(comparator(i))) >>> 0;
      this.slots.push(decodeComparator(comp, info.version));
    }
    this.info = info;
    return info;
  }

  /** The breakpoint addresses set through this object. */
  async list(): Promise<number[]> {
    await this.describe();
    return this.slots.flatMap((slot) =>
      slot === undefined || slot.foreign ? [] : halves(slot, this.info?.version ?? 1),
    );
  }

  /** Whether any comparator, ours or another program's, breaks at `address` (a halted PC, say). */
  async isSetAt(address: number): Promise<boolean> {
    const info = await this.describe();
    const at = (address & ~1) >>> 0;
    return this.slots.some((slot) => slot !== undefined && halves(slot, info.version).includes(at));
  }

  /** Breaks before the instruction at `address` executes (bit 0, the Thumb bit, is ignored). */
  async set(address: number): Promise<void> {
    const info = await this.describe();
    const at = (address & ~1) >>> 0;
    if (info.version === 1 && at >= ADDRESS_MAP.SRAM) {
      throw new BadInputError(
        'breakpoint-outside-code',
        `a hardware breakpoint at ${hex32(at)} is outside the Code region (FPB version 1 compares addresses below 0x20000000 only)`,
        { hint: 'Break on code in flash; code running from RAM needs a software breakpoint (BKPT).' },
      );
    }
    if (info.version !== 1 && info.version !== 2) {
      throw new TargetError(
        'fpb-version',
        `the FPB reports version ${info.version}, which swdkit does not know`,
      );
    }
    if (await this.isSetAt(at)) return;
    const word = info.version === 1 ? (at & ~3) >>> 0 : at;
    let index = this.slots.findIndex((s) => s !== undefined && !s.foreign && s.address === word);
    if (index < 0) index = this.slots.findIndex((s) => s === undefined);
    if (index < 0) {
      throw new TargetError(
        'no-free-breakpoint',
        `all ${info.codeComparators} FPB comparators are in use; no breakpoint was set at ${hex32(at)}`,
        { hint: 'Remove a breakpoint first (the FPB has a fixed number of comparators).' },
      );
    }
    const slot = this.slots[index] ?? { address: word, lower: false, upper: false, foreign: false };
    if (info.version === 1 && (at & 2) !== 0) slot.upper = true;
    else slot.lower = true;
    this.slots[index] = slot;
    await this.memory.write32(comparator(index), encodeComparator(slot, info.version));
    await this.memory.write32(FPB_REG.CTRL, FP_CTRL.KEY | FP_CTRL.ENABLE);
  }

  async remove(address: number): Promise<void> {
    const info = await this.describe();
    const at = (address & ~1) >>> 0;
    const word = info.version === 1 ? (at & ~3) >>> 0 : at;
    const index = this.slots.findIndex((s) => s !== undefined && !s.foreign && s.address === word);
    const slot = this.slots[index];
    if (slot === undefined) return;
    if (info.version === 1 && (at & 2) !== 0) slot.upper = false;
    else slot.lower = false;
    const empty = !slot.lower && !slot.upper;
    if (empty) this.slots[index] = undefined;
    await this.memory.write32(comparator(index), empty ? 0 : encodeComparator(slot, info.version));
  }

  /** Removes every breakpoint set through this object (foreign ones stay). */
  async clear(): Promise<void> {
    await this.describe();
    for (const [index, slot] of this.slots.entries()) {
      if (slot === undefined || slot.foreign) continue;
      this.slots[index] = undefined;
      await this.memory.write32(comparator(index), 0);
    }
  }

  /**
   * Puts back what another program on the same probe changed of ours: OpenOCD's examine, run when it
   * connects, zeroes every FP_COMPn. Returns the breakpoint addresses put back. One read of the
   * unit's registers when nothing changed; reading them has no side effect, so this is safe while
   * the core runs.
   */
  async reassert(): Promise<number[]> {
    const info = this.info;
    if (info === undefined) return [];
    const ours = [...this.slots.entries()].filter(
      (entry): entry is [number, Slot] => entry[1] !== undefined && !entry[1].foreign,
    );
    if (ours.length === 0) return [];
    const block = await this.memory.readMemory(FPB_REG.CTRL, comparator(info.codeComparators) - FPB_REG.CTRL);
    const view = new DataView(block.buffer, block.byteOffset, block.byteLength);
    const word = (address: number): number => view.getUint32(address - FPB_REG.CTRL, true);
    const restored: number[] = [];
    for (const [index, slot] of ours) {
      const wanted = encodeComparator(slot, info.version);
      if (word(comparator(index)) === wanted) continue;
      await this.memory.write32(comparator(index), wanted);
      restored.push(...halves(slot, info.version));
    }
    if ((word(FPB_REG.CTRL) & FP_CTRL.ENABLE) !== 0) return restored;
    // The unit was off: none of our breakpoints could hit, whatever their comparators held.
    await this.memory.write32(FPB_REG.CTRL, FP_CTRL.KEY | FP_CTRL.ENABLE);
    return ours.flatMap(([, slot]) => halves(slot, info.version));
  }

  /** Turns the whole unit off or on (FP_CTRL.ENABLE): to step over a breakpoint at the PC. */
  async enable(on: boolean): Promise<void> {
    await this.memory.write32(FPB_REG.CTRL, FP_CTRL.KEY | (on ? FP_CTRL.ENABLE : 0));
  }

  /** Forget what was read: after a power cycle or another program's changes. */
  forget(): void {
    this.info = undefined;
    this.slots = [];
  }
}

const comparator = (index: number): number => FPB_REG.COMP0 + 4 * index;

function decodeComparator(comp: number, version: number): Slot | undefined {
  if (version === 2) {
    if ((comp & FP_COMP_V2.BE) === 0) return undefined;
    return { address: (comp & FP_COMP_V2.BPADDR_MASK) >>> 0, lower: true, upper: false, foreign: true };
  }
  if ((comp & FP_COMP.ENABLE) === 0) return undefined;
  const replace = (comp & FP_COMP.REPLACE_MASK) >>> FP_COMP.REPLACE_SHIFT;
  return {
    address: (comp & FP_COMP.COMP_MASK) >>> 0,
    lower: (replace & FP_COMP_REPLACE.BREAK_LOWER) !== 0,
    upper: (replace & FP_COMP_REPLACE.BREAK_UPPER) !== 0,
    foreign: true,
  };
}

function encodeComparator(slot: Slot, version: number): number {
  if (version === 2) return ((slot.address & FP_COMP_V2.BPADDR_MASK) | FP_COMP_V2.BE) >>> 0;
  const replace =
    (slot.lower ? FP_COMP_REPLACE.BREAK_LOWER : 0) | (slot.upper ? FP_COMP_REPLACE.BREAK_UPPER : 0);
  return ((slot.address & FP_COMP.COMP_MASK) | (replace << FP_COMP.REPLACE_SHIFT) | FP_COMP.ENABLE) >>> 0;
}

function halves(slot: Slot, version: number): number[] {
  if (version === 2) return [slot.address];
  return [...(slot.lower ? [slot.address] : []), ...(slot.upper ? [slot.address + 2] : [])];
}
