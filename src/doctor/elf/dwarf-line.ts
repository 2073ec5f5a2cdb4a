/**
 * The DWARF line-number program (.debug_line, DWARF 2-5 §6.2): a byte-coded state machine that
 * produces the (address → file, line) table. Decoded here by hand, from the standard: each unit's
 * header (file and directory tables, in the DWARF 5 entry-format form too), then its standard,
 * extended and special opcodes. Only what a PC-to-line lookup needs is kept: rows per sequence.
 */
import { BadInputError } from '../../util/errors.js';
import { ByteCursor, stringAt } from './byte-cursor.js';

const unsupported = (what: string): BadInputError =>
  new BadInputError('dwarf-unsupported', `${what} in .debug_line`, {
    hint: 'Build the firmware with -g (DWARF 2-5); function names still come from the symbol table.',
  });

export interface LineRow {
  readonly address: number;
  readonly file: string;
  readonly line: number;
  readonly endSequence: boolean;
}

/** A run of rows with increasing addresses, ended by DW_LNE_end_sequence. */
export type LineSequence = readonly LineRow[];

export interface DebugStrings {
  /** .debug_str (DW_FORM_strp). */
  readonly str?: Uint8Array;
  /** .debug_line_str (DW_FORM_line_strp, DWARF 5). */
  readonly lineStr?: Uint8Array;
}

const DW_LNS = {
  copy: 1,
  advance_pc: 2,
  advance_line: 3,
  set_file: 4,
  set_column: 5,
  negate_stmt: 6,
  set_basic_block: 7,
  const_add_pc: 8,
  fixed_advance_pc: 9,
  set_prologue_end: 10,
  set_epilogue_begin: 11,
  set_isa: 12,
} as const;
const DW_LNE = { end_sequence: 1, set_address: 2, define_file: 3, set_discriminator: 4 } as const;
const DW_LNCT = { path: 1, directory_index: 2 } as const;
const DW_FORM = {
  block: 0x09,
  block1: 0x0a,
  data1: 0x0b,
  data2: 0x05,
  data4: 0x06,
  data8: 0x07,
  data16: 0x1e,
  line_strp: 0x1f,
  string: 0x08,
  strp: 0x0e,
  udata: 0x0f,
} as const;

interface Header {
  readonly version: number;
  readonly offsetSize: 4 | 8;
  readonly minInstructionLength: number;
  readonly defaultIsStmt: boolean;
  readonly lineBase: number;
  readonly lineRange: number;
  readonly opcodeBase: number;
  readonly standardLengths: readonly number[];
  readonly files: string[];
  readonly programStart: number;
  readonly unitEnd: number;
}

function join(dir: string | undefined, name: string): string {
  if (dir === undefined || dir === '' || name.startsWith('/')) return name;
  return `${dir}/${name}`;
}

/** One DWARF 5 entry (directory or file) by its format: path and directory index. */
function readEntry(
  c: ByteCursor,
  formats: readonly [number, number][],
  offsetSize: 4 | 8,
  strings: DebugStrings,
): { path: string; dir: number } {
  let path = '';
  let dir = 0;
  for (const [content, form] of formats) {
    let text: string | undefined;
    let number: number | undefined;
    switch (form) {
      case DW_FORM.string:
        text = c.cstring();
        break;
      case DW_FORM.line_strp:
        text = stringAt(strings.lineStr, offsetSize === 8 ? c.u64() : c.u32());
        break;
      case DW_FORM.strp:
        text = stringAt(strings.str, offsetSize === 8 ? c.u64() : c.u32());
        break;
      case DW_FORM.udata:
        number = c.uleb();
        break;
      case DW_FORM.data1:
        number = c.u8();
        break;
      case DW_FORM.data2:
        number = c.u16();
        break;
      case DW_FORM.data4:
        number = c.u32();
        break;
      case DW_FORM.data8:
        number = c.u64();
        break;
      case DW_FORM.data16:
        c.skip(16);
        break;
      case DW_FORM.block:
        c.skip(c.uleb());
        break;
      case DW_FORM.block1:
        c.skip(c.u8());
        break;
      default:
        throw unsupported(`DWARF form 0x${form.toString(16)} in a line table header is not supported`);
    }
    if (content === DW_LNCT.path && text !== undefined) path = text;
    if (content === DW_LNCT.directory_index && number !== undefined) dir = number;
  }
  return { path, dir };
}

function readFormats(c: ByteCursor): [number, number][] {
  const count = c.u8();
  const formats: [number, number][] = [];
  for (let i = 0; i < count; i++) formats.push([c.uleb(), c.uleb()]);
  return formats;
}

function readHeader(c: ByteCursor, strings: DebugStrings): Header {
  let unitLength = c.u32();
  let offsetSize: 4 | 8 = 4;
  if (unitLength === 0xffff_ffff) {
    unitLength = c.u64();
    offsetSize = 8;
  }
  const unitEnd = c.offset + unitLength;
  const version = c.u16();
  if (version < 2 || version > 5) throw unsupported(`DWARF line table version ${version} is not supported`);
  if (version >= 5) c.skip(2); // address_size, segment_selector_size
  const headerLength = offsetSize === 8 ? c.u64() : c.u32();
  const programStart = c.offset + headerLength;
  const minInstructionLength = c.u8();
  if (version >= 4) c.u8(); // maximum_operations_per_instruction (VLIW only)
  const defaultIsStmt = c.u8() !== 0;
  const lineBase = c.i8();
  const lineRange = c.u8();
  const opcodeBase = c.u8();
  const standardLengths: number[] = [];
  for (let i = 1; i < opcodeBase; i++) standardLengths.push(c.u8());
  const files: string[] = [];
  if (version >= 5) {
    const dirFormats = readFormats(c);
    const dirs: string[] = [];
    for (let i = c.uleb(); i > 0; i--) dirs.push(readEntry(c, dirFormats, offsetSize, strings).path);
    const fileFormats = readFormats(c);
    for (let i = c.uleb(); i > 0; i--) {
      const entry = readEntry(c, fileFormats, offsetSize, strings);
      // Directory 0 is the compilation directory: absolute, and not what a user reads.
      files.push(entry.dir === 0 ? entry.path : join(dirs[entry.dir], entry.path));
    }
  } else {
    const dirs: string[] = [];
    for (let dir = c.cstring(); dir !== ''; dir = c.cstring()) dirs.push(dir);
    // File numbers start at 1 before DWARF 5: a placeholder keeps the index equal to the number.
    files.push('?');
    for (let name = c.cstring(); name !== ''; name = c.cstring()) {
      const dir = c.uleb();
      c.uleb(); // mtime
      c.uleb(); // length
      files.push(dir === 0 ? name : join(dirs[dir - 1], name));
    }
  }
  return {
    version,
    offsetSize,
    minInstructionLength,
    defaultIsStmt,
    lineBase,
    lineRange,
    opcodeBase,
    standardLengths,
    files,
    programStart,
    unitEnd,
  };
}

function runProgram(c: ByteCursor, h: Header, sequences: LineRow[][]): void {
  let address = 0;
  let file = 1;
  let line = 1;
  let rows: LineRow[] = [];
  const reset = (): void => {
    address = 0;
    file = 1;
    line = 1;
  };
  const emit = (endSequence: boolean): void => {
    rows.push({ address, file: h.files[file] ?? `file ${file}`, line, endSequence });
    if (endSequence) {
      sequences.push(rows);
      rows = [];
      reset();
    }
  };
  c.offset = h.programStart;
  while (c.offset < h.unitEnd) {
    const opcode = c.u8();
    if (opcode >= h.opcodeBase) {
      const adjusted = opcode - h.opcodeBase;
      address += Math.floor(adjusted / h.lineRange) * h.minInstructionLength;
      line += h.lineBase + (adjusted % h.lineRange);
      emit(false);
      continue;
    }
    switch (opcode) {
      case 0: {
        const length = c.uleb();
        const end = c.offset + length;
        const sub = length === 0 ? 0 : c.u8();
        if (sub === DW_LNE.end_sequence) emit(true);
        else if (sub === DW_LNE.set_address) address = length - 1 === 8 ? c.u64() : c.u32();
        else if (sub === DW_LNE.define_file) {
          const name = c.cstring();
          h.files.push(name);
        }
        c.offset = end;
        break;
      }
      case DW_LNS.copy:
        emit(false);
        break;
      case DW_LNS.advance_pc:
        address += c.uleb() * h.minInstructionLength;
        break;
      case DW_LNS.advance_line:
        line += c.sleb();
        break;
      case DW_LNS.set_file:
        file = c.uleb();
        break;
      case DW_LNS.const_add_pc:
        address += Math.floor((255 - h.opcodeBase) / h.lineRange) * h.minInstructionLength;
        break;
      case DW_LNS.fixed_advance_pc:
        address += c.u16();
        break;
      case DW_LNS.set_column:
      case DW_LNS.set_isa:
        c.uleb();
        break;
      case DW_LNS.negate_stmt:
      case DW_LNS.set_basic_block:
      case DW_LNS.set_prologue_end:
      case DW_LNS.set_epilogue_begin:
        break;
      default:
        // An opcode this reader does not know: the header says how many ULEB operands it has.
        for (let i = h.standardLengths[opcode - 1] ?? 0; i > 0; i--) c.uleb();
    }
  }
  if (rows.length > 0) sequences.push(rows);
}

/** Every sequence of every unit in a .debug_line section. */
export function decodeLineTable(section: Uint8Array, strings: DebugStrings = {}): LineSequence[] {
  const sequences: LineRow[][] = [];
  const c = new ByteCursor(section);
  while (c.offset < c.length) {
    const header = readHeader(c, strings);
    runProgram(c, header, sequences);
    c.offset = header.unitEnd;
  }
  return sequences;
}

/** The row that covers `address`: in the sequence that spans it, the last row at or below it. */
export function lineFor(sequences: readonly LineSequence[], address: number): LineRow | undefined {
  for (const rows of sequences) {
    const first = rows[0];
    const last = rows[rows.length - 1];
    if (first === undefined || last === undefined) continue;
    if (address < first.address || address >= last.address) continue;
    let best: LineRow | undefined;
    for (const row of rows) {
      if (row.endSequence || row.address > address) break;
      best = row;
    }
    if (best !== undefined) return best;
  }
  return undefined;
}
