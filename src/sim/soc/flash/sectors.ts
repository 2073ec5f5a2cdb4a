import { MEMORY } from '../memory-map.js';

/** One erase unit of main flash (RM0090 3.3 table 5), as an offset from 0x08000000. */
export interface FlashSector {
  readonly index: number;
  readonly offset: number;
  readonly size: number;
}

const KIB = 1024;

/** STM32F405/407 1 MiB single bank: 4 × 16 KiB, 1 × 64 KiB, 7 × 128 KiB (RM0090 3.3 table 5). */
export const SECTORS: readonly FlashSector[] = (() => {
  const sizes = [16, 16, 16, 16, 64, 128, 128, 128, 128, 128, 128, 128];
  let offset = 0;
  return sizes.map((kib, index) => {
    const sector = { index, offset, size: kib * KIB };
    offset += sector.size;
    return sector;
  });
})();

export const SECTOR_COUNT = SECTORS.length;

/** The sector holding main-flash byte `offset` (0 ≤ offset < 1 MiB). */
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
