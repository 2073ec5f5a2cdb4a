/**
 * The STM32F4 RAM loader's machine code: firmware/bin/stm32f4-flash-loader.bin, assembled from
 * firmware/loader/stm32f4-flash.S (which documents the register interface and the control block).
 * Embedded as base64 so the library needs no file access (it must bundle for a browser).
 * `make -C firmware check` proves the .bin matches its source; loader-image.test.ts proves this copy
 * matches the .bin. After changing the source: `make -C firmware`, then paste the new base64
 * (`base64 -w0 firmware/bin/stm32f4-flash-loader.bin`).
 */
const BASE64 =
  'APACuADw1rjGaCaxD7QyRgDw3vgPvE72EFnO8gAJ2fgAoE34BK1K8BAKyfgAoELwQHJO8oArzvIAC1/wAQnB+AyQv/NPj1/wEAnL' +
  '+ACQT/b/fAAkFCYA8RAFBPsGVS5pAS4D0AIuAPCOgPjnL2jV+ASArmiwRAphBCsj0AIrQ9BGRWLSFvgBq7rx/w8X0If4AKC/80+P' +
  '0fgMkBn0gD8B0CC/+OcZ8PIPZ9Ff8AEJwfgMkL/zT49f8BAJy/gAkAfxAQfd50ZFQNJW+ASrGvEBDxfQx/gAoL/zT4/R+AyQGfSA' +
  'PwHQIL/45xnw8g9F0V/wAQnB+AyQv/NPj1/wEAnL+ACQB/EEB93nRkUe0jb4AqviRRfQp/gAoL/zT4/R+AyQGfSAPwHQIL/45xnw' +
  '8g8k0V/wAQnB+AyQv/NPj1/wEAnL+ACQB/ECB97nxmhusS3pPxgyRitobGgcRE/w/zUA8Fz4Lka96D8Y7mAAJi5hATSGaLRCKL8A' +
  'JGznwPgAkEdgAyYuYQHgACYGYAAmDmFf8AEJwfgMkL/zT49f8BAJy/gAkF34BKtO9hBZzvIACcn4AKAAvgDwDPhJsQNoRGiFaBxE' +
  'APAq+IVgDDABOfTnAL5B9rdcwPLBTAAjHAYIJWQAKL+E6gwEAT350UL4I0ABM7P1gH/x0RdGAvWAZgAjV/gESyUOUvglUIXqBCRG' +
  '+ARLATOz9UB/8tFwRwL1gGgC9QBpAvVAaiTwAwujQjLQE/ADDwjQE/gBa4bqFWZS+CZghuoFJfHnW0UZ0lP4BGs2uobqBQb3slL4' +
  'J1DG8wcnWPgncIXqBwXG8wdHWfgncIXqBwU3Dlr4J3CF6gcF4+ejQgjQE/gBa4bqFWZS+CZghuoFJfTncEc=';

/** Entry offsets from the start of the image (the two branches at its head). */
export const STM32F4_LOADER_ENTRY = { program: 0, crc: 4 } as const;

/** The loader's code, to be copied to a word-aligned SRAM address. */
export function stm32f4LoaderCode(): Uint8Array {
  const text = atob(BASE64);
  return Uint8Array.from(text, (ch) => ch.charCodeAt(0));
}
