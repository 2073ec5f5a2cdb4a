/**
 * Packet bytes as text and as hex (the remote protocol's payloads are bytes; commands are ASCII,
 * memory and registers travel as two lower-case hex digits per byte). Written as plain loops over
 * typed arrays: a 16 KiB `m` reply went through per-character callbacks and string concatenation,
 * which cost more than reading the memory through the probe.
 */

const HEX_DIGITS = Uint8Array.from('0123456789abcdef', (c) => c.charCodeAt(0));

/** The ASCII hex digits of `bytes`, two per byte, high nibble first: an `m` reply as it is sent. */
export function hexDigits(bytes: Uint8Array): Uint8Array {
  const out = new Uint8Array(bytes.length * 2);
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i] ?? 0;
    out[2 * i] = HEX_DIGITS[b >>> 4] ?? 0;
    out[2 * i + 1] = HEX_DIGITS[b & 0xf] ?? 0;
  }
  return out;
}

/** `bytes` as a hex string (console output, registers). */
export function toHex(bytes: Uint8Array): string {
  return latin1(hexDigits(bytes));
}

/** One byte per character (Latin-1): packets hold arbitrary bytes, so no text decoding applies. */
export function latin1(bytes: Uint8Array): string {
  let s = '';
  // fromCharCode takes its arguments on the stack: a bounded slice at a time.
  for (let i = 0; i < bytes.length; i += 0x2000) s += String.fromCharCode(...bytes.subarray(i, i + 0x2000));
  return s;
}

/** The bytes of a Latin-1 string (each character's low 8 bits). */
export function fromLatin1(text: string): Uint8Array {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i) & 0xff;
  return out;
}

function nibble(code: number): number {
  if (code >= 0x30 && code <= 0x39) return code - 0x30;
  if (code >= 0x61 && code <= 0x66) return code - 0x61 + 10;
  if (code >= 0x41 && code <= 0x46) return code - 0x41 + 10;
  return -1;
}

/** Hex digits (either case) as bytes; undefined for an odd count or a non-hex character. */
export function parseHexBytes(text: string): Uint8Array | undefined {
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
