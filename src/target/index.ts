/** Chip data: every family swdkit knows, as validated descriptions (chip.ts), and their lookups. */
export * from './chip.js';
export { chipProblems, defineChip } from './validate.js';
export { STM32F40X } from './stm32f4/stm32f40x.js';
export { CHIPS } from './chips.js';
export {
  chipInfo,
  IDCODE,
  matchIdcode,
  unknownChipError,
  type ChipInfo,
  type IdcodeMatch,
} from './identify.js';
