/**
 * Flashing: firmware images into segments, placing them in a chip's flash, planning the sectors to
 * erase and program, the programmer that carries a plan out through a chip's flash driver, and the
 * STM32F4 driver. Everything here takes bytes and a memory-access interface; reading files is
 * flash/image/load.node.ts.
 */
export * from './image/index.js';
export type { AlgorithmCore, AlgorithmRun } from './algorithm.js';
export { CRC32_MPEG2_INITIAL, crc32Mpeg2 } from './crc32-mpeg2.js';
export { programPieces } from './pieces.js';
export { placeInFlash } from './placement.js';
export { planFlash, type FlashPlan, type PlanMemory, type SectorPlan } from './plan.js';
export {
  flashImage,
  FlashIncompleteError,
  type EraseTimes,
  type FlashDriver,
  type FlashImageOptions,
  type FlashReport,
} from './program-image.js';
export { SILENT_PROGRESS, type FlashPhase, type FlashProgress } from './progress.js';
export * from './stm32f4/index.js';
