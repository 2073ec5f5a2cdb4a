import type { ChipDescription } from './chip.js';
import { STM32F40X } from './stm32f4/stm32f40x.js';

/** Every chip description swdkit knows, for identification by DEV_ID (identify.ts). */
export const CHIPS: readonly ChipDescription[] = [STM32F40X];
