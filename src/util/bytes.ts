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

/** Bytes as Latin-1 text: each byte is the code point of the same value (what a UART console shows). */
export function latin1(bytes: ArrayLike<number>): string {
  return Array.from(bytes, (byte) => String.fromCharCode(byte & 0xff)).join('');
}

/** Parses `2A 1B 83 04` / `2a1b8304` into bytes (tests and golden data). */
export function fromHex(text: string): Uint8Array {
  const digits = text.replace(/\s+/g, '');
  if (!/^([0-9a-fA-F]{2})*$/.test(digits)) throw new RangeError(`not a hex byte string: ${text}`);
  const out = new Uint8Array(digits.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(digits.slice(2 * i, 2 * i + 2), 16);
  return out;
}
