/** The SysTick timer (ARM DDI 0403E, B3.3 "The system timer, SysTick"; registers in B3.3.2). */
export const SYST_REG = {
  CSR: 0xe000_e010,
  RVR: 0xe000_e014,
  CVR: 0xe000_e018,
  CALIB: 0xe000_e01c,
} as const;

/** SysTick Control and Status Register (B3.3.3). COUNTFLAG clears on read. */
export const SYST_CSR = {
  ENABLE: 1 << 0,
  TICKINT: 1 << 1,
  /** 1: the core clock; 0: the IMPLEMENTATION DEFINED reference clock. */
  CLKSOURCE: 1 << 2,
  COUNTFLAG: 1 << 16,
} as const;

/** SysTick Reload Value Register (B3.3.4): a 24-bit counter. */
export const SYST_RVR = {
  RELOAD_MASK: 0xff_ffff,
} as const;

/** SysTick Calibration Value Register (B3.3.6). */
export const SYST_CALIB = {
  TENMS_MASK: 0xff_ffff,
  SKEW: 1 << 30,
  NOREF: 1 << 31,
} as const;
