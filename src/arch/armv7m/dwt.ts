import { PPB } from './memory-map.js';

/**
 * The Data Watchpoint and Trace unit (ARM DDI 0403E, C1.8 "The Data Watchpoint and Trace unit").
 * Comparator n's COMP, MASK and FUNCTION registers are at
 * COMP0/MASK0/FUNCTION0 + n × DWT_COMPARATOR_STRIDE; DWT_CTRL.NUMCOMP says how many exist.
 */
export const DWT_REG = {
  /** At the unit's base. */
  CTRL: PPB.DWT,
  CYCCNT: 0xe000_1004,
  CPICNT: 0xe000_1008,
  EXCCNT: 0xe000_100c,
  SLEEPCNT: 0xe000_1010,
  LSUCNT: 0xe000_1014,
  FOLDCNT: 0xe000_1018,
  PCSR: 0xe000_101c,
  COMP0: 0xe000_1020,
  MASK0: 0xe000_1024,
  FUNCTION0: 0xe000_1028,
} as const;

export const DWT_COMPARATOR_STRIDE = 0x10;

/** DWT_CTRL (C1.8): the counters' enables, and what the unit implements (NUMCOMP, NO*). */
export const DWT_CTRL = {
  CYCCNTENA: 1 << 0,
  POSTPRESET_SHIFT: 1,
  POSTPRESET_MASK: 0xf << 1,
  POSTINIT_SHIFT: 5,
  POSTINIT_MASK: 0xf << 5,
  CYCTAP: 1 << 9,
  SYNCTAP_SHIFT: 10,
  SYNCTAP_MASK: 0x3 << 10,
  PCSAMPLENA: 1 << 12,
  EXCTRCENA: 1 << 16,
  CPIEVTENA: 1 << 17,
  EXCEVTENA: 1 << 18,
  SLEEPEVTENA: 1 << 19,
  LSUEVTENA: 1 << 20,
  FOLDEVTENA: 1 << 21,
  CYCEVTENA: 1 << 22,
  NOPRFCNT: 1 << 24,
  NOCYCCNT: 1 << 25,
  NOEXTTRIG: 1 << 26,
  NOTRCPKT: 1 << 27,
  NUMCOMP_SHIFT: 28,
  NUMCOMP_MASK: 0xf << 28,
} as const;

/** DWT_FUNCTIONn (C1.8.17). MATCHED clears on read. */
export const DWT_FUNCTION = {
  FUNCTION_MASK: 0xf,
  EMITRANGE: 1 << 5,
  CYCMATCH: 1 << 7,
  DATAVMATCH: 1 << 8,
  LNK1ENA: 1 << 9,
  DATAVSIZE_SHIFT: 10,
  DATAVSIZE_MASK: 0x3 << 10,
  DATAVADDR0_SHIFT: 12,
  DATAVADDR0_MASK: 0xf << 12,
  DATAVADDR1_SHIFT: 16,
  DATAVADDR1_MASK: 0xf << 16,
  MATCHED: 1 << 24,
} as const;

/**
 * DWT_FUNCTIONn.FUNCTION values for a watchpoint debug event, with DATAVMATCH and CYCMATCH clear
 * (C1.8.17): on an instruction address (the PC), or on a data address read, written, or either.
 */
export const DWT_FUNCTION_WATCHPOINT = {
  PC: 0b0100,
  READ: 0b0101,
  WRITE: 0b0110,
  READ_WRITE: 0b0111,
} as const;
