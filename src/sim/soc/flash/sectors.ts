import { flashSectors, STM32F40X } from '../../../target/index.js';
import { MEMORY } from '../memory-map.js';

/** One erase unit of main flash (RM0090 3.3 table 5), as an offset from 0x08000000. */
export interface FlashSector {
  readonly index: number;
  readonly offset: number;
  readonly size: number;
}

/** The F407VG's 1 MiB single bank, from the chip description: 4 × 16 KiB, 1 × 64 KiB, 7 × 128 KiB. */
export const SECTORS: readonly FlashSector[] = flashSectors(STM32F40X, MEMORY.FLASH_SIZE).map(
  ({ index, address, size }) => ({ index, offset: address - MEMORY.FLASH_BASE, size }),
);

export const SECTOR_COUNT = SECTORS.length;

/** The sector holding main-flash byte `offset` (0 ≤ offset < 1 MiB); sectors.test.ts checks it against SECTORS. */
export function sectorIndexAt(offset: number): number {
  if (offset < 0x1_0000) return offset >>> 14; // sectors 0–3, 16 KiB each
  if (offset < 0x2_0000) return 4;
  return 4 + (offset >>> 17); // 128 KiB sectors from 0x20000
}

/** Main flash and its boot alias at 0 (RM0090 2.4): the offset into main flash, or -1. */
export function mainFlashOffset(address: number): number {
  const a = address >>> 0;
  if (a >= MEMORY.FLASH_BASE && a < MEMORY.FLASH_BASE + MEMORY.FLASH_SIZE) return a - MEMORY.FLASH_BASE;
  if (a < MEMORY.FLASH_SIZE) return a;
  return -1;
}
