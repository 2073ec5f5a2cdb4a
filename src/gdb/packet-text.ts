/**
 * Bytes as the remote protocol's hex: two lower-case digits per byte, high nibble first (registers,
 * console output; `m` replies are framed straight from the same table by rsp-framing.ts). Parsing hex
 * back, and bytes as Latin-1 text, are util/bytes.ts's.
 */

/** The two hex digits of every byte value. */
export const HEX_PAIRS: readonly string[] = Array.from({ length: 256 }, (_, b) =>
  b.toString(16).padStart(2, '0'),
);

/** `bytes` as a hex string. */
export function toHex(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) out += HEX_PAIRS[b] ?? '';
  return out;
}
