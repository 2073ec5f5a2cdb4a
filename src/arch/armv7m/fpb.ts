import { PPB } from './memory-map.js';

/**
 * The Flash Patch and Breakpoint unit (ARM DDI 0403E, C1.11 "Flash Patch and Breakpoint unit"):
 * FP_CTRL, FP_REMAP, and comparator n's FP_COMPn at COMP0 + 4n (instruction comparators first, then
 * the literal ones; FP_CTRL says how many of each).
 */
export const FPB_REG = {
  /** At the unit's base. */
  CTRL: PPB.FPB,
  REMAP: 0xe000_2004,
  COMP0: 0xe000_2008,
} as const;

/** FP_CTRL (C1.11.3). A write changes ENABLE only with KEY set. */
export const FP_CTRL = {
  ENABLE: 1 << 0,
  KEY: 1 << 1,
  /** Instruction comparators: NUM_CODE2 (bits 14:12) above NUM_CODE1 (bits 7:4). */
  NUM_CODE1_SHIFT: 4,
  NUM_CODE1_MASK: 0xf << 4,
  NUM_LIT_SHIFT: 8,
  NUM_LIT_MASK: 0xf << 8,
  NUM_CODE2_SHIFT: 12,
  NUM_CODE2_MASK: 0x7 << 12,
  /** The unit's version: see FP_CTRL_REV. */
  REV_SHIFT: 28,
  REV_MASK: 0xf << 28,
} as const;

/**
 * FP_CTRL.REV: version 1 compares bits 28:2 of Code-region addresses and says which halfword breaks
 * in FP_COMPn.REPLACE; version 2 (the Cortex-M7's) compares any halfword address (FP_COMP_V2).
 */
export const FP_CTRL_REV = {
  VERSION_1: 0b0000,
  VERSION_2: 0b0001,
} as const;

/** FP_REMAP (C1.11): where remapped literals are fetched from in SRAM. */
export const FP_REMAP = {
  REMAP_MASK: 0x1fff_ffe0,
  /** Remapping is supported. */
  RMPSPT: 1 << 29,
} as const;

/** FP_COMPn of FPB version 1 (C1.11). */
export const FP_COMP = {
  ENABLE: 1 << 0,
  /** Bits 28:2 of the instruction (or literal) address compared. */
  COMP_MASK: 0x1fff_fffc,
  REPLACE_SHIFT: 30,
  REPLACE_MASK: 0x3 << 30,
} as const;

/** FP_COMPn.REPLACE (C1.11): remap, or break on the lower, upper or both halfwords of the word. */
export const FP_COMP_REPLACE = {
  REMAP: 0b00,
  BREAK_LOWER: 0b01,
  BREAK_UPPER: 0b10,
  BREAK_BOTH: 0b11,
} as const;

/** FP_COMPn of FPB version 2: an instruction breakpoint on the halfword at BPADDR, anywhere in memory. */
export const FP_COMP_V2 = {
  /** Breakpoint enable. */
  BE: 1 << 0,
  BPADDR_MASK: 0xffff_fffe,
} as const;
