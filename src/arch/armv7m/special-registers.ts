/** Fields of the special-purpose registers a debugger reaches through REGSEL (ARM DDI 0403E, B1.4). */

/** CONTROL (B1.4.4). */
export const CONTROL = {
  /** Thread mode is unprivileged. */
  nPRIV: 1 << 0,
  /** Thread mode uses PSP. */
  SPSEL: 1 << 1,
  /** The FP extension's context is active. */
  FPCA: 1 << 2,
} as const;
