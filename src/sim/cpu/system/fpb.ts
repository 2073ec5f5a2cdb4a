import type { Cpu } from '../cpu.js';
import { ADDRESS_MAP } from '../../../arch/armv7m/memory-map.js';
import { FP_COMP, FP_COMP_REPLACE, FP_CTRL, FP_REMAP, FPB_REG } from '../../../arch/armv7m/fpb.js';

const CODE_COMPARATORS = 6;
const LITERAL_COMPARATORS = 2;
const COMPARATORS = CODE_COMPARATORS + LITERAL_COMPARATORS;
const COMPARATORS_END = FPB_REG.COMP0 + 4 * COMPARATORS;
/** NUM_CODE = 6, NUM_LIT = 2, REV 0 (FPB version 1): reads 0x260 | ENABLE. */
const CTRL_ID =
  (CODE_COMPARATORS << FP_CTRL.NUM_CODE1_SHIFT) | (LITERAL_COMPARATORS << FP_CTRL.NUM_LIT_SHIFT);

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
    if (pc >>> 0 >= ADDRESS_MAP.SRAM) return false;
    for (let i = 0; i < CODE_COMPARATORS; i++) {
      const comp = this.comp[i]!;
      const replace = comp >>> FP_COMP.REPLACE_SHIFT;
      if ((comp & FP_COMP.ENABLE) === 0 || replace === FP_COMP_REPLACE.REMAP) continue;
      if (((comp ^ pc) & FP_COMP.COMP_MASK) !== 0) continue;
      const upper = (pc & 2) !== 0;
      if (
        replace === FP_COMP_REPLACE.BREAK_BOTH ||
        (replace === FP_COMP_REPLACE.BREAK_LOWER && !upper) ||
        (replace === FP_COMP_REPLACE.BREAK_UPPER && upper)
      )
        return true;
    }
    return false;
  }

  private recompute(): void {
    let any = false;
    for (let i = 0; i < CODE_COMPARATORS; i++) {
      const comp = this.comp[i]!;
      if ((comp & FP_COMP.ENABLE) !== 0 && comp >>> FP_COMP.REPLACE_SHIFT !== FP_COMP_REPLACE.REMAP)
        any = true;
    }
    const active = this.enable && any;
    if (active !== this.active) {
      this.active = active;
      this.cpu.updateAttention();
    }
  }

  /** FP_CTRL, FP_REMAP and FP_COMPn, by address. */
  read(address: number): number {
    if (address === FPB_REG.CTRL) return CTRL_ID | (this.enable ? FP_CTRL.ENABLE : 0);
    if (address === FPB_REG.REMAP) return this.remap;
    if (address >= FPB_REG.COMP0 && address < COMPARATORS_END)
      return this.comp[(address - FPB_REG.COMP0) >>> 2]!;
    return 0;
  }

  write(address: number, value: number): void {
    if (address === FPB_REG.CTRL) {
      // FP_CTRL.KEY must be written as 1 for the write to take effect (C1.11.3).
      if ((value & FP_CTRL.KEY) !== 0) this.enable = (value & FP_CTRL.ENABLE) !== 0;
    } else if (address === FPB_REG.REMAP) {
      this.remap = value & FP_REMAP.REMAP_MASK;
    } else if (address >= FPB_REG.COMP0 && address < COMPARATORS_END) {
      this.comp[(address - FPB_REG.COMP0) >>> 2] = value & 0xdfff_fffd;
    }
    this.recompute();
  }
}
