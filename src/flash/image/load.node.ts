import { basename } from 'node:path';
import { readInputFile } from '../../util/input-file.node.js';
import { loadImage, type LoadImageOptions } from './load.js';
import type { Image } from './types.js';

/**
 * The largest image file read: 8× the largest flash of any STM32 (4 MiB), which leaves room for what
 * a file holds beyond its image — an ELF's symbols and DWARF sections, HEX or S-record text at about
 * 2.8 characters per image byte — and still reads and parses in about a second, so a wrong file is
 * refused rather than read until memory runs out.
 */
export const MAX_IMAGE_FILE_BYTES = 32 * 1024 * 1024;

/**
 * Reads and loads an image file (Node: the file system is the host's). A missing file, a directory,
 * a device or a file over MAX_IMAGE_FILE_BYTES is bad input, refused before it is read
 * (util/input-file.node.ts).
 */
export function readImageFile(path: string, options: Omit<LoadImageOptions, 'fileName'> = {}): Image {
  const bytes = readInputFile(path, {
    what: 'firmware image',
    maxBytes: MAX_IMAGE_FILE_BYTES,
    maxBytesReason:
      'No STM32 image comes near that size (the largest flash is 4 MiB); check that it is the built firmware.',
  });
  return loadImage(bytes, { ...options, fileName: path.includes('/') ? path : basename(path) });
}
