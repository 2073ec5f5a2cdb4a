import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { firmwareElf } from '../../../test/support/paths.js';
import { decodeLineTable, lineFor } from './dwarf-line.js';
import { elfLocator } from './locate.js';

const STANDARD_LENGTHS = [0, 1, 1, 1, 1, 0, 0, 0, 1, 0, 0, 1];
const cstr = (s: string): number[] => [...new TextEncoder().encode(s), 0];
const u32 = (n: number): number[] => [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, n >>> 24];

/** A unit around `afterHeaderLength` (the header fields after header_length) and `program`. */
function unit(
  version: number,
  beforeHeaderLength: number[],
  header: number[],
  program: number[],
): Uint8Array {
  const rest = [...u32(header.length), ...header, ...program];
  const body = [version & 0xff, version >> 8, ...beforeHeaderLength, ...rest];
  return Uint8Array.from([...u32(body.length), ...body]);
}

/** set_address 0x08000100, line 10, copy; +4 bytes and +1 line (special opcode); +4; end. */
const PROGRAM = [
  ...[0x00, 0x05, 0x02, ...u32(0x0800_0100)],
  ...[0x03, 0x09],
  0x01,
  // special opcode: (line +1 - line_base -5) + line_range 14 * 2 operations + opcode_base 13 = 47
  0x2f,
  ...[0x02, 0x02],
  ...[0x00, 0x01, 0x01],
];
const COMMON = [2, 1, 1, 0xfb, 14, 13, ...STANDARD_LENGTHS]; // min_inst 2, max_ops 1, is_stmt, base -5, range 14

describe('the DWARF line program decoder', () => {
  it('DWARF 4: directory and file tables, set_address, advance_line, copy, special opcodes, end_sequence', () => {
    const header = [...COMMON, ...cstr('src'), 0, ...cstr('a.c'), 1, 0, 0, 0];
    const sequences = decodeLineTable(unit(4, [], header, PROGRAM));
    assert.equal(sequences.length, 1);
    assert.deepEqual(lineFor(sequences, 0x0800_0102), {
      address: 0x0800_0100,
      file: 'src/a.c',
      line: 10,
      endSequence: false,
    });
    assert.equal(lineFor(sequences, 0x0800_0106)?.line, 11);
    assert.equal(lineFor(sequences, 0x0800_0108), undefined, 'end_sequence is one past the last byte');
    assert.equal(lineFor(sequences, 0x0800_00fe), undefined);
  });

  it('DWARF 5: entry formats (DW_LNCT_path as DW_FORM_string, directory index as udata)', () => {
    const header = [
      ...COMMON,
      ...[1, 0x01, 0x08], // directory format: path, string
      2,
      ...cstr('/build'),
      ...cstr('lib'),
      ...[2, 0x01, 0x08, 0x02, 0x0f], // file format: path string, directory index udata
      2,
      ...cstr('b.c'),
      1,
      ...cstr('b.c'),
      1,
    ];
    const sequences = decodeLineTable(unit(5, [4, 0], header, PROGRAM));
    assert.deepEqual(lineFor(sequences, 0x0800_0104), {
      address: 0x0800_0104,
      file: 'lib/b.c',
      line: 11,
      endSequence: false,
    });
  });

  it('on the committed swd-off.elf: the lines and functions arm-none-eabi-addr2line -f gives', () => {
    const path = firmwareElf('swd-off');
    const locate = elfLocator(readFileSync(path), path);
    // arm-none-eabi-addr2line -f -e firmware/bin/swd-off.elf 0x8000190 0x8000200 0x8000240
    assert.deepEqual(locate(0x0800_0190), {
      pc: 0x0800_0190,
      function: 'delay_ms_hsi',
      file: 'common/stm32f407.h',
      line: 258,
    });
    assert.deepEqual(locate(0x0800_0200), {
      pc: 0x0800_0200,
      function: 'main',
      file: 'src/swd-off.c',
      line: 45,
    });
    assert.deepEqual(locate(0x0800_0240), {
      pc: 0x0800_0240,
      function: 'Reset_Handler',
      file: 'common/startup.c',
      line: 27,
    });
  });
});
