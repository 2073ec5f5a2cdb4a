import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Cpu } from '../cpu.js';
import { cpuWithCode } from '../../../../test/support/cpu-fixtures.js';
import { fpAbs, fpAdd, fpDiv, fpMul, fpMulAdd, fpNeg, fpSqrt, fpSub } from './fp-arith.js';
import { FPSCR, RM, RN, RP, RZ } from './fpscr.js';

/** Golden values worked from the ARMv7-M A2.5.7 pseudocode (FPAdd, FPMul, FPDiv, FPSqrt, FPMulAdd). */

const { IOC, DZC, OFC, UFC, IXC, IDC } = FPSCR;
const ONE = 0x3f800000;
const TWO = 0x40000000;
const THREE = 0x40400000;
const INF = 0x7f800000;
const NEG_INF = 0xff800000 | 0;
const NEG_ZERO = 0x80000000 | 0;
const QNAN_A = 0x7fc00011; // quiet, payload 0x11
const SNAN_B = 0xff800022 | 0; // signalling, negative, payload 0x22
const QNAN_B_QUIETED = 0xffc00022 | 0;
const DEFAULT_NAN = 0x7fc00000;

function core(rmode = RN, extra = 0): Cpu {
  const { cpu } = cpuWithCode([]);
  cpu.fpscr = (rmode << 22) | extra;
  return cpu;
}

/** Runs `op` on a fresh FPSCR and returns [result as hex, cumulative flags incl. IDC]. */
function run(op: (cpu: Cpu) => number, rmode = RN, extra = 0): [string, number] {
  const cpu = core(rmode, extra);
  const result = op(cpu);
  return [(result >>> 0).toString(16), cpu.fpscr & 0x9f];
}

test('NaN propagation: first signalling NaN (quietened, IOC), else first quiet NaN; DN', () => {
  assert.deepEqual(
    run((c) => fpAdd(c, QNAN_A, SNAN_B)),
    [(QNAN_B_QUIETED >>> 0).toString(16), IOC],
  );
  assert.deepEqual(
    run((c) => fpMul(c, SNAN_B, QNAN_A)),
    [(QNAN_B_QUIETED >>> 0).toString(16), IOC],
  );
  assert.deepEqual(
    run((c) => fpSub(c, QNAN_A, 0x7fc00033)),
    ['7fc00011', 0],
  );
  assert.deepEqual(
    run((c) => fpDiv(c, ONE, 0xffc00033 | 0)),
    ['ffc00033', 0],
  ); // sign and payload kept
  assert.deepEqual(
    run((c) => fpAdd(c, QNAN_A, ONE), RN, FPSCR.DN),
    ['7fc00000', 0],
  );
  assert.deepEqual(
    run((c) => fpAdd(c, SNAN_B, ONE), RN, FPSCR.DN),
    ['7fc00000', IOC],
  );
  assert.deepEqual(
    run((c) => fpSqrt(c, SNAN_B)),
    ['ffc00022', IOC],
  );
  // three operands: addend first (FPProcessNaNs3(addend, op1, op2))
  assert.deepEqual(
    run((c) => fpMulAdd(c, QNAN_A, SNAN_B, ONE)),
    ['ffc00022', IOC],
  );
  assert.deepEqual(
    run((c) => fpMulAdd(c, QNAN_A, 0x7fc00033, ONE)),
    ['7fc00011', 0],
  );
});

test('invalid operations give the default NaN with IOC', () => {
  const invalid = [(DEFAULT_NAN >>> 0).toString(16), IOC];
  assert.deepEqual(
    run((c) => fpAdd(c, INF, NEG_INF)),
    invalid,
  );
  assert.deepEqual(
    run((c) => fpSub(c, INF, INF)),
    invalid,
  );
  assert.deepEqual(
    run((c) => fpMul(c, 0, NEG_INF)),
    invalid,
  );
  assert.deepEqual(
    run((c) => fpDiv(c, NEG_ZERO, 0)),
    invalid,
  );
  assert.deepEqual(
    run((c) => fpDiv(c, INF, NEG_INF)),
    invalid,
  );
  assert.deepEqual(
    run((c) => fpSqrt(c, 0xbf800000 | 0)),
    invalid,
  );
  assert.deepEqual(
    run((c) => fpSqrt(c, NEG_INF)),
    invalid,
  );
  assert.deepEqual(
    run((c) => fpMulAdd(c, NEG_INF, INF, ONE)),
    invalid,
  );
  // a quiet NaN addend does not hide infinity * zero: the default NaN, IOC
  assert.deepEqual(
    run((c) => fpMulAdd(c, QNAN_A, INF, 0)),
    invalid,
  );
});

test('infinities, zeros and the sign of exact zero sums', () => {
  assert.deepEqual(
    run((c) => fpDiv(c, ONE, NEG_ZERO)),
    ['ff800000', DZC],
  );
  assert.deepEqual(
    run((c) => fpDiv(c, INF, 0)),
    ['7f800000', 0],
  ); // infinite dividend: no DZC
  assert.deepEqual(
    run((c) => fpDiv(c, ONE, INF)),
    ['0', 0],
  );
  assert.deepEqual(
    run((c) => fpMul(c, NEG_ZERO, THREE)),
    ['80000000', 0],
  );
  assert.deepEqual(
    run((c) => fpAdd(c, 0, NEG_ZERO)),
    ['0', 0],
  );
  assert.deepEqual(
    run((c) => fpAdd(c, 0, NEG_ZERO), RM),
    ['80000000', 0],
  );
  assert.deepEqual(
    run((c) => fpAdd(c, NEG_ZERO, NEG_ZERO)),
    ['80000000', 0],
  );
  assert.deepEqual(
    run((c) => fpSub(c, ONE, ONE), RM),
    ['80000000', 0],
  );
  assert.deepEqual(
    run((c) => fpSub(c, ONE, ONE), RP),
    ['0', 0],
  );
  assert.deepEqual(
    run((c) => fpSqrt(c, NEG_ZERO)),
    ['80000000', 0],
  );
  assert.deepEqual(
    run((c) => fpMulAdd(c, NEG_ZERO, NEG_ZERO, 0)),
    ['80000000', 0],
  );
  assert.deepEqual(
    run((c) => fpMulAdd(c, 0, NEG_ZERO, 0)),
    ['0', 0],
  );
  assert.deepEqual(
    run((c) => fpMulAdd(c, 0, NEG_ZERO, 0), RM),
    ['80000000', 0],
  );
});

test('additions of far-apart operands round correctly in every mode (exact sums do not fit a double)', () => {
  const tiny = 0x00000001; // 2^-149: 276 binades below 2^127
  const big = 0x7f000000; // 2^127
  assert.deepEqual(
    run((c) => fpAdd(c, big, tiny)),
    ['7f000000', IXC],
  );
  assert.deepEqual(
    run((c) => fpAdd(c, big, tiny), RP),
    ['7f000001', IXC],
  );
  assert.deepEqual(
    run((c) => fpSub(c, big, tiny), RZ),
    ['7effffff', IXC],
  );
  assert.deepEqual(
    run((c) => fpSub(c, big, tiny), RN),
    ['7f000000', IXC],
  );
  assert.deepEqual(
    run((c) => fpAdd(c, ONE | 0x80000000, tiny), RM),
    ['bf800000', IXC],
  );
  assert.deepEqual(
    run((c) => fpAdd(c, ONE | 0x80000000, tiny), RP),
    ['bf7fffff', IXC],
  );
  // 1 + 2^-24 is a tie: even in nearest, up with anything beyond it
  assert.deepEqual(
    run((c) => fpAdd(c, ONE, 0x33800000)),
    ['3f800000', IXC],
  );
  assert.deepEqual(
    run((c) => fpAdd(c, ONE, 0x33800001)),
    ['3f800001', IXC],
  );
});

test('division and square root are correctly rounded in all four modes', () => {
  // 1/3 = 1.0101...01|0101... x 2^-2: the discarded part is above half an ulp
  assert.deepEqual(
    run((c) => fpDiv(c, ONE, THREE), RN),
    ['3eaaaaab', IXC],
  );
  assert.deepEqual(
    run((c) => fpDiv(c, ONE, THREE), RP),
    ['3eaaaaab', IXC],
  );
  assert.deepEqual(
    run((c) => fpDiv(c, ONE, THREE), RM),
    ['3eaaaaaa', IXC],
  );
  assert.deepEqual(
    run((c) => fpDiv(c, ONE, THREE), RZ),
    ['3eaaaaaa', IXC],
  );
  assert.deepEqual(
    run((c) => fpDiv(c, ONE | 0x80000000, THREE), RP),
    ['beaaaaaa', IXC],
  );
  assert.deepEqual(
    run((c) => fpDiv(c, ONE | 0x80000000, THREE), RM),
    ['beaaaaab', IXC],
  );
  // 2/3 = 1.0101...|0101... x 2^-1: below half an ulp after the last kept bit 0
  assert.deepEqual(
    run((c) => fpDiv(c, TWO, THREE), RN),
    ['3f2aaaab', IXC],
  );
  assert.deepEqual(
    run((c) => fpDiv(c, TWO, THREE), RZ),
    ['3f2aaaaa', IXC],
  );
  assert.deepEqual(
    run((c) => fpDiv(c, THREE, TWO)),
    ['3fc00000', 0],
  ); // exact
  // sqrt(2) = 1.01101010000010011110011|0011... : nearest truncates
  assert.deepEqual(
    run((c) => fpSqrt(c, TWO), RN),
    ['3fb504f3', IXC],
  );
  assert.deepEqual(
    run((c) => fpSqrt(c, TWO), RZ),
    ['3fb504f3', IXC],
  );
  assert.deepEqual(
    run((c) => fpSqrt(c, TWO), RP),
    ['3fb504f4', IXC],
  );
  assert.deepEqual(
    run((c) => fpSqrt(c, 0x40800000)),
    ['40000000', 0],
  ); // sqrt(4) exact
  assert.deepEqual(
    run((c) => fpSqrt(c, 0x00000001)),
    ['1a3504f3', IXC],
  ); // sqrt(2^-149) = 2^-74.5
  // overflow and underflow of a quotient
  assert.deepEqual(
    run((c) => fpDiv(c, 0x7f000000, 0x3e800000)),
    ['7f800000', OFC | IXC],
  );
  assert.deepEqual(
    run((c) => fpDiv(c, 0x00800000, 0x40400000)),
    ['2aaaab', UFC | IXC],
  );
});

test('fused multiply-add rounds once where multiply-then-add rounds twice', () => {
  // 0x39d443f2 * 0x39e78f25 = 3*2^-24 - 6*2^-70 exactly. Added to 1.0 it is just below the tie
  // 1 + 3*2^-24 (between 0x3f800001 and 0x3f800002). A double cannot hold it: rounding the sum to a
  // double lands on the tie and then to single goes to even, 0x3f800002. One rounding: 0x3f800001.
  const a = 0x39d443f2;
  const b = 0x39e78f25;
  assert.deepEqual(
    run((c) => fpMulAdd(c, ONE, a, b)),
    ['3f800001', IXC],
  );
  assert.deepEqual(
    run((c) => fpAdd(c, ONE, fpMul(c, a, b))),
    ['3f800002', IXC],
  ); // VMLA's two roundings
  // 2 * MAX is out of range, but the fused sum with -MAX is MAX exactly: no flags at all.
  assert.deepEqual(
    run((c) => fpMulAdd(c, 0xff7fffff | 0, 0x7f7fffff, TWO)),
    ['7f7fffff', 0],
  );
  assert.deepEqual(
    run((c) => fpAdd(c, 0xff7fffff | 0, fpMul(c, 0x7f7fffff, TWO))),
    ['7f800000', OFC | IXC],
  );
  // exact cancellation: +0, or -0 when rounding towards minus infinity
  assert.deepEqual(
    run((c) => fpMulAdd(c, 0xbf800000 | 0, ONE, ONE)),
    ['0', 0],
  );
  assert.deepEqual(
    run((c) => fpMulAdd(c, 0xbf800000 | 0, ONE, ONE), RM),
    ['80000000', 0],
  );
});

test('flush-to-zero: denormal inputs are zeros (IDC), denormal results zeros (UFC)', () => {
  const FZ = FPSCR.FZ;
  const denormal = 0x00400000; // 2^-127
  assert.deepEqual(
    run((c) => fpAdd(c, denormal, 0)),
    ['400000', 0],
  );
  assert.deepEqual(
    run((c) => fpAdd(c, denormal, 0), RN, FZ),
    ['0', IDC],
  );
  assert.deepEqual(
    run((c) => fpAdd(c, denormal | 0x80000000, NEG_ZERO), RN, FZ),
    ['80000000', IDC],
  );
  assert.deepEqual(
    run((c) => fpDiv(c, ONE, denormal), RN, FZ),
    ['7f800000', IDC | DZC],
  );
  assert.deepEqual(
    run((c) => fpMul(c, 0x00800000, 0x3f000000)),
    ['400000', 0],
  ); // exact denormal
  assert.deepEqual(
    run((c) => fpMul(c, 0x00800000, 0x3f000000), RN, FZ),
    ['0', UFC],
  );
  // IDC comes from unpacking, before NaN selection
  assert.deepEqual(
    run((c) => fpAdd(c, denormal, QNAN_A), RN, FZ),
    ['7fc00011', IDC],
  );
});

test('FPNeg and FPAbs touch only the sign bit, NaNs included, and raise nothing', () => {
  assert.equal(fpNeg(SNAN_B) >>> 0, 0x7f800022);
  assert.equal(fpAbs(SNAN_B) >>> 0, 0x7f800022);
  assert.equal(fpNeg(0) >>> 0, 0x80000000);
  assert.equal(fpAbs(0x80000001 | 0), 1);
});
