/**
 * 64-bit arithmetic for the long multiplies without BigInt (which allocates): results go to `wide`
 * as [low word, high word], both int32. Products are split into 16-bit pieces so every partial
 * result is an exact integer in a double.
 */
export const wide = new Int32Array(2);

const TWO_32 = 0x1_0000_0000;

/**
 * wide = UInt(a) * UInt(b). The low word is Math.imul's; the high word sums the 16 × 16-bit partial
 * products' upper parts with the carries out of bits [31:16], all below 2^32.
 */
export function multiplyUnsigned(a: number, b: number): void {
  const a0 = a & 0xffff;
  const a1 = a >>> 16;
  const b0 = b & 0xffff;
  const b1 = b >>> 16;
  const cross1 = a0 * b1;
  const cross2 = a1 * b0;
  const carry = (((a0 * b0) >>> 16) + (cross1 & 0xffff) + (cross2 & 0xffff)) >>> 16;
  wide[0] = Math.imul(a, b);
  wide[1] = a1 * b1 + (cross1 >>> 16) + (cross2 >>> 16) + carry;
}

/**
 * wide = SInt(a) * SInt(b): the unsigned product, less 2^32 * b for a negative a and 2^32 * a for
 * a negative b (modulo 2^64).
 */
export function multiplySigned(a: number, b: number): void {
  multiplyUnsigned(a, b);
  wide[1] = wide[1]! - (a < 0 ? b : 0) - (b < 0 ? a : 0);
}

/** wide = SignExtend(x, 64) for an exact integer -2^52 < x < 2^52. */
export function setWide(x: number): void {
  wide[0] = x % TWO_32;
  wide[1] = Math.floor(x / TWO_32);
}

/** wide = -wide (two's complement). */
export function negateWide(): void {
  const low = wide[0]!;
  wide[0] = -low;
  wide[1] = ~wide[1]! + (low === 0 ? 1 : 0);
}

/** wide = wide + (high:low), modulo 2^64. */
export function accumulateWide(low: number, high: number): void {
  const sum = (wide[0]! >>> 0) + (low >>> 0);
  wide[0] = sum;
  wide[1] = wide[1]! + high + (sum >= TWO_32 ? 1 : 0);
}
