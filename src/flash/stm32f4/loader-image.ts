/**
 * The STM32F4 RAM loader's machine code: firmware/bin/stm32f4-flash-loader.bin, assembled from
 * firmware/loader/stm32f4-flash.S (which documents the register interface and the control block).
 * Embedded as base64 so the library needs no file access (it must bundle for a browser).
 * `make -C firmware check` proves the .bin matches its source; loader-image.test.ts proves this copy
 * matches the .bin. After changing the source: `make -C firmware`, then paste the new base64
 * (`base64 -w0 firmware/bin/stm32f4-flash-loader.bin`).
 */
const BASE64 =
  'APACuADwhLjGaCaxD7QyRgDwjPgPvE/w/ztP9v98ACQUJgDxEAUE+wZVLmkBLgLQAi5o0PnnL2jV+ASArmiwRAphBCsX0AIrKtBG' +
  'RT3SFvgBq7rx/w8L0If4AKC/80+P0fgMkBn0gD/60Rnw8g9E0QfxAQfp50ZFJ9JW+ASr2kUL0Mf4AKC/80+P0fgMkBn0gD/60Rnw' +
  '8g8v0QfxBAfq50ZFEtI2+AKr4kUL0Kf4AKC/80+P0fgMkBn0gD/60Rnw8g8a0QfxAgfq58ZobrEt6T8YMkYraGxoHERP8P81APBK' +
  '+C5Gveg/GO5gACYuYQE0hmi0Qii/ACSS58D4AJBHYAMmLmEB4AAmBmAAJg5hAL4A8Az4SbEDaERohWgcRADwKviFYAwwATn05wC+' +
  'Qfa3XMDywUwAIxwGCCVkACi/hOoMBAE9+dFC+CNAATOz9YB/8dEXRgL1gGYAI1f4BEslDlL4JVCF6gQkRvgESwEzs/VAf/LRcEcC' +
  '9YBoAvUAaQL1QGok8AMLo0Iy0BPwAw8I0BP4AWuG6hVmUvgmYIbqBSXx51tFGdJT+ARrNrqG6gUG97JS+CdQxvMHJ1j4J3CF6gcF' +
  'xvMHR1n4J3CF6gcFNw5a+CdwheoHBePno0II0BP4AWuG6hVmUvgmYIbqBSX053BH';

/** Entry offsets from the start of the image (the two branches at its head). */
export const STM32F4_LOADER_ENTRY = { program: 0, crc: 4 } as const;

/** The loader's code, to be copied to a word-aligned SRAM address. */
export function stm32f4LoaderCode(): Uint8Array {
  const text = atob(BASE64);
  return Uint8Array.from(text, (ch) => ch.charCodeAt(0));
}
