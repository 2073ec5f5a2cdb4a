/**
 * The ELF container: header, program headers (segments) and the symbol table. Handles ELF32 and
 * ELF64 in either byte order and only reads; anything malformed is a BadInputError naming the file
 * and what lies where it should not. What an ELF means for flashing (which segments, at which
 * address) is image/elf.ts's business.
 */
import { BadInputError } from '../../util/errors.js';

export type SymbolType = 'notype' | 'object' | 'func' | 'section' | 'file' | 'other';
export type SymbolBinding = 'local' | 'global' | 'weak' | 'other';

export interface ElfSymbol {
  readonly name: string;
  /** st_value. For Thumb functions bit 0 is set (use `address` for the code address). */
  readonly value: number;
  /** st_value with the Thumb bit cleared for functions; equal to `value` otherwise. */
  readonly address: number;
  readonly size: number;
  readonly type: SymbolType;
  readonly binding: SymbolBinding;
  /** Section index; 0 means undefined. */
  readonly sectionIndex: number;
}

export interface ElfSegment {
  readonly type: number;
  readonly offset: number;
  readonly vaddr: number;
  readonly paddr: number;
  readonly fileSize: number;
  readonly memSize: number;
  readonly flags: number;
}

/** A section header with its name (from .shstrtab), for readers of debug sections. */
export interface ElfSection {
  readonly name: string;
  readonly type: number;
  readonly address: number;
  readonly offset: number;
  readonly size: number;
}

export interface ElfFile {
  readonly path: string;
  readonly class: 32 | 64;
  readonly littleEndian: boolean;
  readonly machine: number;
  readonly entry: number;
  readonly segments: readonly ElfSegment[];
  readonly symbols: readonly ElfSymbol[];
  readonly sections: readonly ElfSection[];
  /** The bytes of the named section (a view into the file), or undefined when absent or SHT_NOBITS. */
  sectionData(name: string): Uint8Array | undefined;
  /** The first defined symbol with this name, or undefined. */
  symbol(name: string): ElfSymbol | undefined;
  /** Like `symbol`, but throws a BadInputError naming the file when the symbol is absent. */
  requireSymbol(name: string): ElfSymbol;
}

export const EM_ARM = 40;
export const PT_LOAD = 1;
const SHT_SYMTAB = 2;

const SYMBOL_TYPES: readonly SymbolType[] = ['notype', 'object', 'func', 'section', 'file'];
const SYMBOL_BINDINGS: readonly SymbolBinding[] = ['local', 'global', 'weak'];

export function parseElf(bytes: Uint8Array, path = '<buffer>'): ElfFile {
  const bad = (what: string): BadInputError =>
    new BadInputError('elf-malformed', `${path}: ${what}`, {
      hint: 'The file is damaged or not an ELF executable: rebuild it, or pass the .hex/.bin the toolchain made.',
    });
  if (bytes.length < 16 || bytes[0] !== 0x7f || bytes[1] !== 0x45 || bytes[2] !== 0x4c || bytes[3] !== 0x46) {
    throw bad('not an ELF file (bad magic)');
  }
  const elfClass = bytes[4] === 1 ? 32 : bytes[4] === 2 ? 64 : undefined;
  if (elfClass === undefined) throw bad(`unknown ELF class ${bytes[4]}`);
  if (bytes[5] !== 1 && bytes[5] !== 2) throw bad(`unknown data encoding ${bytes[5]}`);
  const le = bytes[5] === 1;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const is64 = elfClass === 64;

  const check = (offset: number, length: number, what: string): void => {
    if (offset < 0 || length < 0 || offset + length > bytes.length)
      throw bad(`${what} lies outside the file`);
  };
  const u16 = (o: number): number => view.getUint16(o, le);
  const u32 = (o: number): number => view.getUint32(o, le);
  const addr = (o: number): number => {
    if (!is64) return u32(o);
    const v = view.getBigUint64(o, le);
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw bad(`value 0x${v.toString(16)} is too large`);
    return Number(v);
  };

  check(0, is64 ? 64 : 52, 'the ELF header');
  const machine = u16(18);
  const entry = addr(24);
  const phoff = addr(is64 ? 32 : 28);
  const shoff = addr(is64 ? 40 : 32);
  const phentsize = u16(is64 ? 54 : 42);
  const phnum = u16(is64 ? 56 : 44);
  const shentsize = u16(is64 ? 58 : 46);
  const shnum = u16(is64 ? 60 : 48);

  const segments: ElfSegment[] = [];
  if (phnum > 0) check(phoff, phnum * phentsize, 'the program header table');
  for (let i = 0; i < phnum; i++) {
    const o = phoff + i * phentsize;
    segments.push(
      is64
        ? {
            type: u32(o),
            flags: u32(o + 4),
            offset: addr(o + 8),
            vaddr: addr(o + 16),
            paddr: addr(o + 24),
            fileSize: addr(o + 32),
            memSize: addr(o + 40),
          }
        : {
            type: u32(o),
            offset: u32(o + 4),
            vaddr: u32(o + 8),
            paddr: u32(o + 12),
            fileSize: u32(o + 16),
            memSize: u32(o + 20),
            flags: u32(o + 24),
          },
    );
  }

  interface Section {
    name: number;
    address: number;
    type: number;
    offset: number;
    size: number;
    link: number;
    entsize: number;
  }
  const sections: Section[] = [];
  if (shnum > 0) check(shoff, shnum * shentsize, 'the section header table');
  for (let i = 0; i < shnum; i++) {
    const o = shoff + i * shentsize;
    sections.push(
      is64
        ? {
            name: u32(o),
            address: addr(o + 16),
            type: u32(o + 4),
            offset: addr(o + 24),
            size: addr(o + 32),
            link: u32(o + 40),
            entsize: addr(o + 56),
          }
        : {
            name: u32(o),
            address: u32(o + 12),
            type: u32(o + 4),
            offset: u32(o + 16),
            size: u32(o + 20),
            link: u32(o + 24),
            entsize: u32(o + 36),
          },
    );
  }

  const symbols: ElfSymbol[] = [];
  const decoder = new TextDecoder();
  for (const symtab of sections.filter((s) => s.type === SHT_SYMTAB)) {
    const strtab = sections[symtab.link];
    if (strtab === undefined) throw bad('the symbol table links to a missing string table');
    check(symtab.offset, symtab.size, 'the symbol table');
    check(strtab.offset, strtab.size, 'the string table');
    const entsize = symtab.entsize || (is64 ? 24 : 16);
    const name = (offset: number): string => {
      if (offset >= strtab.size) throw bad('a symbol name lies outside its string table');
      const start = strtab.offset + offset;
      let end = start;
      while (end < strtab.offset + strtab.size && bytes[end] !== 0) end++;
      return decoder.decode(bytes.subarray(start, end));
    };
    for (let o = symtab.offset; o + entsize <= symtab.offset + symtab.size; o += entsize) {
      const nameOffset = u32(o);
      const info = is64 ? (bytes[o + 4] ?? 0) : (bytes[o + 12] ?? 0);
      const sectionIndex = is64 ? u16(o + 6) : u16(o + 14);
      const value = is64 ? addr(o + 8) : u32(o + 4);
      const size = is64 ? addr(o + 16) : u32(o + 8);
      const type = SYMBOL_TYPES[info & 0xf] ?? 'other';
      const binding = SYMBOL_BINDINGS[info >> 4] ?? 'other';
      const thumb = machine === EM_ARM && type === 'func';
      symbols.push({
        name: name(nameOffset),
        value,
        address: thumb ? value - (value % 2) : value,
        size,
        type,
        binding,
        sectionIndex,
      });
    }
  }

  const shstrndx = u16(is64 ? 62 : 50);
  const names = sections[shstrndx];
  const sectionName = (offset: number): string => {
    if (names === undefined || offset >= names.size || names.offset + names.size > bytes.length) return '';
    const start = names.offset + offset;
    let end = start;
    while (end < names.offset + names.size && bytes[end] !== 0) end++;
    return decoder.decode(bytes.subarray(start, end));
  };
  const named: ElfSection[] = sections.map((s) => ({
    name: sectionName(s.name),
    type: s.type,
    address: s.address,
    offset: s.offset,
    size: s.size,
  }));
  const SHT_NOBITS = 8;

  const symbol = (wanted: string): ElfSymbol | undefined =>
    symbols.find((s) => s.name === wanted && s.sectionIndex !== 0);
  return {
    path,
    class: elfClass,
    littleEndian: le,
    machine,
    entry,
    segments,
    symbols,
    sections: named,
    sectionData(wanted: string): Uint8Array | undefined {
      const found = named.find((s) => s.name === wanted);
      if (found === undefined || found.type === SHT_NOBITS) return undefined;
      check(found.offset, found.size, `section ${wanted}`);
      return bytes.subarray(found.offset, found.offset + found.size);
    },
    symbol,
    requireSymbol(wanted: string): ElfSymbol {
      const found = symbol(wanted);
      if (found === undefined) {
        throw new BadInputError('elf-symbol-missing', `${path} defines no symbol '${wanted}'`, {
          hint: 'Check that the image was built from the sources you expect, with its symbol table (not stripped).',
        });
      }
      return found;
    },
  };
}
