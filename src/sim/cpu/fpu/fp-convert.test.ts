import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Cpu } from '../cpu.js';
import { cpuWithCode } from '../../../../test/support/cpu-fixtures.js';
import { fixedToFp, fpHalfToSingle, fpSingleToHalf, fpToFixed } from './fp-convert.js';
import { FPSCR, RM, RN, RP, RZ } from './fpscr.js';

/** Golden values worked from FPToFixed, FixedToFP, FPHalfToSingle, FPSingleToHalf (ARMv7-M A2.5.7). */

const { IOC, OFC, UFC, IXC, IDC, AHP, DN, FZ } = FPSCR;

function run(op: (cpu: Cpu) => number, fpscr = 0): [string, number] {
  const { cpu } = cpuWithCode([]);
  cpu.fpscr = fpscr;
  const result = op(cpu);
  return [(result >>> 0).toString(16), cpu.fpscr & 0x9f];
}

const toS32 = (bits: number, rmode: number) => (c: Cpu) => fpToFixed(c, bits, 32, 0, false, rmode);
const toU32 = (bits: number, rmode: number) => (c: Cpu) => fpToFixed(c, bits, 32, 0, true, rmode);

test('float to integer: NaN gives 0 and IOC, out of range saturates with IOC and no IXC', () => {
  assert.deepEqual(run(toS32(0x7fc00000, RZ)), ['0', IOC]);
  assert.deepEqual(run(toU32(0xff800001 | 0, RZ)), ['0', IOC]);
  assert.deepEqual(run(toS32(0x7f800000, RZ)), ['7fffffff', IOC]);
  assert.deepEqual(run(toS32(0xff800000 | 0, RZ)), ['80000000', IOC]);
  assert.deepEqual(run(toS32(0x4f000000, RZ)), ['7fffffff', IOC]); // 2^31
  assert.deepEqual(run(toS32(0xcf000000 | 0, RZ)), ['80000000', 0]); // -2^31 fits
  assert.deepEqual(run(toS32(0x4effffff, RZ)), ['7fffff80', 0]);
  assert.deepEqual(run(toU32(0x4f800000, RZ)), ['ffffffff', IOC]); // 2^32
  assert.deepEqual(run(toU32(0x4f7fffff, RZ)), ['ffffff00', 0]);
  assert.deepEqual(run(toU32(0xbf800000 | 0, RZ)), ['0', IOC]); // -1
  // -0.5 towards zero is 0: in range, so only inexact; towards minus infinity it is -1: saturates
  assert.deepEqual(run(toU32(0xbf000000 | 0, RZ)), ['0', IXC]);
  assert.deepEqual(run(toU32(0xbf000000 | 0, RM)), ['0', IOC]);
});

test('float to integer rounding: VCVT rounds towards zero, VCVTR with FPSCR mode (ties to even)', () => {
  const twoAndHalf = 0x40200000;
  const minusTwoAndHalf = 0xc0200000 | 0;
  assert.deepEqual(run(toS32(twoAndHalf, RN)), ['2', IXC]);
  assert.deepEqual(run(toS32(0x40600000, RN)), ['4', IXC]); // 3.5
  assert.deepEqual(run(toS32(minusTwoAndHalf, RN)), ['fffffffe', IXC]);
  assert.deepEqual(run(toS32(minusTwoAndHalf, RM)), ['fffffffd', IXC]);
  assert.deepEqual(run(toS32(minusTwoAndHalf, RP)), ['fffffffe', IXC]);
  assert.deepEqual(run(toS32(minusTwoAndHalf, RZ)), ['fffffffe', IXC]);
  assert.deepEqual(run(toS32(twoAndHalf, RP)), ['3', IXC]);
  assert.deepEqual(run(toS32(0x00000001, RP)), ['1', IXC]); // a denormal rounds up
  assert.deepEqual(run(toS32(0x00000001, RP), FZ), ['0', IDC]); // flushed: exact zero
  assert.deepEqual(run(toS32(0x80000000 | 0, RN)), ['0', 0]);
});

test('fixed point: scaling by 2^fbits, 16-bit results sign- or zero-extended, saturation', () => {
  // VCVT.S16.F32 #8 of 128.0 is 32768: saturates
  assert.deepEqual(
    run((c) => fpToFixed(c, 0x43000000, 16, 8, false, RZ)),
    ['7fff', IOC],
  );
  assert.deepEqual(
    run((c) => fpToFixed(c, 0xc3000000 | 0, 16, 8, false, RZ)),
    ['ffff8000', 0],
  );
  assert.deepEqual(
    run((c) => fpToFixed(c, 0x3f7fffff, 16, 16, true, RZ)),
    ['ffff', IXC],
  );
  assert.deepEqual(
    run((c) => fpToFixed(c, 0x3f800000, 16, 16, true, RZ)),
    ['ffff', IOC],
  ); // 65536
  assert.deepEqual(
    run((c) => fpToFixed(c, 0x3f000000, 32, 32, true, RZ)),
    ['80000000', 0],
  ); // 0.5 * 2^32
  assert.deepEqual(
    run((c) => fpToFixed(c, 0xbf800000 | 0, 32, 31, false, RZ)),
    ['80000000', 0],
  );
  // FixedToFP: S[d]<size-1:0> read signed or unsigned
  assert.deepEqual(
    run((c) => fixedToFp(c, 0x12348000, 16, 15, false, RN)),
    ['bf800000', 0],
  ); // -1.0
  assert.deepEqual(
    run((c) => fixedToFp(c, 0x12348000, 16, 15, true, RN)),
    ['3f800000', 0],
  ); // 1.0
  assert.deepEqual(
    run((c) => fixedToFp(c, 0xffff, 16, 16, true, RN)),
    ['3f7fff00', 0],
  );
  assert.deepEqual(
    run((c) => fixedToFp(c, 0, 32, 5, false, RM)),
    ['0', 0],
  ); // +0 in every mode
  // 0x7fffffff / 2 = 2^30 - 0.5 needs 31 bits: rounded (VCVT fixed-to-float always rounds to nearest)
  assert.deepEqual(
    run((c) => fixedToFp(c, 0x7fffffff, 32, 1, false, RN)),
    ['4e800000', IXC],
  );
  assert.deepEqual(
    run((c) => fixedToFp(c, -1, 32, 0, true, RZ)),
    ['4f7fffff', IXC],
  );
  assert.deepEqual(
    run((c) => fixedToFp(c, -1, 32, 0, true, RN)),
    ['4f800000', IXC],
  );
  assert.deepEqual(
    run((c) => fixedToFp(c, -1, 32, 32, false, RN)),
    ['af800000', 0],
  ); // -2^-32
});

test('half to single: exact, both formats, NaNs keep their payload', () => {
  assert.deepEqual(
    run((c) => fpHalfToSingle(c, 0x3c00)),
    ['3f800000', 0],
  );
  assert.deepEqual(
    run((c) => fpHalfToSingle(c, 0x0001)),
    ['33800000', 0],
  ); // 2^-24: normal single
  assert.deepEqual(
    run((c) => fpHalfToSingle(c, 0x8000)),
    ['80000000', 0],
  );
  assert.deepEqual(
    run((c) => fpHalfToSingle(c, 0xfc00)),
    ['ff800000', 0],
  );
  assert.deepEqual(
    run((c) => fpHalfToSingle(c, 0x7c00), AHP),
    ['47800000', 0],
  ); // 65536 in AHP
  assert.deepEqual(
    run((c) => fpHalfToSingle(c, 0x7fff), AHP),
    ['47ffe000', 0],
  ); // 131008
  assert.deepEqual(
    run((c) => fpHalfToSingle(c, 0x7d01)),
    ['7fe02000', IOC],
  ); // signalling, quietened
  assert.deepEqual(
    run((c) => fpHalfToSingle(c, 0xfe55)),
    ['ffcaa000', 0],
  );
  assert.deepEqual(
    run((c) => fpHalfToSingle(c, 0x7d01), DN),
    ['7fc00000', IOC],
  );
  assert.deepEqual(
    run((c) => fpHalfToSingle(c, 0x0001), FZ),
    ['33800000', 0],
  ); // FZ: not for halves
});

test('single to half: rounding, overflow, denormals, the alternative format', () => {
  assert.deepEqual(
    run((c) => fpSingleToHalf(c, 0x3f800000)),
    ['3c00', 0],
  );
  assert.deepEqual(
    run((c) => fpSingleToHalf(c, 0x477ff000)),
    ['7c00', OFC | IXC],
  ); // 65520
  assert.deepEqual(
    run((c) => fpSingleToHalf(c, 0x477ff000), RZ << 22),
    ['7bff', IXC],
  );
  assert.deepEqual(
    run((c) => fpSingleToHalf(c, 0x33000000)),
    ['0', UFC | IXC],
  ); // 2^-25: tie
  assert.deepEqual(
    run((c) => fpSingleToHalf(c, 0x33400000)),
    ['1', UFC | IXC],
  ); // 1.5 * 2^-25
  assert.deepEqual(
    run((c) => fpSingleToHalf(c, 0x00000001), FZ),
    ['0', IDC],
  );
  assert.deepEqual(
    run((c) => fpSingleToHalf(c, 0x00000001)),
    ['0', UFC | IXC],
  );
  assert.deepEqual(
    run((c) => fpSingleToHalf(c, 0xff800000 | 0)),
    ['fc00', 0],
  );
  assert.deepEqual(
    run((c) => fpSingleToHalf(c, 0x7fc02000)),
    ['7e01', 0],
  ); // operand<21:13> kept
  assert.deepEqual(
    run((c) => fpSingleToHalf(c, 0xff802000 | 0)),
    ['fe01', IOC],
  );
  assert.deepEqual(
    run((c) => fpSingleToHalf(c, 0x7fc02000), DN),
    ['7e00', 0],
  );
  // AHP: no infinities or NaNs; exponent 31 is usable; overflow saturates
  assert.deepEqual(
    run((c) => fpSingleToHalf(c, 0xff800000 | 0), AHP),
    ['ffff', IOC],
  );
  assert.deepEqual(
    run((c) => fpSingleToHalf(c, 0xffc00000 | 0), AHP),
    ['8000', IOC],
  );
  assert.deepEqual(
    run((c) => fpSingleToHalf(c, 0x7f800001), AHP | DN),
    ['0', IOC],
  );
  assert.deepEqual(
    run((c) => fpSingleToHalf(c, 0x477ff000), AHP),
    ['7c00', IXC],
  ); // 65520 -> 65536
  assert.deepEqual(
    run((c) => fpSingleToHalf(c, 0x49742400), AHP),
    ['7fff', IOC],
  ); // 1e6
});
