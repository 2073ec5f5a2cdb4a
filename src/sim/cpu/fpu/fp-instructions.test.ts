import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CFSR } from '../../../arch/armv7m/scb.js';
import { cpuWithCode } from '../../../../test/support/cpu-fixtures.js';
import { vfpExpandImm32 } from './fp-data-processing.js';

/**
 * Instruction-level tests of the FPv4-SP decode (A5.3.18, A6.4–A6.7) and executors: loads/stores with
 * writeback, transfers, VMRS/VMSR, VMOV immediate, timing, and the faults (NOCP, UNDEFINSTR,
 * UNALIGNED). Encodings from arm-none-eabi-as -mcpu=cortex-m4 -mfpu=fpv4-sp-d16 (VMOV scalar forms
 * assembled with -mfpu=vfpv4-d16: binutils refuses them for fpv4-sp-d16, ARMv7-M A7.7.239/241 has them).
 */

const SRAM = 0x2000_0000;

/** A core with the FPU enabled (CPACR CP10/CP11 full access) and an FP context active (CONTROL.FPCA). */
function fpuCore(halfwords: number[]) {
  const { cpu, bus } = cpuWithCode(halfwords);
  cpu.scb.cpacr = 0x00f0_0000;
  cpu.control |= 0b100;
  return { cpu, bus };
}

function s(cpu: { fpRegs: Int32Array }, from: number, to: number): number[] {
  return Array.from(cpu.fpRegs.subarray(from, to + 1), (x) => x >>> 0);
}

function expectFault(
  halfwords: number[],
  bit: number,
  setup?: (cpu: ReturnType<typeof fpuCore>['cpu']) => void,
) {
  const { cpu } = fpuCore(halfwords);
  setup?.(cpu);
  const before = Array.from(cpu.fpRegs);
  cpu.step();
  assert.equal(
    cpu.scb.cfsr & bit,
    bit,
    `${halfwords.map((h) => h.toString(16)).join(' ')}: CFSR bit ${bit.toString(16)}`,
  );
  assert.deepEqual(Array.from(cpu.fpRegs), before, 'FP registers untouched');
  return cpu;
}

test('VFPExpandImm: the VMOV immediate table', () => {
  const table: [number, number][] = [
    [0x70, 0x3f800000], // 1.0
    [0x00, 0x40000000], // 2.0
    [0x80, 0xc0000000], // -2.0
    [0x30, 0x41800000], // 16.0
    [0x3f, 0x41f80000], // 31.0, the largest
    [0x40, 0x3e000000], // 0.125, the smallest
    [0x7f, 0x3ff80000], // 1.9375
    [0xe0, 0xbf000000], // -0.5: exponent NOT(1):11111:10 = 126
    [0x4c, 0x3e600000], // 0.21875 = 1.75 * 2^-3
  ];
  for (const [imm8, bits] of table) {
    assert.equal(vfpExpandImm32(imm8) >>> 0, bits, `imm8 ${imm8.toString(16)}`);
    // vmov.f32 s1, #imm: 1110 1110 1D11 imm4H | Vd 101 0 0000 imm4L
    const { cpu } = fpuCore([0xeef0 | (imm8 >>> 4), 0x0a00 | (imm8 & 0xf)]);
    cpu.step();
    assert.equal(cpu.fpRegs[1]! >>> 0, bits);
  }
});

test('VFMA rounds once, VMLA twice (the double-rounding case), and they cost 3 cycles', () => {
  const run = (hw: number[]) => {
    const { cpu } = fpuCore(hw);
    cpu.fpRegs[0] = 0x39d443f2;
    cpu.fpRegs[1] = 0x39e78f25;
    cpu.fpRegs[2] = 0x3f800000;
    cpu.step();
    return [cpu.fpRegs[2] >>> 0, cpu.cycles];
  };
  assert.deepEqual(run([0xeea0, 0x1a20]), [0x3f800001, 3]); // vfma.f32 s2, s0, s1
  assert.deepEqual(run([0xee00, 0x1a20]), [0x3f800002, 3]); // vmla.f32 s2, s0, s1
});

test('VDIV and VSQRT take 14 cycles, VADD 1', () => {
  for (const [hw, cycles] of [
    [[0xee80, 0x1a20], 14], // vdiv.f32 s2, s0, s1
    [[0xeeb1, 0x1ac0], 14], // vsqrt.f32 s2, s0
    [[0xee30, 0x1a20], 1], // vadd.f32 s2, s0, s1
  ] as const) {
    const { cpu } = fpuCore([...hw]);
    cpu.step();
    assert.equal(cpu.cycles, cycles);
  }
});

test('VCMP then VMRS APSR_nzcv copies FPSCR.NZCV to the APSR; VMRS/VMSR move FPSCR', () => {
  // vcmp.f32 s0, s1 ; vmrs APSR_nzcv, fpscr ; vmrs r4, fpscr
  const { cpu } = fpuCore([0xeeb4, 0x0a60, 0xeef1, 0xfa10, 0xeef1, 0x4a10]);
  cpu.fpRegs[0] = 0xbf800000 | 0; // -1 < 2: N
  cpu.fpRegs[1] = 0x40000000;
  cpu.z = 1;
  cpu.c = 1;
  cpu.step();
  assert.equal(cpu.fpscr >>> 28, 0b1000);
  cpu.step();
  assert.deepEqual([cpu.n, cpu.z, cpu.c, cpu.v], [1, 0, 0, 0]);
  cpu.step();
  assert.equal(cpu.r[4]! >>> 0, 0x80000000);

  // vmsr fpscr, r4 keeps the reserved bits zero; unordered compare with #0 gives 0011
  const b = fpuCore([0xeee1, 0x4a10, 0xeef5, 0x0a40, 0xeef1, 0xfa10]).cpu; // vmsr; vcmp.f32 s1, #0; vmrs APSR
  b.r[4] = -1;
  b.step();
  assert.equal(b.fpscr >>> 0, 0xf7c0009f);
  b.fpscr = 0;
  b.fpRegs[1] = 0x7fc00000;
  b.step();
  b.step();
  assert.deepEqual([b.n, b.z, b.c, b.v], [0, 0, 1, 1]);
});

test('VMOV between core and single, scalar and double registers', () => {
  const { cpu } = fpuCore([
    0xee01,
    0x4a90, // vmov s3, r4
    0xee11,
    0x5a90, // vmov r5, s3
    0xee23,
    0x4b10, // vmov.32 d3[1], r4  (S7)
    0xee03,
    0x6b10, // vmov.32 d3[0], r6  (S6)
    0xee33,
    0x7b10, // vmov.32 r7, d3[1]
    0xec45,
    0x4a31, // vmov s3, s4, r4, r5
    0xec51,
    0x2b13, // vmov r2, r1, d3
    0xec45,
    0x6b12, // vmov d2, r6, r5   (S4 = r6, S5 = r5)
    0xec51,
    0x8a32, // vmov r8, r1, s5, s6
  ]);
  cpu.r[4] = 0x11111111;
  cpu.r[6] = 0x66666666;
  cpu.step();
  assert.equal(cpu.fpRegs[3], 0x11111111);
  cpu.r[4] = 0x44444444;
  cpu.step();
  assert.equal(cpu.r[5], 0x11111111);
  cpu.step();
  cpu.step();
  assert.deepEqual(s(cpu, 6, 7), [0x66666666, 0x44444444]);
  cpu.step();
  assert.equal(cpu.r[7], 0x44444444);
  cpu.step();
  assert.deepEqual(s(cpu, 3, 4), [0x44444444, 0x11111111]);
  cpu.step();
  assert.deepEqual([cpu.r[2], cpu.r[1]], [0x66666666, 0x44444444]);
  assert.equal(cpu.cycles, 1 + 1 + 1 + 1 + 1 + 2 + 2);
  cpu.step();
  assert.deepEqual(s(cpu, 4, 5), [0x66666666, 0x11111111]);
  cpu.step();
  assert.deepEqual([cpu.r[8], cpu.r[1]], [0x11111111, 0x66666666]);
});

test('VLDR/VSTR: offsets both ways, doubles as two words, literal from Align(PC, 4)', () => {
  const { cpu, bus } = fpuCore([
    0xed52,
    0x0a02, // vldr s1, [r2, #-8]
    0xed92,
    0x3b02, // vldr d3, [r2, #8]
    0xedc2,
    0x0a04, // vstr s1, [r2, #16]
    0xed02,
    0x3b04, // vstr d3, [r2, #-16]
    0xeddf,
    0x1a01, // vldr s3, [pc, #4]  at 0x110: Align(0x114, 4) + 4 = 0x118
    0xbf00,
    0xbf00, // nop; nop (0x114)
    0x5678,
    0x1234, // 0x118: the literal
  ]);
  const base = SRAM + 0x100;
  cpu.r[2] = base;
  bus.write32(base - 8, 0xaaaa0001);
  bus.write32(base + 8, 0xbbbb0002);
  bus.write32(base + 12, 0xcccc0003);
  cpu.step();
  assert.equal(cpu.fpRegs[1]! >>> 0, 0xaaaa0001);
  assert.equal(cpu.cycles, 2);
  cpu.step();
  assert.deepEqual(s(cpu, 6, 7), [0xbbbb0002, 0xcccc0003]);
  cpu.step();
  assert.equal(bus.read32(base + 16) >>> 0, 0xaaaa0001);
  cpu.step();
  assert.deepEqual([bus.read32(base - 16) >>> 0, bus.read32(base - 12) >>> 0], [0xbbbb0002, 0xcccc0003]);
  assert.equal(cpu.r[2], base);
  cpu.step();
  assert.equal(cpu.fpRegs[3], 0x12345678);
});

test('VLDM/VSTM with and without writeback, VPUSH/VPOP', () => {
  const { cpu, bus } = fpuCore([
    0xecf2,
    0x0a03, // vldmia r2!, {s1-s3}
    0xed32,
    0x1b06, // vldmdb r2!, {d1-d3}   (S2-S7)
    0xecc2,
    0x0a03, // vstmia r2, {s1-s3}
    0xed2d,
    0x2a04, // vpush {s4-s7}
    0xecbd,
    0x4b04, // vpop {d4-d5}          (S8-S11)
  ]);
  const base = SRAM + 0x200;
  for (let i = 0; i < 8; i++) bus.write32(base - 12 + 4 * i, 0x1000 + i);
  cpu.r[2] = base;
  cpu.step();
  assert.deepEqual(s(cpu, 1, 3), [0x1003, 0x1004, 0x1005]);
  assert.equal(cpu.r[2], base + 12);
  assert.equal(cpu.cycles, 1 + 3);
  cpu.step(); // decrement before from base + 12: six words at base - 12 .. base + 8
  assert.equal(cpu.r[2], base - 12);
  assert.deepEqual(s(cpu, 2, 7), [0x1000, 0x1001, 0x1002, 0x1003, 0x1004, 0x1005]);
  cpu.step();
  assert.equal(cpu.r[2], base - 12); // no writeback
  assert.deepEqual(
    [0, 4, 8].map((o) => bus.read32(base - 12 + o) >>> 0),
    [0x1003, 0x1000, 0x1001],
  );
  const sp = cpu.r[13]!;
  cpu.step();
  assert.equal(cpu.r[13], sp - 16);
  assert.deepEqual(
    [0, 4, 8, 12].map((o) => bus.read32(sp - 16 + o) >>> 0),
    [0x1002, 0x1003, 0x1004, 0x1005],
  );
  cpu.step();
  assert.equal(cpu.r[13], sp);
  assert.deepEqual(s(cpu, 8, 11), [0x1002, 0x1003, 0x1004, 0x1005]);
});

test('faulting loads change nothing: unaligned address (UNALIGNED), bus error part-way', () => {
  expectFault([0xed92, 0x0a00], CFSR.UNALIGNED, (cpu) => (cpu.r[2] = SRAM + 2)); // vldr s0, [r2]
  const cpu = expectFault([0xecb2, 0x0a04], CFSR.PRECISERR, (cpu) => (cpu.r[2] = SRAM + 0x2_0000 - 8)); // vldmia r2!, {s0-s3}
  assert.equal(cpu.r[2], SRAM + 0x2_0000 - 8, 'no writeback');
});

test('coprocessors other than CP10/CP11 are absent: NOCP; FP space holes are UNDEFINED', () => {
  expectFault([0xee12, 0x1783], CFSR.NOCP); // cdp p7, #1, c1, c2, c3, #4
  expectFault([0xee02, 0x1313], CFSR.NOCP); // mcr p3, #0, r1, c2, c3, #0
  expectFault([0xfe12, 0x1313], CFSR.NOCP); // mrc2 p3, ...
  expectFault([0xed92, 0x1500], CFSR.NOCP); // ldc p5, c1, [r2]
  expectFault([0xec52, 0x1e00], CFSR.NOCP); // mrrc p14, #0, r1, r2, c0
  expectFault([0xec02, 0x0a00], CFSR.UNDEFINSTR); // op1 = 00000x: UNDEFINED for any coprocessor
  expectFault([0xef02, 0x0a00], CFSR.UNDEFINSTR); // op1 = 11xxxx: UNDEFINED
  expectFault([0xfe30, 0x1a20], CFSR.UNDEFINSTR); // T = 1 with cp10: no such FP instruction
  expectFault([0xee30, 0x1b20], CFSR.UNDEFINSTR); // vadd.f64: no double precision in FPv4-SP
  expectFault([0xee80, 0x1a60], CFSR.UNDEFINSTR); // VDIV's opc3 x1 slot
  expectFault([0xeeb7, 0x0ac0], CFSR.UNDEFINSTR); // vcvt.f64.f32
  expectFault([0xedd2, 0x0b02], CFSR.UNDEFINSTR); // vldr d16, [r2, #8]: only D0-D15 exist
  expectFault([0xecb2, 0x0b00], CFSR.UNDEFINSTR); // vldmia r2!, {} (double, empty list)
});

test('FP instructions with CP10/CP11 access denied raise NOCP', () => {
  const { cpu } = cpuWithCode([0xee30, 0x1a20]); // vadd.f32 s2, s0, s1 with CPACR at its reset value
  cpu.step();
  assert.equal(cpu.scb.cfsr & CFSR.NOCP, CFSR.NOCP);
});

// With the FPU disabled the coprocessor is absent, so even an encoding it would reject as
// UNDEFINED is answered by NOCP (B3.2.20); globally UNDEFINED op1 values stay UNDEFINSTR.
test('unallocated CP10/CP11 encodings raise NOCP while CPACR denies access', () => {
  for (const [hw1, hw2] of [
    [0xee30, 0x1b20], // vadd.f64
    [0xfe30, 0x1a20], // T = 1 with cp10
    [0xeeb7, 0x0ac0], // vcvt.f64.f32
  ] as const) {
    const { cpu } = cpuWithCode([hw1, hw2]); // CPACR at its reset value: CP10/CP11 denied
    cpu.step();
    assert.equal(
      cpu.scb.cfsr & (CFSR.NOCP | CFSR.UNDEFINSTR),
      CFSR.NOCP,
      `${hw1.toString(16)} ${hw2.toString(16)}`,
    );
  }
  const { cpu } = cpuWithCode([0xec02, 0x0a00]); // op1 = 00000x
  cpu.step();
  assert.equal(cpu.scb.cfsr & (CFSR.NOCP | CFSR.UNDEFINSTR), CFSR.UNDEFINSTR);
});
