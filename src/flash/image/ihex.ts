import { normalizeSegments, RunBuilder } from './segments.js';
import { hexBytes, lineError, textLines, truncated, type TextLine } from './text-records.js';
import type { Image } from './types.js';

/**
 * Intel HEX (Intel's "Hexadecimal Object File Format Specification" rev. A): records
 * `:LLAAAATT<data>CC` with types 00 data, 01 end of file, 02 extended segment address (×16),
 * 03 start segment address (CS:IP), 04 extended linear address (upper 16 bits), 05 start linear
 * address (the entry point). The checksum makes the sum of all record bytes 0 modulo 256.
 */
export function ihexImage(bytes: Uint8Array, source: string): Image {
  const runs = new RunBuilder();
  let base = 0;
  let entry: number | undefined;
  let ended = false;
  let last: TextLine | undefined;
  for (const line of textLines(bytes)) {
    last = line;
    if (ended) throw lineError('ihex-after-eof', source, line, 'a record follows the end-of-file record');
    if (!line.text.startsWith(':'))
      throw lineError('ihex-bad-record', source, line, "a record must start with ':'");
    const record = hexBytes(line.text.slice(1));
    if (record === undefined || record.length < 5) {
      throw lineError(
        'ihex-bad-record',
        source,
        line,
        'not an Intel HEX record (hex digit pairs after the colon)',
      );
    }
    const at = (i: number): number => record[i] ?? 0;
    const length = at(0);
    if (record.length !== length + 5) {
      throw lineError(
        'ihex-bad-record',
        source,
        line,
        `the record says ${length} data bytes but has ${record.length - 5}`,
      );
    }
    const sum = record.reduce((a, b) => a + b, 0) & 0xff;
    if (sum !== 0) throw lineError('ihex-checksum', source, line, 'checksum mismatch');
    const offset = (at(1) << 8) | at(2);
    const type = at(3);
    const data = record.subarray(4, 4 + length);
    const d = (i: number): number => data[i] ?? 0;
    const word = (): number => ((d(0) << 8) | d(1)) >>> 0;
    switch (type) {
      case 0x00:
        runs.add((base + offset) >>> 0, data);
        break;
      case 0x01:
        ended = true;
        break;
      case 0x02:
        if (length !== 2)
          throw lineError(
            'ihex-bad-record',
            source,
            line,
            'an extended segment address record needs 2 bytes',
          );
        base = word() * 16;
        break;
      case 0x03:
        if (length !== 4)
          throw lineError('ihex-bad-record', source, line, 'a start segment address record needs 4 bytes');
        entry = word() * 16 + ((d(2) << 8) | d(3));
        break;
      case 0x04:
        if (length !== 2)
          throw lineError('ihex-bad-record', source, line, 'an extended linear address record needs 2 bytes');
        base = (word() << 16) >>> 0;
        break;
      case 0x05:
        if (length !== 4)
          throw lineError('ihex-bad-record', source, line, 'a start linear address record needs 4 bytes');
        entry = ((d(0) << 24) | (d(1) << 16) | (d(2) << 8) | d(3)) >>> 0;
        break;
      default:
        throw lineError(
          'ihex-bad-record',
          source,
          line,
          `unknown record type 0x${type.toString(16).padStart(2, '0')}`,
        );
    }
  }
  // Every Intel HEX file ends with a type 01 record; one that stops before it was cut short (a
  // partial download or copy) and loading what is there would flash part of a program.
  if (!ended) throw truncated('ihex-truncated', source, last, 'end-of-file record (type 01)');
  return { format: 'ihex', segments: normalizeSegments(source, runs.finish()), entry };
}
