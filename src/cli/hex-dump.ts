import { hex32 } from '../util/bytes.js';

/**
 * The classic 16-bytes-per-line dump: address, the bytes in hex (a gap after eight), and the
 * printable ASCII characters (others as '.').
 */
export function hexDump(address: number, data: Uint8Array): string {
  const lines: string[] = [];
  for (let offset = 0; offset < data.length; offset += 16) {
    const row = data.subarray(offset, offset + 16);
    const bytes = Array.from(row, (b) => b.toString(16).padStart(2, '0'));
    const left = bytes.slice(0, 8).join(' ');
    const right = bytes.slice(8).join(' ');
    const text = Array.from(row, (b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.')).join('');
    lines.push(`${hex32(address + offset)}  ${left.padEnd(23)}  ${right.padEnd(23)}  |${text}|`);
  }
  return lines.join('\n');
}
