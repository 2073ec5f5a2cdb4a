import { BadInputError } from '../../util/errors.js';
import { EM_ARM, PT_LOAD, parseElf } from './elf-file.js';
import { normalizeSegments } from './segments.js';
import type { Image, Segment } from './types.js';

const ET_EXEC = 2;

/**
 * An ARM ELF executable as an image. Each PT_LOAD segment's file bytes go to its *physical*
 * address (p_paddr, the load address): that is where a linker script puts .data's initial values
 * (in flash, copied to RAM by the startup code), and it is what OpenOCD and probe-rs load too. The
 * part of a segment beyond p_filesz (.bss) is zeroed by the startup code at run time and is not
 * part of the image.
 */
export function elfImage(bytes: Uint8Array, source: string): Image {
  const elf = parseElf(bytes, source);
  if (elf.class !== 32 || !elf.littleEndian || elf.machine !== EM_ARM) {
    throw new BadInputError(
      'elf-not-arm',
      `${source}: an ELF${elf.class} ${elf.littleEndian ? 'little' : 'big'}-endian file for machine ${elf.machine}, not 32-bit little-endian ARM`,
      { hint: 'Build the firmware for the STM32 (arm-none-eabi-gcc -mcpu=cortex-m4 -mthumb).' },
    );
  }
  const type = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint16(16, true);
  if (type !== ET_EXEC) {
    throw new BadInputError(
      'elf-not-executable',
      `${source}: ELF type ${type} is not an executable (ET_EXEC)`,
      {
        hint: 'Link the program (an object file or shared library cannot be flashed).',
      },
    );
  }
  const segments: Segment[] = [];
  for (const segment of elf.segments) {
    if (segment.type !== PT_LOAD || segment.fileSize === 0) continue;
    if (segment.offset + segment.fileSize > bytes.length) {
      throw new BadInputError(
        'elf-truncated',
        `${source}: a loadable segment ends past the end of the file`,
        {
          hint: 'The file was cut short (an interrupted copy or download?): rebuild or copy it again.',
        },
      );
    }
    segments.push({
      address: segment.paddr,
      data: Uint8Array.from(bytes.subarray(segment.offset, segment.offset + segment.fileSize)),
    });
  }
  return { format: 'elf', segments: normalizeSegments(source, segments), entry: elf.entry };
}
