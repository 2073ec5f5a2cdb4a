/**
 * The Nested Vectored Interrupt Controller's registers (ARM DDI 0403E, B3.4 "Nested Vectored Interrupt
 * Controller, NVIC", register summary in B3.4.3). Each bit array is a bank of up to 16 words (external
 * interrupts 0–495), starting at the address given; IPR is one priority byte per interrupt.
 */
export const NVIC_REG = {
  /** Interrupt Controller Type Register: INTLINESNUM in bits 3:0. */
  ICTR: 0xe000_e004,
  ISER: 0xe000_e100,
  ICER: 0xe000_e180,
  ISPR: 0xe000_e200,
  ICPR: 0xe000_e280,
  IABR: 0xe000_e300,
  IPR: 0xe000_e400,
  /** Software Triggered Interrupt Register: INTID in bits 8:0. */
  STIR: 0xe000_ef00,
} as const;

/** How far the banks reach (B3.4.3): 16 words per bit array, 124 words of priority bytes. */
export const NVIC_BANK = {
  /** Bytes between the starts of two bit arrays (ISER, ICER, ...). */
  STRIDE: 0x80,
  BIT_WORDS: 16,
  IPR_WORDS: 124,
} as const;

/** STIR: writing INTID pends that external interrupt. */
export const STIR = {
  INTID_MASK: 0x1ff,
} as const;
