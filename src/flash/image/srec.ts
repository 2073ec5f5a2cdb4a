import { normalizeSegments, RunBuilder } from './segments.js';
import { hexBytes, lineError, textLines, truncated, type TextLine } from './text-records.js';
import type { Image } from './types.js';

/** Address field length in bytes per S-record type (S0 header … S9 16-bit entry). */
const ADDRESS_BYTES: Readonly<Record<string, number>> = {
  '0': 2,
  '1': 2,
  '2': 3,
  '3': 4,
  '5': 2,
  '6': 3,
  '7': 4,
  '8': 3,
  '9': 2,
};

/**
 * Motorola S-records: `S<type><count><address><data><checksum>`, count covering address, data and
 * checksum; the checksum is the ones' complement of the low byte of the sum of count, address and
 * data. S1/S2/S3 carry data, S5/S6 a record count, S7/S8/S9 the entry point and the end of the
 * block, S0 a header.
 */
export function srecImage(bytes: Uint8Array, source: string): Image {
  const runs = new RunBuilder();
  let entry: number | undefined;
  let terminated = false;
  let last: TextLine | undefined;
  for (const line of textLines(bytes)) {
    last = line;
    if (terminated)
      throw lineError('srec-after-end', source, line, 'a record follows the termination record (S7/S8/S9)');
    const type = line.text[1] ?? '';
    const addressBytes = ADDRESS_BYTES[type];
    if (line.text[0] !== 'S' || addressBytes === undefined) {
      throw lineError(
        'srec-bad-record',
        source,
        line,
        `not an S-record (expected S0–S3 or S5–S9, found '${line.text.slice(0, 2)}')`,
      );
    }
    const record = hexBytes(line.text.slice(2));
    if (record === undefined || record.length < 1 + addressBytes + 1 || record[0] !== record.length - 1) {
      throw lineError('srec-bad-record', source, line, 'the byte count does not match the record length');
    }
    const sum = record.subarray(0, record.length - 1).reduce((a, b) => a + b, 0);
    if ((~sum & 0xff) !== record[record.length - 1])
      throw lineError('srec-checksum', source, line, 'checksum mismatch');
    let address = 0;
    for (let i = 1; i <= addressBytes; i++) address = address * 256 + (record[i] ?? 0);
    const data = record.subarray(1 + addressBytes, record.length - 1);
    if (type === '1' || type === '2' || type === '3') runs.add(address, data);
    else if (type === '7' || type === '8' || type === '9') {
      entry = address;
      terminated = true;
    }
  }
  // A block of S-records ends with its termination record (S7, S8 or S9, which carry the entry
  // point); a file without one was cut short.
  if (!terminated) throw truncated('srec-truncated', source, last, 'termination record (S7, S8 or S9)');
  return { format: 'srec', segments: normalizeSegments(source, runs.finish()), entry };
}
