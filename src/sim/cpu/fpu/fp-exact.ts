import { oddNeighbour } from './fp-bits.js';

/**
 * Exact real results carried in a double, for FPRound (fp-round.ts).
 *
 * The pseudocode computes each result as an exact real and rounds it once. A double cannot hold every
 * exact result (a sum of singles far apart in magnitude, a quotient, a square root), so these helpers
 * return the result *rounded to odd* at double precision: the exact value if it is a double, else the
 * neighbour towards zero with its last bit forced to 1. A round-to-odd value with at least two more
 * bits than the target format rounds to that format, in every rounding mode, exactly as the real
 * would (Boldo & Melquiond, "Emulation of FMA and correctly rounded sums: proved algorithms using
 * rounding to odd", 2008): the odd bit keeps "inexact" and "beyond the half-way point" alive, and
 * truncation never changes the binade, so FPRound sees the same exponent (underflow before rounding).
 * 53 bits against 24 (or 11) leaves plenty of margin, and no result of single-precision operands comes
 * near the double's subnormal or overflow range, which the error-free transformations below need.
 */

/**
 * The round-to-odd value of a real known to lie strictly between `nearest` and its neighbour on the
 * side given by the sign of `residual` = real - nearest (0 when nearest is exact).
 */
function toOdd(nearest: number, residual: number): number {
  if (residual === 0) return nearest;
  // The real is beyond `nearest` (away from zero) when residual has its sign: truncation keeps it.
  return oddNeighbour(nearest, residual > 0 !== nearest > 0);
}

/** a + b rounded to odd. The error of the rounded sum is exact (Knuth's TwoSum). */
export function sumToOdd(a: number, b: number): number {
  const s = a + b;
  const bVirtual = s - a;
  const aVirtual = s - bVirtual;
  const error = a - aVirtual + (b - bVirtual);
  return toOdd(s, error);
}

/** Veltkamp's splitting constant for doubles: 2^27 + 1. */
const SPLITTER = 134217729;

/**
 * The sign of x*y - z, computed exactly when x*y is close to z (within a few ulps): Dekker's TwoProduct
 * gives x*y = p + e exactly, and p - z is then exact by Sterbenz's lemma, so the final rounded sum has
 * the exact sum's sign.
 */
function productMinusSign(x: number, y: number, z: number): number {
  const p = x * y;
  let t = SPLITTER * x;
  const xHigh = t - (t - x);
  const xLow = x - xHigh;
  t = SPLITTER * y;
  const yHigh = t - (t - y);
  const yLow = y - yHigh;
  const e = xHigh * yHigh - p + xHigh * yLow + xLow * yHigh + xLow * yLow;
  return p - z + e;
}

/**
 * a / b rounded to odd, for finite non-zero doubles. The division's remainder decides which side of
 * the rounded quotient q the real quotient lies: sign(q*|b| - |a|).
 */
export function quotientToOdd(a: number, b: number): number {
  const q = a / b;
  const residual = productMinusSign(Math.abs(q), Math.abs(b), Math.abs(a));
  // q*|b| > |a| means |q| is above the real quotient's magnitude.
  return toOdd(q, q > 0 ? -residual : residual);
}

/** Sqrt(a) rounded to odd, for a finite positive double; checked by squaring the rounded root. */
export function sqrtToOdd(a: number): number {
  const s = Math.sqrt(a);
  return toOdd(s, -productMinusSign(s, s, a));
}
