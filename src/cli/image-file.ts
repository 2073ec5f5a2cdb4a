import { readImageFile } from '../flash/image/load.node.js';
import type { Image } from '../flash/image/types.js';
import { SwdkitError, UsageError } from '../util/errors.js';

/**
 * The image `swdkit flash FILE [--address A]` means. ELF, Intel HEX and S-record files say where their
 * bytes go, so --address is refused for them rather than silently ignored; a raw binary goes to
 * --address (default 0x08000000), and with --address a file of any other name is taken as raw.
 */
export function loadFlashImage(path: string, address: number | undefined): Image {
  let image: Image;
  try {
    image = readImageFile(path, address === undefined ? {} : { baseAddress: address });
  } catch (error) {
    if (
      address !== undefined &&
      error instanceof SwdkitError &&
      error.code === 'bad-input.image-unknown-format'
    ) {
      return readImageFile(path, { format: 'bin', baseAddress: address });
    }
    throw error;
  }
  if (address !== undefined && image.format !== 'bin') {
    throw new UsageError(
      'address-with-addressed-image',
      `--address is for raw binaries: ${path} is ${image.format === 'elf' ? 'an ELF' : image.format === 'ihex' ? 'an Intel HEX' : 'an S-record'} file, which says where each byte goes`,
      { hint: 'Drop --address, or flash a .bin file with it.' },
    );
  }
  return image;
}

export const FORMAT_NAMES = { elf: 'ELF', ihex: 'Intel HEX', srec: 'S-record', bin: 'raw binary' } as const;
