/**
 * FPSCR layout on the Cortex-M4F (ARMv7-M A2.5.3 "Floating-point Status and Control
 * Register"). The exception trap-enable bits [15:8] are RAZ/WI: FPv4-SP in ARMv7-M never traps, so
 * FPProcessException() only ever sets a cumulative flag.
 */
export const FPSCR = {
  N: 1 << 31,
  Z: 1 << 30,
  C: 1 << 29,
  V: 1 << 28,
  /** Alternative half-precision format (no infinities or NaNs, exponent 31 is a normal exponent). */
  AHP: 1 << 26,
  /** Default NaN: every NaN result is the default NaN. */
  DN: 1 << 25,
  /** Flush-to-zero: denormal inputs read as zero (IDC), denormal results become zero (UFC). */
  FZ: 1 << 24,
  /** Input Denormal cumulative flag. */
  IDC: 1 << 7,
  /** Inexact cumulative flag. */
  IXC: 1 << 4,
  /** Underflow cumulative flag. */
  UFC: 1 << 3,
  /** Overflow cumulative flag. */
  OFC: 1 << 2,
  /** Division by Zero cumulative flag. */
  DZC: 1 << 1,
  /** Invalid Operation cumulative flag. */
  IOC: 1 << 0,
} as const;

/** FPSCR.RMode is bits [23:22]. */
export const RMODE_SHIFT = 22;

/** Rounding modes, the values of FPSCR.RMode (A2.5.3). */
export const RN = 0b00; // Round to Nearest, ties to even
export const RP = 0b01; // Round towards Plus infinity
export const RM = 0b10; // Round towards Minus infinity
export const RZ = 0b11; // Round towards Zero

/**
 * The bits VMSR can change: N Z C V, AHP, DN, FZ, RMode, IDC and the five cumulative flags. Everything
 * else (QC, Len, Stride, the trap enables) is reserved/RAZ on an FPv4-SP M-profile FPU.
 */
export const FPSCR_WRITABLE = 0xf7c0009f | 0;

/** FPSCR.RMode of a raw FPSCR value. */
export function roundingMode(fpscr: number): number {
  return (fpscr >>> RMODE_SHIFT) & 3;
}
