import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpuWithCode } from '../../../../test/support/cpu-fixtures.js';
import type { Cpu } from '../cpu.js';
import { undefinedExecutor } from './executor.js';
import { decodeThumb32Multiply, decodeThumb32Register } from './register32.js';

/**
 * Hand-worked cases (ARM ARM pseudocode) for A5.3.12–A5.3.17: saturation and the sticky Q flag,
 * GE flags, rounding, 64-bit results, divide edge cases and timing, and UNDEFINED/UNPREDICTABLE
 * decodes. dsp-qemu.test.ts compares many more operand values against QEMU.
 */

/** Runs one 32-bit instruction with the given registers; returns the core. */
function exec(hw: [number, number], regs: Record<number, number>, setup?: (cpu: Cpu) => void): Cpu {
  const { cpu } = cpuWithCode(hw);
  for (const [r, value] of Object.entries(regs)) cpu.r[Number(r)] = value;
  setup?.(cpu);
  cpu.step();
  assert.equal(cpu.pc, 0x104, 'executed without a fault');
  return cpu;
}

const QADD: [number, number] = [0xfa82, 0xf081]; // qadd r0, r1, r2

test('QADD saturates both ways and sets the sticky Q flag (A7.7)', () => {
  const high = exec(QADD, { 1: 0x7fffffff, 2: 1 });
  assert.deepEqual([high.r[0], high.q], [0x7fffffff, 1]);
  const low = exec(QADD, { 1: -0x80000000, 2: -1 });
  assert.deepEqual([low.r[0], low.q], [-0x80000000, 1]);
  const sticky = exec(QADD, { 1: 1, 2: 1 }, (cpu) => (cpu.q = 1));
  assert.deepEqual([sticky.r[0], sticky.q], [2, 1]);
  const clear = exec(QADD, { 1: 1, 2: 1 });
  assert.equal(clear.q, 0);
});

test('SMLABB, SMLAD and SMUAD set Q on 32-bit overflow; SMUSD never does', () => {
  const smlabb = exec([0xfb11, 0x3002], { 1: 1, 2: 1, 3: 0x7fffffff });
  assert.deepEqual([smlabb.r[0], smlabb.q], [-0x80000000, 1]);
  const smlabbOk = exec([0xfb11, 0x3002], { 1: 0x10003, 2: 0x20005, 3: 5 });
  assert.deepEqual([smlabbOk.r[0], smlabbOk.q], [20, 0]);
  // 0x8000 * 0x8000 twice = 2^31: overflows without an addend, fits with Ra = -1.
  const smlad = exec([0xfb21, 0x3002], { 1: 0x80008000 | 0, 2: 0x80008000 | 0, 3: 0 });
  assert.deepEqual([smlad.r[0], smlad.q], [-0x80000000, 1]);
  const smladOk = exec([0xfb21, 0x3002], { 1: 0x80008000 | 0, 2: 0x80008000 | 0, 3: -1 });
  assert.deepEqual([smladOk.r[0], smladOk.q], [0x7fffffff, 0]);
  const smuad = exec([0xfb21, 0xf002], { 1: 0x80008000 | 0, 2: 0x80008000 | 0 });
  assert.deepEqual([smuad.r[0], smuad.q], [-0x80000000, 1]);
  // 2^30 - (-32768 * 32767) = 2^31 - 32768.
  const smusd = exec([0xfb41, 0xf002], { 1: 0x80008000 | 0, 2: 0x7fff8000 });
  assert.deepEqual([smusd.r[0], smusd.q], [0x7fff8000, 0]);
});

test('SMMUL/SMMULR/SMMLAR take bits [63:32], rounding with + 0x80000000', () => {
  // 0x40000000 * 3 = 0x0_C0000000: truncated 0, rounded 1.
  assert.equal(exec([0xfb51, 0xf002], { 1: 0x40000000, 2: 3 }).r[0], 0);
  assert.equal(exec([0xfb51, 0xf012], { 1: 0x40000000, 2: 3 }).r[0], 1);
  // -1 * -2^31 = 2^31: rounding carries into the top word.
  assert.equal(exec([0xfb51, 0xf012], { 1: -1, 2: -0x80000000 }).r[0], 1);
  // smmlar r0, r1, r2, r3 with Ra = -2: (-2 << 32) + 0xC0000000 + 0x80000000 → -1.
  assert.equal(exec([0xfb51, 0x3012], { 1: 0x40000000, 2: 3, 3: -2 }).r[0], -1);
});

test('UMAAL reaches 2^64 - 1 without overflow; SMLALBT sign-extends its product', () => {
  const umaal = exec([0xfbe1, 0x4562], { 1: -1, 2: -1, 4: -1, 5: -1 });
  assert.deepEqual([umaal.r[4], umaal.r[5]], [-1, -1]);
  // smlalbt r4, r5, r1, r2: -32768 * 32767 = -0x3fff8000 added to 0.
  const smlal = exec([0xfbc1, 0x4592], { 1: 0xffff8000 | 0, 2: 0x7fff0000, 4: 0, 5: 0 });
  assert.deepEqual([smlal.r[4]! >>> 0, smlal.r[5]], [0xc0008000, -1]);
});

test('SDIV/UDIV round towards zero; x/0 = 0; INT_MIN/-1 = INT_MIN; 2–12 cycles', () => {
  const sdiv: [number, number] = [0xfb91, 0xf0f2];
  const udiv: [number, number] = [0xfbb1, 0xf0f2];
  assert.equal(exec(sdiv, { 1: -7, 2: 2 }).r[0], -3);
  assert.equal(exec(sdiv, { 1: 7, 2: -2 }).r[0], -3);
  const overflow = exec(sdiv, { 1: -0x80000000, 2: -1 });
  assert.deepEqual([overflow.r[0], overflow.cycles], [-0x80000000, 12]);
  const byZero = exec(sdiv, { 0: 55, 1: 7, 2: 0 });
  assert.deepEqual([byZero.r[0], byZero.cycles], [0, 2]);
  const small = exec(sdiv, { 1: 100, 2: 7 }); // quotient 14: 4 bits → 2 + ceil(4 / 3)
  assert.deepEqual([small.r[0], small.cycles], [14, 4]);
  assert.equal(exec(udiv, { 1: -1, 2: 2 }).r[0], 0x7fffffff);
  assert.equal(exec(udiv, { 1: 5, 2: 0 }).r[0], 0);
});

test('MUL/MLA/MLS wrap modulo 2^32; MLA and MLS cost 2 cycles, MUL 1', () => {
  const mla = exec([0xfb01, 0x3002], { 1: 0x10001, 2: 0x10001, 3: 1 });
  assert.deepEqual([mla.r[0], mla.cycles], [0x20002, 2]);
  const mls = exec([0xfb01, 0x3012], { 1: 3, 2: 4, 3: 10 });
  assert.deepEqual([mls.r[0], mls.cycles], [-2, 2]);
  const mul = exec([0xfb01, 0xf002], { 1: 0x10000, 2: 0x10000 });
  assert.deepEqual([mul.r[0], mul.cycles], [0, 1]);
});

test('USAD8 sums absolute byte differences', () => {
  // |1-255| + |255-0| + |127-128| + |0-255| = 254 + 255 + 1 + 255.
  assert.equal(exec([0xfb71, 0xf002], { 1: 0x01ff7f00, 2: 0xff0080ff | 0 }).r[0], 765);
});

test('SEL picks bytes by GE; SADD16/UADD8/USUB16 set GE per lane', () => {
  const sel = exec([0xfaa1, 0xf082], { 1: 0x11223344, 2: 0xaabbccdd | 0 }, (cpu) => (cpu.ge = 0b0101));
  assert.equal(sel.r[0]! >>> 0, 0xaa22cc44);
  // low: 1 + -2 = -1 (GE 00); high: 32767 + 1 = 32768 >= 0 (GE 11).
  const sadd16 = exec([0xfa91, 0xf002], { 1: 0x7fff0001, 2: 0x0001fffe });
  assert.deepEqual([sadd16.r[0]! >>> 0, sadd16.ge], [0x8000ffff, 0b1100]);
  // bytes 02+03, 01+02 no carry; ff+01, 80+80 carry out (GE set).
  const uadd8 = exec([0xfa81, 0xf042], { 1: 0x80ff0102 | 0, 2: 0x80010203 | 0 });
  assert.deepEqual([uadd8.r[0], uadd8.ge], [0x0305, 0b1100]);
  // low 3 - 5 borrows (GE 00); high 5 - 3 does not (GE 11).
  const usub16 = exec([0xfad1, 0xf042], { 1: 0x00050003, 2: 0x00030005 });
  assert.deepEqual([usub16.r[0], usub16.ge], [0x0002fffe, 0b1100]);
});

test('UXTB16 and SXTAH rotate first', () => {
  // uxtb16 r0, r2, ror #8: ROR(0x11223344, 8) = 0x44112233 → bytes 0 and 2.
  assert.equal(exec([0xfa3f, 0xf092], { 2: 0x11223344 }).r[0], 0x00110033);
  // sxtah r0, r1, r2: 10 + SignExtend(0x8001).
  assert.equal(exec([0xfa01, 0xf082], { 1: 10, 2: 0x12348001 }).r[0], 10 - 0x7fff);
});

test('LSLS by register: amounts of 32 and more, and 0 keeping C (Shift_C)', () => {
  const lsls: [number, number] = [0xfa11, 0xf002]; // lsls.w r0, r1, r2
  const by32 = exec(lsls, { 1: 1, 2: 32 });
  assert.deepEqual([by32.r[0], by32.n, by32.z, by32.c], [0, 0, 1, 1]);
  const by33 = exec(lsls, { 1: 1, 2: 33 }, (cpu) => (cpu.c = 1));
  assert.deepEqual([by33.r[0], by33.z, by33.c], [0, 1, 0]);
  const by256 = exec(lsls, { 1: -5, 2: 0x100 }, (cpu) => ((cpu.c = 1), (cpu.v = 1)));
  assert.deepEqual([by256.r[0], by256.n, by256.z, by256.c, by256.v], [-5, 1, 0, 1, 1]);
});

test('UNDEFINED and UNPREDICTABLE register/multiply encodings fault', () => {
  const register: [string, number, number][] = [
    ['sxtah r0, sp, r2', 0xfa0d, 0xf082],
    ['sxtah r0, r1, r2 with hw2[6] set', 0xfa01, 0xf0c2],
    ['extend op1 = 0110', 0xfa61, 0xf082],
    ['rev.w r0, r2 with Rn != Rm', 0xfa91, 0xf082],
    ['clz r0, r2 with Rn != Rm', 0xfab1, 0xf082],
    ['lsl.w with hw2[15:12] != 1111', 0xfa01, 0x0002],
    ['lsl.w sp, r1, r2', 0xfa01, 0xfd02],
    ['lsl.w r0, pc, r2', 0xfa0f, 0xf002],
    ['op1 = 0xxx, op2 = 01xx', 0xfa01, 0xf042],
    ['parallel op2 = 11', 0xfa91, 0xf032],
    ['parallel op1 = 011', 0xfab1, 0xf002],
    ['sadd16 r0, r1, sp', 0xfa91, 0xf00d],
    ['misc op1 = 10, op2 != 0', 0xfaa1, 0xf092],
    ['misc op1 = 11, op2 != 0', 0xfab1, 0xf091],
    ['op1 = 11xx, op2 = 10xx', 0xfac1, 0xf082],
    ['qadd r0, r1, pc', 0xfa8f, 0xf081],
  ];
  for (const [name, hw1, hw2] of register)
    assert.equal(decodeThumb32Register(hw1, hw2, 0), undefinedExecutor, name);
  const multiply: [string, number, number][] = [
    ['mls with Ra = 15', 0xfb01, 0xf012],
    ['smmls with Ra = 15', 0xfb61, 0xf002],
    ['mla with Ra = 13', 0xfb01, 0xd002],
    ['mul with hw2[7:6] != 0', 0xfb01, 0xf042],
    ['smlad op2 = 1x', 0xfb21, 0x3022],
    ['usada8 op2 != 0', 0xfb71, 0x3012],
    ['mul pc, r1, r2', 0xfb01, 0xff02],
    ['sdiv with hw2[15:12] != 1111', 0xfb91, 0x00f2],
    ['sdiv with op2 != 1111', 0xfb91, 0xf0e2],
    ['smull r4, r4, r1, r2', 0xfb81, 0x4402],
    ['smull sp, r5, r1, r2', 0xfb81, 0xd502],
    ['umull op2 != 0', 0xfba1, 0x4512],
    ['smlal op2 = 01xx', 0xfbc1, 0x4542],
    ['smlsld op2 = 0000', 0xfbd1, 0x4502],
    ['umlal op2 = 0101', 0xfbe1, 0x4552],
    ['long op1 = 111', 0xfbf1, 0x4502],
  ];
  for (const [name, hw1, hw2] of multiply)
    assert.equal(decodeThumb32Multiply(hw1, hw2, 0), undefinedExecutor, name);
});
