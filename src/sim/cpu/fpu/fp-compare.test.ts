import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Cpu } from '../cpu.js';
import { cpuWithCode } from '../../../../test/support/cpu-fixtures.js';
import { EQUAL, GREATER, LESS, UNORDERED, fpCompare } from './fp-compare.js';
import { FPSCR } from './fpscr.js';

/** FPCompare (ARMv7-M A2.5.7): VCMP raises IOC for signalling NaNs only, VCMPE for any NaN. */

function compare(op1: number, op2: number, quiet: boolean, fpscr = 0): [number, number] {
  const { cpu }: { cpu: Cpu } = cpuWithCode([]);
  cpu.fpscr = fpscr;
  const nzcv = fpCompare(cpu, op1 | 0, op2 | 0, quiet);
  return [nzcv, cpu.fpscr & 0x9f];
}

test('ordered comparisons: NZCV 0110 equal, 1000 less, 0010 greater; zeros are equal', () => {
  assert.equal(EQUAL, 0b0110);
  assert.equal(LESS, 0b1000);
  assert.equal(GREATER, 0b0010);
  assert.equal(UNORDERED, 0b0011);
  assert.deepEqual(compare(0x3f800000, 0x3f800000, false), [EQUAL, 0]);
  assert.deepEqual(compare(0x00000000, 0x80000000, true), [EQUAL, 0]);
  assert.deepEqual(compare(0xbf800000, 0x3f800000, false), [LESS, 0]);
  assert.deepEqual(compare(0x7f800000, 0x7f7fffff, false), [GREATER, 0]);
  assert.deepEqual(compare(0xff800000, 0xff800000, false), [EQUAL, 0]);
  assert.deepEqual(compare(0x00000001, 0x00000000, false), [GREATER, 0]);
  assert.deepEqual(compare(0x00000001, 0x80000000, false, FPSCR.FZ), [EQUAL, FPSCR.IDC]);
});

test('unordered: IOC for a signalling NaN always, for a quiet NaN only with VCMPE', () => {
  assert.deepEqual(compare(0x7fc00000, 0, false), [UNORDERED, 0]);
  assert.deepEqual(compare(0, 0xffc00001, true), [UNORDERED, FPSCR.IOC]);
  assert.deepEqual(compare(0x7f800001, 0, false), [UNORDERED, FPSCR.IOC]);
  assert.deepEqual(compare(0x3f800000, 0xff800001, false), [UNORDERED, FPSCR.IOC]);
});
