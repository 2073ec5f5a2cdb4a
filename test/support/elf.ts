import { readFileSync } from 'node:fs';
import { parseElf, type ElfFile } from '../../src/flash/image/elf-file.js';

export * from '../../src/flash/image/elf-file.js';

/** An ELF file from disk, for tests (firmware/bin/*.elf). */
export function readElf(path: string): ElfFile {
  return parseElf(readFileSync(path), path);
}
