import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { UnavailableError } from '../../util/errors.js';
import { loadImage, type LoadImageOptions } from './load.js';
import type { Image } from './types.js';

/** Reads and loads an image file (Node: the file system is the host's). */
export function readImageFile(path: string, options: Omit<LoadImageOptions, 'fileName'> = {}): Image {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (cause) {
    throw new UnavailableError('image-unreadable', `cannot read ${path}: ${(cause as Error).message}`, {
      cause,
      hint: 'Check the path and that the file is readable.',
    });
  }
  return loadImage(bytes, { ...options, fileName: path.includes('/') ? path : basename(path) });
}
