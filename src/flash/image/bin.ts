import { mainFlashBase, STM32F40X } from '../../target/index.js';
import { normalizeSegments } from './segments.js';
import type { Image } from './types.js';

/**
 * Where a raw binary goes when nobody says otherwise: main flash. Until a session has identified the
 * chip, the F4 description says where that is (every STM32 family has it at 0x08000000).
 */
const DEFAULT_BIN_BASE = mainFlashBase(STM32F40X);

/** A raw binary: every byte, at `baseAddress` onwards. It records no entry point. */
export function binImage(bytes: Uint8Array, source: string, baseAddress = DEFAULT_BIN_BASE): Image {
  return {
    format: 'bin',
    segments: normalizeSegments(source, [{ address: baseAddress >>> 0, data: Uint8Array.from(bytes) }]),
    entry: undefined,
  };
}
