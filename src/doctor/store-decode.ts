/**
 * Which value a store wrote, read back from the instruction itself: a DWT watchpoint halts the core
 * just after the store (ARM DDI 0403E C1.8.1), so the store is the instruction before the PC, and its
 * source register still holds the value. Only the Thumb STR/STRH/STRB forms a compiler uses for a
 * peripheral register are decoded (A7.7.158-A7.7.163: immediate and register offsets); the computed
 * address must equal the watched one, which rules out reading the wrong instruction.
 */

export interface DecodedStore {
  /** The address of the store instruction. */
  readonly pc: number;
  /** The byte address written. */
  readonly address: number;
  readonly size: 1 | 2 | 4;
  /** The source register's index (0-15). */
  readonly rt: number;
}

export interface StoreContext {
  /** The halfword at an address (instructions are read from the target). */
  readonly halfword: (address: number) => Promise<number>;
  /** A core register by index, as it is now (after the store). */
  readonly register: (index: number) => Promise<number>;
}

type Candidate = Omit<DecodedStore, 'pc'>;

async function decode16(hw: number, ctx: StoreContext): Promise<Candidate | undefined> {
  const rt = hw & 7;
  const rn = (hw >> 3) & 7;
  const imm5 = (hw >> 6) & 0x1f;
  const immediate: Record<number, 1 | 2 | 4> = { 0x6000: 4, 0x8000: 2, 0x7000: 1 };
  const immSize = immediate[hw & 0xf800];
  if (immSize !== undefined) {
    return { address: ((await ctx.register(rn)) + imm5 * immSize) >>> 0, size: immSize, rt };
  }
  const registerForm: Record<number, 1 | 2 | 4> = { 0x5000: 4, 0x5200: 2, 0x5400: 1 };
  const regSize = registerForm[hw & 0xfe00];
  if (regSize !== undefined) {
    const rm = (hw >> 6) & 7;
    return { address: ((await ctx.register(rn)) + (await ctx.register(rm))) >>> 0, size: regSize, rt };
  }
  return undefined;
}

async function decode32(hw1: number, hw2: number, ctx: StoreContext): Promise<Candidate | undefined> {
  const rn = hw1 & 0xf;
  const rt = (hw2 >> 12) & 0xf;
  if (rn === 0xf) return undefined;
  const imm12: Record<number, 1 | 2 | 4> = { 0xf8c0: 4, 0xf8a0: 2, 0xf880: 1 };
  const size12 = imm12[hw1 & 0xfff0];
  if (size12 !== undefined) {
    return { address: ((await ctx.register(rn)) + (hw2 & 0xfff)) >>> 0, size: size12, rt };
  }
  const other: Record<number, 1 | 2 | 4> = { 0xf840: 4, 0xf820: 2, 0xf800: 1 };
  const size = other[hw1 & 0xfff0];
  if (size === undefined) return undefined;
  const base = await ctx.register(rn);
  if (hw2 & 0x800) {
    // T4: 1 P U W imm8. With writeback Rn already holds the offset address.
    const index = (hw2 & 0x400) !== 0;
    const add = (hw2 & 0x200) !== 0;
    const writeback = (hw2 & 0x100) !== 0;
    const imm8 = (add ? 1 : -1) * (hw2 & 0xff);
    const offsetAddress = writeback ? base : base + imm8;
    const address = index ? offsetAddress : writeback ? base - imm8 : base;
    return { address: address >>> 0, size, rt };
  }
  if ((hw2 & 0xfc0) !== 0) return undefined;
  const rm = hw2 & 0xf;
  const shift = (hw2 >> 4) & 3;
  return { address: (base + ((await ctx.register(rm)) << shift)) >>> 0, size, rt };
}

const covers = (c: Candidate, watched: number, watchedSize: number): boolean =>
  c.address >= watched && c.address + c.size <= watched + watchedSize;

/**
 * The store just before `pc` that wrote into [watched, watched + watchedSize), or undefined when the
 * instruction there is not a store this decoder knows (the caller then reports the value as unknown).
 */
export async function storeBefore(
  pc: number,
  watched: number,
  watchedSize: number,
  ctx: StoreContext,
): Promise<DecodedStore | undefined> {
  const short = await decode16(await ctx.halfword(pc - 2), ctx);
  if (short !== undefined && covers(short, watched, watchedSize)) return { ...short, pc: pc - 2 };
  const first = await ctx.halfword(pc - 4);
  // A 32-bit Thumb instruction starts with 0b11101, 0b11110 or 0b11111 (A5.1).
  if ((first & 0xe000) === 0xe000 && (first & 0x1800) !== 0) {
    const long = await decode32(first, await ctx.halfword(pc - 2), ctx);
    if (long !== undefined && covers(long, watched, watchedSize)) return { ...long, pc: pc - 4 };
  }
  return undefined;
}

/** The bits of the 32-bit register at `register` that `store` wrote, as a mask and a value. */
export function storedBits(
  store: DecodedStore,
  register: number,
  rtValue: number,
): { mask: number; value: number } {
  const shift = (store.address - register) * 8;
  const width = store.size * 8;
  const lane = width === 32 ? 0xffff_ffff : (1 << width) - 1;
  return {
    mask: (lane << shift) >>> 0,
    value: (((rtValue & lane) >>> 0) << shift) >>> 0,
  };
}
