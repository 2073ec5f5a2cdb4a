/**
 * Explicit-endian reads and writes on byte arrays. Every binary layout in swdkit is written with these,
 * so each field says its byte order where it is declared (most ST-Link fields are little-endian; the
 * GET_VERSION word is big-endian).
 */

export function u8(bytes: Uint8Array, offset: number): number {
  const value = bytes[offset];
  if (value === undefined) throw new RangeError(`byte ${offset} is outside a ${bytes.length}-byte buffer`);
  return value;
}

export function u16le(bytes: Uint8Array, offset: number): number {
  return u8(bytes, offset) | (u8(bytes, offset + 1) << 8);
}

export function u16be(bytes: Uint8Array, offset: number): number {
  return (u8(bytes, offset) << 8) | u8(bytes, offset + 1);
}

/** Three bytes, least significant first (the ST-Link CSW field). */
export function u24le(bytes: Uint8Array, offset: number): number {
  return u8(bytes, offset) | (u8(bytes, offset + 1) << 8) | (u8(bytes, offset + 2) << 16);
}

export function u32le(bytes: Uint8Array, offset: number): number {
  return (
    (u8(bytes, offset) | (u8(bytes, offset + 1) << 8) | (u8(bytes, offset + 2) << 16)) +
    u8(bytes, offset + 3) * 0x100_0000
  );
}

function checkRange(bytes: Uint8Array, offset: number, size: number, value: number, bits: number): void {
  if (offset < 0 || offset + size > bytes.length) {
    throw new RangeError(`bytes ${offset}..${offset + size - 1} are outside a ${bytes.length}-byte buffer`);
  }
  if (!Number.isInteger(value) || value < 0 || value >= 2 ** bits) {
    throw new RangeError(`${value} does not fit in ${bits} bits`);
  }
}

export function setU8(bytes: Uint8Array, offset: number, value: number): void {
  checkRange(bytes, offset, 1, value, 8);
  bytes[offset] = value;
}

export function setU16le(bytes: Uint8Array, offset: number, value: number): void {
  checkRange(bytes, offset, 2, value, 16);
  bytes[offset] = value & 0xff;
  bytes[offset + 1] = value >>> 8;
}

export function setU16be(bytes: Uint8Array, offset: number, value: number): void {
  checkRange(bytes, offset, 2, value, 16);
  bytes[offset] = value >>> 8;
  bytes[offset + 1] = value & 0xff;
}

export function setU24le(bytes: Uint8Array, offset: number, value: number): void {
  checkRange(bytes, offset, 3, value, 24);
  bytes[offset] = value & 0xff;
  bytes[offset + 1] = (value >>> 8) & 0xff;
  bytes[offset + 2] = value >>> 16;
}

export function setU32le(bytes: Uint8Array, offset: number, value: number): void {
  checkRange(bytes, offset, 4, value, 32);
  bytes[offset] = value & 0xff;
  bytes[offset + 1] = (value >>> 8) & 0xff;
  bytes[offset + 2] = (value >>> 16) & 0xff;
  bytes[offset + 3] = value >>> 24;
}

/** `2a 1b 83 04` — for messages and test names. */
export function hexBytes(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join(' ');
}

/** `0x08000000` — a 32-bit value as eight hex digits. */
export function hex32(value: number): string {
  return `0x${(value >>> 0).toString(16).padStart(8, '0')}`;
}

/**
 * Bytes as Latin-1 text: each byte is the code point of the same value (what a UART console shows, and
 * how gdb's packets, which hold arbitrary bytes, are read as commands).
 */
export function latin1(bytes: Uint8Array | readonly number[]): string {
  const view = bytes instanceof Uint8Array ? bytes : Uint8Array.from(bytes, (byte) => byte & 0xff);
  let s = '';
  // fromCharCode takes its arguments on the stack: a bounded slice at a time.
  for (let i = 0; i < view.length; i += 0x2000) s += String.fromCharCode(...view.subarray(i, i + 0x2000));
  return s;
}

/** The bytes of a Latin-1 string (each character's low 8 bits): latin1's inverse. */
export function fromLatin1(text: string): Uint8Array {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i) & 0xff;
  return out;
}

/** 0–15 for a hex digit's character code (either case), -1 for anything else. */
function nibble(code: number): number {
  if (code >= 0x30 && code <= 0x39) return code - 0x30;
  const lower = code | 0x20;
  if (lower >= 0x61 && lower <= 0x66) return lower - 0x61 + 10;
  return -1;
}

/**
 * Hex digit pairs (either case, nothing between them) as bytes; undefined for an odd count or any
 * other character. For input from outside (HEX and S-record lines, gdb packets): no exceptions, no
 * regular expressions, one pass.
 */
export function parseHexDigits(text: string): Uint8Array | undefined {
  if (text.length % 2 !== 0) return undefined;
  const out = new Uint8Array(text.length / 2);
  for (let i = 0; i < out.length; i++) {
    const high = nibble(text.charCodeAt(2 * i));
    const low = nibble(text.charCodeAt(2 * i + 1));
    if (high < 0 || low < 0) return undefined;
    out[i] = (high << 4) | low;
  }
  return out;
}

/** Parses `2A 1B 83 04` / `2a1b8304` into bytes (tests and golden data). */
export function fromHex(text: string): Uint8Array {
  const digits = text.replace(/\s+/g, '');
  if (!/^([0-9a-fA-F]{2})*$/.test(digits)) throw new RangeError(`not a hex byte string: ${text}`);
  const out = new Uint8Array(digits.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(digits.slice(2 * i, 2 * i + 2), 16);
  return out;
}
