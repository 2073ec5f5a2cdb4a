import { parseElf } from '../../flash/image/elf-file.js';
import type { CodeLocation } from '../report.js';
import { decodeLineTable, lineFor, type LineSequence } from './dwarf-line.js';

/**
 * PC → function (ELF symbol table) and source line (.debug_line), for `swdkit doctor --elf FILE`.
 * A file without debug information still gives function names; a stripped one gives neither.
 */
export function elfLocator(bytes: Uint8Array, path: string): (pc: number) => CodeLocation {
  const elf = parseElf(bytes, path);
  const functions = elf.symbols
    .filter((s) => s.type === 'func' && s.sectionIndex !== 0)
    .sort((a, b) => a.address - b.address);
  const lineSection = elf.sectionData('.debug_line');
  let sequences: LineSequence[] = [];
  if (lineSection !== undefined) {
    const str = elf.sectionData('.debug_str');
    const lineStr = elf.sectionData('.debug_line_str');
    sequences = decodeLineTable(lineSection, {
      ...(str === undefined ? {} : { str }),
      ...(lineStr === undefined ? {} : { lineStr }),
    });
  }
  return (pc: number): CodeLocation => {
    const address = pc & ~1;
    const fn =
      functions.find((s) => address >= s.address && address < s.address + Math.max(s.size, 1)) ??
      // A function of unknown size: the nearest one below.
      functions.filter((s) => s.size === 0 && s.address <= address).pop();
    const row = lineFor(sequences, address);
    return {
      pc,
      ...(fn === undefined ? {} : { function: fn.name }),
      ...(row === undefined ? {} : { file: row.file, line: row.line }),
    };
  };
}
