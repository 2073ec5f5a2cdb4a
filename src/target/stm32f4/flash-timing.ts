/**
 * How long STM32F405/407 flash operations take: DS8626 (the STM32F405xx/407xx datasheet) table 42,
 * "Flash memory programming", typical column, by program/erase parallelism (PSIZE x8, x16, x32).
 * The host's flash driver plans with them (which erase is cheaper, ETAs) and the virtual board runs
 * on them, so both sides use one copy of the datasheet.
 *
 *   tprog        word programming, any parallelism        16 µs (max 100 µs)
 *   tERASE16KB   x8 400 ms, x16 300 ms, x32 250 ms           (max 800 / 600 / 500 ms)
 *   tERASE64KB   x8 1200 ms, x16 700 ms, x32 550 ms          (max 2400 / 1400 / 1100 ms)
 *   tERASE128KB  x8 2 s, x16 1.3 s, x32 1 s                  (max 4 / 2.6 / 2 s)
 *   tME          x8 16 s, x16 11 s, x32 8 s                  (max 32 / 22 / 16 s)
 *
 * These are the figures the issue quotes. The datasheet text itself was not retrievable here, so
 * they are unchecked against it; the one independent figure found agrees: Zephyr's STM32 flash
 * driver allows "4 s for a 128K sector" on the F4, DS8626's maximum for x8.
 */
export type ParallelismName = 'x8' | 'x16' | 'x32';

export const PROGRAM_TIME_US = 16;

/** Typical sector erase times in ms, by sector size. */
export const SECTOR_ERASE_MS: readonly {
  readonly size: number;
  readonly ms: Readonly<Record<ParallelismName, number>>;
}[] = [
  { size: 16 * 1024, ms: { x8: 400, x16: 300, x32: 250 } },
  { size: 64 * 1024, ms: { x8: 1200, x16: 700, x32: 550 } },
  { size: 128 * 1024, ms: { x8: 2000, x16: 1300, x32: 1000 } },
];

export const MASS_ERASE_MS: Readonly<Record<ParallelismName, number>> = {
  x8: 16_000,
  x16: 11_000,
  x32: 8_000,
};

/** The typical erase time of a sector of `size` bytes (the smallest listed size that holds it). */
export function sectorEraseMs(size: number, parallelism: ParallelismName): number {
  const row = SECTOR_ERASE_MS.find((r) => size <= r.size) ?? SECTOR_ERASE_MS[SECTOR_ERASE_MS.length - 1];
  return row?.ms[parallelism] ?? 0;
}
