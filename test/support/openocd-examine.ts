/**
 * What OpenOCD 0.12's Cortex-M examine writes when it connects to a probe another debugger already
 * uses (seen in its debug log against `swdkit sim`): every FPB comparator and every DWT function
 * zeroed, DEMCR set to TRCENA alone. Tests replay it to show swdkit putting its own back.
 */
import { DEBUG_REG, DEMCR } from '../../src/arch/armv7m/debug.js';
import { DWT_COMPARATOR_STRIDE, DWT_REG } from '../../src/arch/armv7m/dwt.js';
import { FPB_REG } from '../../src/arch/armv7m/fpb.js';

/** The STM32F407's Cortex-M4: 8 FPB comparators (6 code, 2 literal), 4 DWT comparators. */
const FPB_COMPARATORS = 8;
const DWT_COMPARATORS = 4;

export async function openOcdExamineWrites(
  write32: (address: number, value: number) => Promise<void>,
): Promise<void> {
  for (let i = 0; i < FPB_COMPARATORS; i++) await write32(FPB_REG.COMP0 + 4 * i, 0);
  for (let i = 0; i < DWT_COMPARATORS; i++) await write32(DWT_REG.FUNCTION0 + DWT_COMPARATOR_STRIDE * i, 0);
  await write32(DEBUG_REG.DEMCR, DEMCR.TRCENA);
}
