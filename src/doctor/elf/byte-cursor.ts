import { BadInputError } from '../../util/errors.js';

/** A little-endian reader over a DWARF section, with LEB128 (DWARF 5 §7.6). */
export class ByteCursor {
  offset: number;

  constructor(
    private readonly bytes: Uint8Array,
    offset = 0,
    private readonly what = '.debug_line',
  ) {
    this.offset = offset;
  }

  get length(): number {
    return this.bytes.length;
  }

  private need(n: number): void {
    if (this.offset + n > this.bytes.length) {
      throw new BadInputError(
        'dwarf-truncated',
        `${this.what} ends inside a record (offset ${this.offset})`,
        {
          hint: 'The ELF file is truncated or its debug information is damaged; rebuild it.',
        },
      );
    }
  }

  u8(): number {
    this.need(1);
    return this.bytes[this.offset++] ?? 0;
  }

  i8(): number {
    const v = this.u8();
    return v >= 0x80 ? v - 0x100 : v;
  }

  u16(): number {
    const lo = this.u8();
    return lo | (this.u8() << 8);
  }

  u32(): number {
    const lo = this.u16();
    return (lo | (this.u16() << 16)) >>> 0;
  }

  /** 8 bytes; addresses above 2^53 are not expected on a 32-bit target. */
  u64(): number {
    const lo = this.u32();
    return lo + this.u32() * 2 ** 32;
  }

  uleb(): number {
    let result = 0;
    let scale = 1;
    for (;;) {
      const byte = this.u8();
      result += (byte & 0x7f) * scale;
      scale *= 128;
      if ((byte & 0x80) === 0) return result;
    }
  }

  sleb(): number {
    let result = 0;
    let scale = 1;
    let byte: number;
    do {
      byte = this.u8();
      result += (byte & 0x7f) * scale;
      scale *= 128;
    } while (byte & 0x80);
    return byte & 0x40 ? result - scale : result;
  }

  /** A NUL-terminated string. */
  cstring(): string {
    const start = this.offset;
    while (this.offset < this.bytes.length && this.bytes[this.offset] !== 0) this.offset++;
    this.need(1);
    const text = new TextDecoder().decode(this.bytes.subarray(start, this.offset));
    this.offset++;
    return text;
  }

  skip(n: number): void {
    this.need(n);
    this.offset += n;
  }
}

/** The NUL-terminated string at `offset` in a string section (.debug_str, .debug_line_str). */
export function stringAt(section: Uint8Array | undefined, offset: number): string {
  if (section === undefined || offset >= section.length) return '?';
  return new ByteCursor(section, offset, 'a string section').cstring();
}
