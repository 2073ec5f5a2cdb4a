/**
 * The STM32F4 RAM loader's machine code: firmware/bin/stm32f4-flash-loader.bin, assembled from
 * firmware/loader/stm32f4-flash.S (which documents the register interface and the control block).
 * Embedded as base64 so the library needs no file access (it must bundle for a browser).
 * `make -C firmware check` proves the .bin matches its source; loader-image.test.ts proves this copy
 * matches the .bin. After changing the source: `make -C firmware`, then paste the new base64
 * (`base64 -w0 firmware/bin/stm32f4-flash-loader.bin`).
 */
const BASE64 =
  'APACuADwaLhP8P87T/b/fAAkAPEIBSVELmgBLgLQAi5V0Pnnb2jV+AiA7miwRAphBCsX0AIrKtBGRT3SFvgBq7rx/w8L0If4' +
  'AKC/80+P0fgMkBn0gD/60Rnw8g8x0QfxAQfp50ZFJ9JW+ASr2kUL0Mf4AKC/80+P0fgMkBn0gD/60Rnw8g8c0QfxBAfq50ZF' +
  'EtI2+AKr4kUL0Kf4AKC/80+P0fgMkBn0gD/60Rnw8g8H0QfxAgfq5wAmLmCE8BAEp+fA+ACQR2ADJi5gAeAAJgZgACYOYQC+' +
  'Qfa3XMDywUwAIxwGCCVkACi/hOoMBAE9+dFC+CNAATOz9YB/8dEXRgL1gGYAI1f4BEslDlL4JVCF6gQkRvgESwEzs/VAf/LR' +
  'AvWAaAL1AGkC9UBq8bMDaERohWgcRCTwAwujQjLQE/ADDwjQE/gBa4bqFWZS+CZghuoFJfHnW0UZ0lP4BGs2uobqBQb3slL4' +
  'J1DG8wcnWPgncIXqBwXG8wdHWfgncIXqBwU3Dlr4J3CF6gcF4+ejQgjQE/gBa4bqFWZS+CZghuoFJfTnhWAMMAE5v+cAvg==';

/** Entry offsets from the start of the image (the two branches at its head). */
export const STM32F4_LOADER_ENTRY = { program: 0, crc: 4 } as const;

/** The loader's code, to be copied to a word-aligned SRAM address. */
export function stm32f4LoaderCode(): Uint8Array {
  const text = atob(BASE64);
  return Uint8Array.from(text, (ch) => ch.charCodeAt(0));
}
