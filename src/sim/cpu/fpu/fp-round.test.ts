import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Cpu } from '../cpu.js';
import { cpuWithCode } from '../../../../test/support/cpu-fixtures.js';
import { pow2 } from './fp-bits.js';
import { HALF, HALF_AHP, SINGLE, fpRound } from './fp-round.js';
import { FPSCR, RM, RN, RP, RZ } from './fpscr.js';

/** Golden values worked by hand from the FPRound pseudocode (ARMv7-M A2.5.7). */

function core(fpscr = 0): Cpu {
  const { cpu } = cpuWithCode([]);
  cpu.fpscr = fpscr;
  return cpu;
}

/** [result bits, cumulative flags] of FPRound(value) in `rmode`. */
function round(value: number, rmode: number, format: 0 | 1 | 2 = SINGLE, fpscr = 0): [string, number] {
  const cpu = core(fpscr);
  const bits = fpRound(cpu, value, rmode, format);
  return [(bits >>> 0).toString(16), cpu.fpscr & 0x9f];
}

const { IXC, UFC, OFC, IOC } = FPSCR;
const MAX = (2 - pow2(-23)) * pow2(127); // 0x7f7fffff

test('ties: round to nearest goes to even, the directed modes by sign', () => {
  const tie = 1 + pow2(-24); // half-way between 0x3f800000 (even) and 0x3f800001
  assert.deepEqual(round(tie, RN), ['3f800000', IXC]);
  assert.deepEqual(round(tie, RP), ['3f800001', IXC]);
  assert.deepEqual(round(tie, RM), ['3f800000', IXC]);
  assert.deepEqual(round(tie, RZ), ['3f800000', IXC]);
  assert.deepEqual(round(-tie, RN), ['bf800000', IXC]);
  assert.deepEqual(round(-tie, RP), ['bf800000', IXC]);
  assert.deepEqual(round(-tie, RM), ['bf800001', IXC]);
  // half-way between 0x3f800001 (odd) and 0x3f800002 (even): nearest rounds up
  assert.deepEqual(round(1 + 3 * pow2(-24), RN), ['3f800002', IXC]);
  // just above a tie rounds up even towards an odd mantissa
  assert.deepEqual(round(1 + pow2(-24) + pow2(-40), RN), ['3f800001', IXC]);
  // exact values raise nothing
  assert.deepEqual(round(1.5, RN), ['3fc00000', 0]);
});

test('overflow: infinity or the largest normal according to mode and sign, with OFC and IXC', () => {
  const tie = MAX + pow2(103); // half-way between the largest normal (odd mantissa) and 2^128
  assert.deepEqual(round(tie, RN), ['7f800000', OFC | IXC]);
  assert.deepEqual(round(tie, RP), ['7f800000', OFC | IXC]);
  assert.deepEqual(round(-tie, RM), ['ff800000', OFC | IXC]);
  // Overflow is judged after rounding: truncating towards zero stays in range, no OFC.
  assert.deepEqual(round(tie, RZ), ['7f7fffff', IXC]);
  assert.deepEqual(round(tie, RM), ['7f7fffff', IXC]);
  assert.deepEqual(round(-tie, RP), ['ff7fffff', IXC]);
  // From 2^128 up the exponent is out of range before rounding: every mode overflows.
  assert.deepEqual(round(pow2(128), RZ), ['7f7fffff', OFC | IXC]);
  assert.deepEqual(round(-pow2(128), RP), ['ff7fffff', OFC | IXC]);
  assert.deepEqual(round(-pow2(128), RN), ['ff800000', OFC | IXC]);
  // below the tie, nearest stays finite: inexact only
  assert.deepEqual(round(MAX + pow2(102), RN), ['7f7fffff', IXC]);
  // but rounding up from there overflows in RP
  assert.deepEqual(round(MAX + pow2(102), RP), ['7f800000', OFC | IXC]);
});

test('denormal results: underflow is tiny before rounding and inexact', () => {
  assert.deepEqual(round(pow2(-149), RN), ['1', 0]); // exact denormal: no UFC
  assert.deepEqual(round(pow2(-150), RN), ['0', UFC | IXC]); // tie with 0 (even)
  assert.deepEqual(round(pow2(-150), RP), ['1', UFC | IXC]);
  assert.deepEqual(round(3 * pow2(-150), RN), ['2', UFC | IXC]); // tie 1|2: even
  assert.deepEqual(round(-5 * pow2(-151), RM), ['80000002', UFC | IXC]);
  // Tiny before rounding, normal after: still an underflow (the manual tests before rounding).
  assert.deepEqual(round(pow2(-126) * (1 - pow2(-25)), RN), ['800000', UFC | IXC]);
  assert.deepEqual(round(pow2(-126) * (1 - pow2(-25)), RZ), ['7fffff', UFC | IXC]);
});

test('flush-to-zero: results below the normal range become a signed zero with UFC only', () => {
  const fz = FPSCR.FZ;
  assert.deepEqual(round(pow2(-149), RN, SINGLE, fz), ['0', UFC]); // even when exact
  assert.deepEqual(round(-pow2(-130), RP, SINGLE, fz), ['80000000', UFC]);
  // the exponent is looked at before rounding: this would round up to the smallest normal
  assert.deepEqual(round(pow2(-126) * (1 - pow2(-25)), RN, SINGLE, fz), ['0', UFC]);
  assert.deepEqual(round(pow2(-126), RN, SINGLE, fz), ['800000', 0]);
  // FZ never applies to half precision
  assert.deepEqual(round(pow2(-24), RN, HALF, fz), ['1', 0]);
});

test('half precision, IEEE format: overflow to infinity at 65520 in nearest, denormals', () => {
  assert.deepEqual(round(1, RN, HALF), ['3c00', 0]);
  assert.deepEqual(round(65504, RN, HALF), ['7bff', 0]);
  assert.deepEqual(round(65520, RN, HALF), ['7c00', OFC | IXC]);
  assert.deepEqual(round(65520, RZ, HALF), ['7bff', IXC]);
  assert.deepEqual(round(-65520, RP, HALF), ['fbff', IXC]);
  assert.deepEqual(round(65536, RZ, HALF), ['7bff', OFC | IXC]);
  assert.deepEqual(round(pow2(-25), RN, HALF), ['0', UFC | IXC]);
  assert.deepEqual(round(3 * pow2(-25), RN, HALF), ['2', UFC | IXC]);
});

test('half precision, alternative format: exponent 31 is normal, overflow saturates with IOC', () => {
  assert.deepEqual(round(65536, RN, HALF_AHP), ['7c00', 0]);
  assert.deepEqual(round(131008, RN, HALF_AHP), ['7fff', 0]);
  assert.deepEqual(round(131040, RN, HALF_AHP), ['7fff', IOC]); // rounds up to 2^17: no IXC, no OFC
  assert.deepEqual(round(131040, RZ, HALF_AHP), ['7fff', IXC]);
  assert.deepEqual(round(-1e9, RN, HALF_AHP), ['ffff', IOC]);
});
