import { BadInputError } from '../../util/errors.js';
import { binImage } from './bin.js';
import { elfImage } from './elf.js';
import { ihexImage } from './ihex.js';
import { srecImage } from './srec.js';
import type { Image, ImageFormat } from './types.js';

export interface LoadImageOptions {
  /** Used in messages and, by its extension, to recognise raw binaries. */
  readonly fileName?: string;
  /** Forces the format instead of detecting it. */
  readonly format?: ImageFormat;
  /** Where a raw binary goes (default 0x08000000). */
  readonly baseAddress?: number;
}

const BIN_EXTENSIONS = new Set(['.bin', '.raw']);

/**
 * Detects the format from the content (ELF magic; Intel HEX starts with ':'; S-records with 'S'
 * and a digit). Raw binaries cannot be recognised from their bytes, so they need the .bin extension
 * or an explicit format.
 */
export function detectFormat(bytes: Uint8Array, fileName = ''): ImageFormat | undefined {
  if (bytes[0] === 0x7f && bytes[1] === 0x45 && bytes[2] === 0x4c && bytes[3] === 0x46) return 'elf';
  if (BIN_EXTENSIONS.has(extensionOf(fileName).toLowerCase())) return 'bin';
  let i = 0;
  while (
    i < bytes.length &&
    (bytes[i] === 0x20 || bytes[i] === 0x0a || bytes[i] === 0x0d || bytes[i] === 0x09)
  )
    i++;
  if (bytes[i] === 0x3a) return 'ihex';
  if (bytes[i] === 0x53 && (bytes[i + 1] ?? 0) >= 0x30 && (bytes[i + 1] ?? 0) <= 0x39) return 'srec';
  return undefined;
}

/** `.bin` of `dir/firmware.bin`, '' for `firmware` or `.profile`: what Node's path.extname gives on POSIX. */
function extensionOf(fileName: string): string {
  const name = fileName.slice(fileName.lastIndexOf('/') + 1);
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(dot) : '';
}

export function loadImage(bytes: Uint8Array, options: LoadImageOptions = {}): Image {
  const source = options.fileName ?? '<image>';
  const format = options.format ?? detectFormat(bytes, options.fileName);
  switch (format) {
    case 'elf':
      return elfImage(bytes, source);
    case 'ihex':
      return ihexImage(bytes, source);
    case 'srec':
      return srecImage(bytes, source);
    case 'bin':
      return binImage(bytes, source, options.baseAddress);
    case undefined:
      throw new BadInputError('image-unknown-format', `${source}: not an ELF, Intel HEX or S-record file`, {
        hint: 'A raw binary cannot be recognised from its bytes: give it a .bin extension or say the format, and the address it goes to (default 0x08000000).',
      });
  }
}
