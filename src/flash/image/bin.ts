import { normalizeSegments } from './segments.js';
import type { Image } from './types.js';

/** Where a raw binary goes when nobody says otherwise: the STM32's main flash (RM0090 3.3). */
export const STM32_FLASH_BASE = 0x0800_0000;

/** A raw binary: every byte, at `baseAddress` onwards. It records no entry point. */
export function binImage(bytes: Uint8Array, source: string, baseAddress = STM32_FLASH_BASE): Image {
  return {
    format: 'bin',
    segments: normalizeSegments(source, [{ address: baseAddress >>> 0, data: Uint8Array.from(bytes) }]),
    entry: undefined,
  };
}
