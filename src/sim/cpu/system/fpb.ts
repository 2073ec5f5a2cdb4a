import type { Cpu } from '../cpu.js';

const CODE_COMPARATORS = 6;
const LITERAL_COMPARATORS = 2;
const COMPARATORS = CODE_COMPARATORS + LITERAL_COMPARATORS;
const CTRL_ENABLE = 1 << 0;
const CTRL_KEY = 1 << 1;
/** NUM_CODE = 6 in [7:4], NUM_LIT = 2 in [11:8], REV 0 (FPB version 1): reads 0x260 | ENABLE. */
const CTRL_ID = (CODE_COMPARATORS << 4) | (LITERAL_COMPARATORS << 8);

/**
 * The Flash Patch and Breakpoint unit (ARMv7-M C1.11), at 0xE0002000: FP_CTRL, FP_REMAP and
 * FP_COMP0–7. An enabled instruction comparator (0–5) whose REPLACE field is 0b01 (lower halfword),
 * 0b10 (upper halfword) or 0b11 (both) is a breakpoint on the instruction at COMP[28:2] plus that
 * halfword: the core stops before executing it, as for BKPT (DFSR.BKPT). Remapping (REPLACE = 0b00
 * and the literal comparators) is not implemented: FP_REMAP.RMPSPT reads 0, as the architecture
 * allows. Only code addresses below 0x20000000 can match. Reset by a power-on reset only (C1.4).
 */
export class Fpb {
  private enable = false;
  private remap = 0;
  private readonly comp = new Int32Array(COMPARATORS);
  /** An enabled breakpoint comparator exists while the FPB is enabled: the step loop must check. */
  active = false;

  constructor(private readonly cpu: Cpu) {}

  powerOnReset(): void {
    this.enable = false;
    this.remap = 0;
    this.comp.fill(0);
    this.active = false;
  }

  /** Whether the instruction at `pc` hits a breakpoint comparator. */
  matches(pc: number): boolean {
    if (pc >>> 0 >= 0x2000_0000) return false;
    for (let i = 0; i < CODE_COMPARATORS; i++) {
      const comp = this.comp[i]!;
      const replace = comp >>> 30;
      if ((comp & 1) === 0 || replace === 0) continue;
      if (((comp ^ pc) & 0x1fff_fffc) !== 0) continue;
      const upper = (pc & 2) !== 0;
      if (replace === 3 || (replace === 1 && !upper) || (replace === 2 && upper)) return true;
    }
    return false;
  }

  private recompute(): void {
    let any = false;
    for (let i = 0; i < CODE_COMPARATORS; i++) {
      const comp = this.comp[i]!;
      if ((comp & 1) !== 0 && comp >>> 30 !== 0) any = true;
    }
    const active = this.enable && any;
    if (active !== this.active) {
      this.active = active;
      this.cpu.updateAttention();
    }
  }

  /** Registers at offsets from 0xE0002000. */
  read(offset: number): number {
    if (offset === 0x000) return CTRL_ID | (this.enable ? CTRL_ENABLE : 0);
    if (offset === 0x004) return this.remap;
    if (offset >= 0x008 && offset < 0x008 + 4 * COMPARATORS) return this.comp[(offset - 0x008) >>> 2]!;
    return 0;
  }

  write(offset: number, value: number): void {
    if (offset === 0x000) {
      // FP_CTRL.KEY must be written as 1 for the write to take effect (C1.11.3).
      if ((value & CTRL_KEY) !== 0) this.enable = (value & CTRL_ENABLE) !== 0;
    } else if (offset === 0x004) {
      this.remap = value & 0x1fff_ffe0;
    } else if (offset >= 0x008 && offset < 0x008 + 4 * COMPARATORS) {
      this.comp[(offset - 0x008) >>> 2] = value & 0xdfff_fffd;
    }
    this.recompute();
  }
}
