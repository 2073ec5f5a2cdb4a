/** Chip data: every family swdkit knows, as validated descriptions (chip.ts), and their lookups. */
import type { ChipDescription } from './chip.js';
import { STM32F40X } from './stm32f4/stm32f40x.js';

export * from './chip.js';
export { chipProblems, defineChip } from './validate.js';
export { STM32F40X } from './stm32f4/stm32f40x.js';

/** Every chip description, for identification by DEV_ID (a later layer does that). */
export const CHIPS: readonly ChipDescription[] = [STM32F40X];
