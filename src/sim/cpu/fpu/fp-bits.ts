/**
 * Bit-pattern conversions between raw IEEE-754 encodings and JavaScript doubles, through one shared
 * scratch buffer so that executors allocate nothing. The views assume a little-endian host (every
 * platform Node runs on): `words[0]` is the low half of the double.
 */
const scratch = new ArrayBuffer(8);
const double = new Float64Array(scratch);
const words = new Uint32Array(scratch);
const single = new Float32Array(scratch);
const singleBits = new Int32Array(scratch);

/**
 * The exact value of a single-precision encoding that is not a NaN (a NaN would be quietened by the
 * Float32Array read, so callers classify first: fp-unpack.ts).
 */
export function singleToDouble(bits: number): number {
  singleBits[0] = bits;
  return single[0]!;
}

/** The single-precision encoding of a double that is exactly representable in single precision. */
export function exactDoubleToSingle(value: number): number {
  single[0] = value;
  return singleBits[0]!;
}

/** UInt(exponent field) - 1023 of a positive double: floor(log2(x)) for a normal double x. */
export function doubleExponent(x: number): number {
  double[0] = x;
  return ((words[1]! >>> 20) & 0x7ff) - 1023;
}

/**
 * The double whose encoding is x's with the least significant bit forced to 1, after first stepping
 * x one unit in the last place towards zero when `stepTowardZero`: the two moves that turn a
 * round-to-nearest result into the round-to-odd one (fp-exact.ts). x is finite and non-zero.
 */
export function oddNeighbour(x: number, stepTowardZero: boolean): number {
  double[0] = x;
  let low = words[0]!;
  let high = words[1]!;
  if (stepTowardZero) {
    // Decrementing the 64-bit encoding moves the magnitude one ulp down, across binades too.
    if (low === 0) high = (high - 1) >>> 0;
    low = (low - 1) >>> 0;
  }
  words[0] = (low | 1) >>> 0;
  words[1] = high;
  return double[0];
}

const POW2_MIN = -1074;
const POW2_MAX = 1023;
const powers = new Float64Array(POW2_MAX - POW2_MIN + 1);
for (let e = POW2_MIN; e <= POW2_MAX; e++) {
  if (e >= -1022) {
    words[1] = (e + 1023) << 20;
    words[0] = 0;
  } else {
    const bit = e + 1074; // position of the single set bit of a subnormal double
    words[1] = bit >= 32 ? 1 << (bit - 32) : 0;
    words[0] = bit >= 32 ? 0 : (1 << bit) >>> 0;
  }
  powers[e - POW2_MIN] = double[0]!;
}

/** 2^e exactly, for -1074 <= e <= 1023 (a table: Math.pow's exactness is not specified). */
export function pow2(e: number): number {
  return powers[e - POW2_MIN]!;
}
