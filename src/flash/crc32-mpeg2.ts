/**
 * CRC-32/MPEG-2: polynomial 0x04C11DB7, MSB first, no reflection, initial value 0xFFFFFFFF, no final
 * XOR. It is what the STM32 CRC unit computes and what swdkit's RAM loader computes on the target
 * (firmware/loader/stm32f4-flash.S), so the host compares its own figure for an image with the
 * target's figure for flash without reading the flash back.
 */
const POLYNOMIAL = 0x04c1_1db7;

const TABLE = (() => {
  const table = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i << 24;
    for (let bit = 0; bit < 8; bit++) c = c & 0x8000_0000 ? (c << 1) ^ POLYNOMIAL : c << 1;
    table[i] = c >>> 0;
  }
  return table;
})();

export const CRC32_MPEG2_INITIAL = 0xffff_ffff;

/** The CRC of `bytes`, continuing from `crc` (pass a previous result to extend it over more bytes). */
export function crc32Mpeg2(bytes: Uint8Array, crc: number = CRC32_MPEG2_INITIAL): number {
  let c = crc >>> 0;
  for (const byte of bytes) c = ((c << 8) ^ (TABLE[((c >>> 24) ^ byte) & 0xff] ?? 0)) >>> 0;
  return c;
}
