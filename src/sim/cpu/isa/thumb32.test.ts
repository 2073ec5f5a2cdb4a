import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Cpu } from '../cpu.js';
import { cpuWithCode, flags } from '../../../../test/support/cpu-fixtures.js';

function exec(code: number[], setup: (cpu: Cpu) => void = () => undefined, origin = 0x100): Cpu {
  const { cpu } = cpuWithCode(code, origin);
  setup(cpu);
  cpu.step();
  return cpu;
}

function setFlags(cpu: Cpu, text: string): void {
  cpu.n = text[0] === 'N' ? 1 : 0;
  cpu.z = text[1] === 'Z' ? 1 : 0;
  cpu.c = text[2] === 'C' ? 1 : 0;
  cpu.v = text[3] === 'V' ? 1 : 0;
  cpu.q = text[5] === 'Q' ? 1 : 0;
}

/** Whether the instruction raises UNDEFINED (the core's hook is replaced by a spy). */
function raisesUndefined(code: number[]): boolean {
  const { cpu } = cpuWithCode(code);
  let raised = false;
  cpu.undefinedInstruction = () => {
    raised = true;
    return undefined as never;
  };
  cpu.step();
  return raised;
}

const u32 = (x: number | undefined): number => (x ?? NaN) >>> 0;

/**
 * 32-bit data processing (A5.3.1, A5.3.3, A5.3.11): [assembly, encoding, R0–R2 in, flags in,
 * R0–R2 out, flags out]. The outputs were produced by QEMU (qemu-system-arm -M netduinoplus2)
 * running each instruction from the same state, and agree with the ARM ARM pseudocode.
 */
const GOLDEN: [string, number[], number[], string, number[], string][] = [
  [
    'and.w r0, r1, #0xff00ff00',
    [0xf001, 0x20ff],
    [0x0, 0x12345678, 0x0],
    'nzCv q',
    [0x12005600, 0x12345678, 0x0],
    'nzCv q',
  ],
  [
    'ands.w r0, r1, #0x80000000',
    [0xf011, 0x4000],
    [0x0, 0x80000001, 0x0],
    'nzcv q',
    [0x80000000, 0x80000001, 0x0],
    'NzCv q',
  ],
  [
    'ands.w r0, r1, #0x00ff00ff',
    [0xf011, 0x10ff],
    [0x0, 0xff00, 0x0],
    'nzCV q',
    [0x0, 0xff00, 0x0],
    'nZCV q',
  ],
  [
    'tst.w r1, #0x40000000',
    [0xf011, 0x4f80],
    [0x0, 0x40000000, 0x0],
    'nzCv q',
    [0x0, 0x40000000, 0x0],
    'nzcv q',
  ],
  [
    'bics.w r0, r1, #0xff',
    [0xf031, 0x00ff],
    [0x0, 0x800000ff, 0x0],
    'nzcv q',
    [0x80000000, 0x800000ff, 0x0],
    'Nzcv q',
  ],
  ['mov.w r0, #0xabababab', [0xf04f, 0x30ab], [0x0, 0x0, 0x0], 'nzcv q', [0xabababab, 0x0, 0x0], 'nzcv q'],
  ['movs.w r0, #0x7f800000', [0xf05f, 0x40ff], [0x0, 0x0, 0x0], 'nzCv q', [0x7f800000, 0x0, 0x0], 'nzcv q'],
  ['movs.w r0, #0x80000000', [0xf05f, 0x4000], [0x0, 0x0, 0x0], 'nzcv q', [0x80000000, 0x0, 0x0], 'NzCv q'],
  ['orns r0, r1, #0xff', [0xf071, 0x00ff], [0x0, 0x0, 0x0], 'nzcv q', [0xffffff00, 0x0, 0x0], 'Nzcv q'],
  ['mvns.w r0, #0', [0xf07f, 0x0000], [0x0, 0x0, 0x0], 'nzCv q', [0xffffffff, 0x0, 0x0], 'NzCv q'],
  [
    'eors.w r0, r1, #0x80000000',
    [0xf091, 0x4000],
    [0x0, 0x80000000, 0x0],
    'NzcV q',
    [0x0, 0x80000000, 0x0],
    'nZCV q',
  ],
  [
    'teq r1, #0x80000000',
    [0xf091, 0x4f00],
    [0x0, 0x80000000, 0x0],
    'nzcv q',
    [0x0, 0x80000000, 0x0],
    'nZCv q',
  ],
  [
    'adds.w r0, r1, #1',
    [0xf111, 0x0001],
    [0x0, 0x7fffffff, 0x0],
    'nzcv q',
    [0x80000000, 0x7fffffff, 0x0],
    'NzcV q',
  ],
  [
    'cmn.w r1, #0x80000000',
    [0xf111, 0x4f00],
    [0x0, 0x80000000, 0x0],
    'nzcv q',
    [0x0, 0x80000000, 0x0],
    'nZCV q',
  ],
  [
    'adcs.w r0, r1, #0x100',
    [0xf551, 0x7080],
    [0x0, 0xfffffeff, 0x0],
    'nzCv q',
    [0x0, 0xfffffeff, 0x0],
    'nZCv q',
  ],
  ['sbcs.w r0, r1, #1', [0xf171, 0x0001], [0x0, 0x1, 0x0], 'nzcv q', [0xffffffff, 0x1, 0x0], 'Nzcv q'],
  ['subs.w r0, r1, #0x10000', [0xf5b1, 0x3080], [0x0, 0x10000, 0x0], 'nzcv q', [0x0, 0x10000, 0x0], 'nZCv q'],
  ['cmp.w r1, #0x10000', [0xf5b1, 0x3f80], [0x0, 0xffff, 0x0], 'nzcv q', [0x0, 0xffff, 0x0], 'Nzcv q'],
  ['rsbs r0, r1, #0x100', [0xf5d1, 0x7080], [0x0, 0x101, 0x0], 'nzcv q', [0xffffffff, 0x101, 0x0], 'Nzcv q'],
  [
    'addw r0, r1, #0xfff',
    [0xf601, 0x70ff],
    [0x0, 0xfffff001, 0x0],
    'nzcv q',
    [0x0, 0xfffff001, 0x0],
    'nzcv q',
  ],
  ['subw r0, r1, #0xfff', [0xf6a1, 0x70ff], [0x0, 0x0, 0x0], 'nzcv q', [0xfffff001, 0x0, 0x0], 'nzcv q'],
  ['movw r0, #0xffff', [0xf64f, 0x70ff], [0x12345678, 0x0, 0x0], 'nzcv q', [0xffff, 0x0, 0x0], 'nzcv q'],
  ['movt r0, #0x8001', [0xf2c8, 0x0001], [0x12345678, 0x0, 0x0], 'nzcv q', [0x80015678, 0x0, 0x0], 'nzcv q'],
  [
    'ands.w r0, r1, r2, lsl #31',
    [0xea11, 0x70c2],
    [0x0, 0xffffffff, 0x3],
    'nzcv q',
    [0x80000000, 0xffffffff, 0x3],
    'NzCv q',
  ],
  [
    'ands.w r0, r1, r2, lsr #32',
    [0xea11, 0x0012],
    [0x0, 0xffffffff, 0x80000000],
    'nzcv q',
    [0x0, 0xffffffff, 0x80000000],
    'nZCv q',
  ],
  [
    'orrs.w r0, r1, r2, asr #32',
    [0xea51, 0x0022],
    [0x0, 0x0, 0x80000000],
    'nzcv q',
    [0xffffffff, 0x0, 0x80000000],
    'NzCv q',
  ],
  [
    'eors.w r0, r1, r2, ror #1',
    [0xea91, 0x0072],
    [0x0, 0x0, 0x3],
    'nzcv q',
    [0x80000001, 0x0, 0x3],
    'NzCv q',
  ],
  ['eors.w r0, r1, r2, rrx', [0xea91, 0x0032], [0x0, 0x0, 0x3], 'nzCv q', [0x80000001, 0x0, 0x3], 'NzCv q'],
  ['movs.w r0, r2, rrx', [0xea5f, 0x0032], [0x0, 0x0, 0x2], 'nzCv q', [0x80000001, 0x0, 0x2], 'Nzcv q'],
  [
    'movs.w r0, r2, ror #8',
    [0xea5f, 0x2032],
    [0x0, 0x0, 0x12345680],
    'nzcv q',
    [0x80123456, 0x0, 0x12345680],
    'NzCv q',
  ],
  [
    'lsrs.w r0, r2, #32',
    [0xea5f, 0x0012],
    [0x0, 0x0, 0x80000000],
    'nzcv q',
    [0x0, 0x0, 0x80000000],
    'nZCv q',
  ],
  [
    'asrs.w r0, r2, #32',
    [0xea5f, 0x0022],
    [0x0, 0x0, 0x7fffffff],
    'nzCv q',
    [0x0, 0x0, 0x7fffffff],
    'nZcv q',
  ],
  ['mvns.w r0, r2, lsr #1', [0xea7f, 0x0052], [0x0, 0x0, 0x1], 'nzcv q', [0xffffffff, 0x0, 0x1], 'NzCv q'],
  [
    'tst.w r1, r2, lsl #1',
    [0xea11, 0x0f42],
    [0x0, 0x1, 0x80000000],
    'nzcv q',
    [0x0, 0x1, 0x80000000],
    'nZCv q',
  ],
  [
    'teq.w r1, r2, asr #32',
    [0xea91, 0x0f22],
    [0x0, 0xffffffff, 0x80000000],
    'nzcv q',
    [0x0, 0xffffffff, 0x80000000],
    'nZCv q',
  ],
  [
    'adds.w r0, r1, r2, lsl #31',
    [0xeb11, 0x70c2],
    [0x0, 0x80000000, 0x1],
    'nzcv q',
    [0x0, 0x80000000, 0x1],
    'nZCV q',
  ],
  ['adds.w r0, r1, r2, rrx', [0xeb11, 0x0032], [0x0, 0x1, 0x1], 'nzCv q', [0x80000001, 0x1, 0x1], 'Nzcv q'],
  [
    'subs.w r0, r1, r2, lsr #32',
    [0xebb1, 0x0012],
    [0x0, 0x0, 0x80000000],
    'nzcv q',
    [0x0, 0x0, 0x80000000],
    'nZCv q',
  ],
  ['rsbs r0, r1, r2, lsl #2', [0xebd1, 0x0082], [0x0, 0x4, 0x1], 'nzcv q', [0x0, 0x4, 0x1], 'nZCv q'],
  ['cmp.w r1, r2, lsr #1', [0xebb1, 0x0f52], [0x0, 0x1, 0x2], 'nzcv q', [0x0, 0x1, 0x2], 'nZCv q'],
  [
    'adcs.w r0, r1, r2, lsl #1',
    [0xeb51, 0x0042],
    [0x0, 0xffffffff, 0x0],
    'nzCv q',
    [0x0, 0xffffffff, 0x0],
    'nZCv q',
  ],
  ['sbcs.w r0, r1, r2', [0xeb71, 0x0002], [0x0, 0x0, 0x0], 'nzcv q', [0xffffffff, 0x0, 0x0], 'Nzcv q'],
  [
    'pkhbt r0, r1, r2, lsl #16',
    [0xeac1, 0x4002],
    [0x0, 0x11112222, 0x33334444],
    'nzcv q',
    [0x44442222, 0x11112222, 0x33334444],
    'nzcv q',
  ],
  [
    'pkhtb r0, r1, r2, asr #16',
    [0xeac1, 0x4022],
    [0x0, 0x11112222, 0x33334444],
    'nzcv q',
    [0x11113333, 0x11112222, 0x33334444],
    'nzcv q',
  ],
  [
    'pkhtb r0, r1, r2, asr #32',
    [0xeac1, 0x0022],
    [0x0, 0x11112222, 0x80000000],
    'nzcv q',
    [0x1111ffff, 0x11112222, 0x80000000],
    'nzcv q',
  ],
  ['ssat r0, #8, r1', [0xf301, 0x0007], [0x0, 0x80, 0x0], 'nzcv q', [0x7f, 0x80, 0x0], 'nzcv Q'],
  [
    'ssat r0, #8, r1',
    [0xf301, 0x0007],
    [0x0, 0xffffff80, 0x0],
    'nzcv q',
    [0xffffff80, 0xffffff80, 0x0],
    'nzcv q',
  ],
  [
    'ssat r0, #8, r1',
    [0xf301, 0x0007],
    [0x0, 0xffffff7f, 0x0],
    'nzcv q',
    [0xffffff80, 0xffffff7f, 0x0],
    'nzcv Q',
  ],
  [
    'ssat r0, #1, r1, asr #31',
    [0xf321, 0x70c0],
    [0x0, 0x80000000, 0x0],
    'nzcv q',
    [0xffffffff, 0x80000000, 0x0],
    'nzcv q',
  ],
  [
    'ssat r0, #32, r1, lsl #1',
    [0xf301, 0x005f],
    [0x0, 0x40000000, 0x0],
    'nzcv q',
    [0x80000000, 0x40000000, 0x0],
    'nzcv q',
  ],
  [
    'ssat r0, #16, r1, lsl #4',
    [0xf301, 0x100f],
    [0x0, 0x8000, 0x0],
    'nzcv q',
    [0x7fff, 0x8000, 0x0],
    'nzcv Q',
  ],
  ['usat r0, #8, r1', [0xf381, 0x0008], [0x0, 0x100, 0x0], 'nzcv q', [0xff, 0x100, 0x0], 'nzcv Q'],
  ['usat r0, #8, r1', [0xf381, 0x0008], [0x0, 0xffffffff, 0x0], 'nzcv q', [0x0, 0xffffffff, 0x0], 'nzcv Q'],
  ['usat r0, #0, r1', [0xf381, 0x0000], [0x0, 0x1, 0x0], 'nzcv q', [0x0, 0x1, 0x0], 'nzcv Q'],
  [
    'usat r0, #31, r1, asr #1',
    [0xf3a1, 0x005f],
    [0x0, 0xfffffffe, 0x0],
    'nzcv q',
    [0x0, 0xfffffffe, 0x0],
    'nzcv Q',
  ],
  [
    'usat r0, #31, r1',
    [0xf381, 0x001f],
    [0x0, 0x7fffffff, 0x0],
    'nzcv q',
    [0x7fffffff, 0x7fffffff, 0x0],
    'nzcv q',
  ],
  [
    'ssat16 r0, #4, r1',
    [0xf321, 0x0003],
    [0x0, 0xfff70008, 0x0],
    'nzcv q',
    [0xfff80007, 0xfff70008, 0x0],
    'nzcv Q',
  ],
  [
    'ssat16 r0, #4, r1',
    [0xf321, 0x0003],
    [0x0, 0xfff80007, 0x0],
    'nzcv q',
    [0xfff80007, 0xfff80007, 0x0],
    'nzcv q',
  ],
  [
    'ssat16 r0, #16, r1',
    [0xf321, 0x000f],
    [0x0, 0x80007fff, 0x0],
    'nzcv q',
    [0x80007fff, 0x80007fff, 0x0],
    'nzcv q',
  ],
  ['usat16 r0, #4, r1', [0xf3a1, 0x0004], [0x0, 0x80000010, 0x0], 'nzcv q', [0xf, 0x80000010, 0x0], 'nzcv Q'],
  ['usat16 r0, #4, r1', [0xf3a1, 0x0004], [0x0, 0xf, 0x0], 'nzcv q', [0xf, 0xf, 0x0], 'nzcv q'],
  ['usat16 r0, #0, r1', [0xf3a1, 0x0000], [0x0, 0x10000, 0x0], 'nzcv q', [0x0, 0x10000, 0x0], 'nzcv Q'],
  ['sbfx r0, r1, #4, #8', [0xf341, 0x1007], [0x0, 0x800, 0x0], 'nzcv q', [0xffffff80, 0x800, 0x0], 'nzcv q'],
  [
    'sbfx r0, r1, #0, #32',
    [0xf341, 0x001f],
    [0x0, 0x87654321, 0x0],
    'nzcv q',
    [0x87654321, 0x87654321, 0x0],
    'nzcv q',
  ],
  [
    'sbfx r0, r1, #31, #1',
    [0xf341, 0x70c0],
    [0x0, 0x80000000, 0x0],
    'nzcv q',
    [0xffffffff, 0x80000000, 0x0],
    'nzcv q',
  ],
  [
    'ubfx r0, r1, #28, #4',
    [0xf3c1, 0x7003],
    [0x0, 0x87654321, 0x0],
    'nzcv q',
    [0x8, 0x87654321, 0x0],
    'nzcv q',
  ],
  [
    'ubfx r0, r1, #0, #32',
    [0xf3c1, 0x001f],
    [0x0, 0x87654321, 0x0],
    'nzcv q',
    [0x87654321, 0x87654321, 0x0],
    'nzcv q',
  ],
  [
    'bfi r0, r1, #8, #4',
    [0xf361, 0x200b],
    [0xffffffff, 0x12345670, 0x0],
    'nzcv q',
    [0xfffff0ff, 0x12345670, 0x0],
    'nzcv q',
  ],
  [
    'bfi r0, r1, #0, #32',
    [0xf361, 0x001f],
    [0xffffffff, 0x12345678, 0x0],
    'nzcv q',
    [0x12345678, 0x12345678, 0x0],
    'nzcv q',
  ],
  ['bfi r0, r1, #31, #1', [0xf361, 0x70df], [0x0, 0x1, 0x0], 'nzcv q', [0x80000000, 0x1, 0x0], 'nzcv q'],
  ['bfc r0, #4, #24', [0xf36f, 0x101b], [0xffffffff, 0x0, 0x0], 'nzcv q', [0xf000000f, 0x0, 0x0], 'nzcv q'],
  ['bfc r0, #31, #1', [0xf36f, 0x70df], [0xffffffff, 0x0, 0x0], 'nzcv q', [0x7fffffff, 0x0, 0x0], 'nzcv q'],
];

describe('32-bit data processing, cross-checked with QEMU', () => {
  for (const [name, code, regsIn, flagsIn, regsOut, flagsOut] of GOLDEN) {
    it(`${name}  [${regsIn.map((x) => x.toString(16)).join(', ')}] ${flagsIn}`, () => {
      const cpu = exec(code, (c) => {
        regsIn.forEach((value, i) => (c.r[i] = value));
        setFlags(c, flagsIn);
      });
      assert.deepEqual([u32(cpu.r[0]), u32(cpu.r[1]), u32(cpu.r[2])], regsOut);
      assert.equal(flags(cpu), flagsOut);
      assert.equal(cpu.pc, 0x104);
    });
  }
});

describe('32-bit data processing with SP and PC', () => {
  it('ADD.W/SUB.W SP, SP, #imm and ADD.W Rd, SP, #imm', () => {
    let cpu = exec([0xf50d, 0x7d80]); // add.w sp, sp, #256
    assert.equal(u32(cpu.r[13]), 0x20020100);
    cpu = exec([0xf5ad, 0x7d80]); // sub.w sp, sp, #256
    assert.equal(u32(cpu.r[13]), 0x2001ff00);
    cpu = exec([0xf50d, 0x7280]); // add.w r2, sp, #256
    assert.equal(u32(cpu.r[2]), 0x20020100);
    cpu = exec([0xf20d, 0x0d10]); // addw sp, sp, #16
    assert.equal(u32(cpu.r[13]), 0x20020010);
  });

  it('ADR.W (ADDW/SUBW Rd, PC, #imm) uses Align(PC, 4)', () => {
    let cpu = exec([0xf20f, 0x1023], undefined, 0x102); // addw r0, pc, #0x123 at 0x102
    assert.equal(cpu.r[0], 0x104 + 0x123);
    cpu = exec([0xf2af, 0x1023], undefined, 0x102); // subw r0, pc, #0x123
    assert.equal(cpu.r[0], 0x104 - 0x123);
  });

  it('MOV.W SP, Rm and ADD.W SP, SP, Rm, LSL #2', () => {
    let cpu = exec([0xea4f, 0x0d02], (c) => (c.r[2] = 0x20001237)); // mov.w sp, r2
    assert.equal(u32(cpu.r[13]), 0x20001234);
    cpu = exec([0xeb0d, 0x0d82], (c) => (c.r[2] = 4)); // add.w sp, sp, r2, lsl #2
    assert.equal(u32(cpu.r[13]), 0x20020010);
  });

  it('UNPREDICTABLE register uses and should-be-zero bits decode as UNDEFINED', () => {
    const cases: [string, number[]][] = [
      ['and.w sp, r1, #1', [0xf001, 0x0d01]],
      ['and.w pc, r1, #1 (S = 0)', [0xf001, 0x0f01]],
      ['add.w r0, pc, #1', [0xf10f, 0x0001]],
      ['add.w sp, r1, #1', [0xf101, 0x0d01]],
      ['mov.w sp, #1', [0xf04f, 0x0d01]],
      ['adds.w r0, r1, pc', [0xeb11, 0x000f]],
      ['mov.w sp, sp', [0xea4f, 0x0d0d]],
      ['movs.w r0, sp', [0xea5f, 0x000d]],
      ['lsl.w sp, r1, #1', [0xea4f, 0x0d41]],
      ['add.w sp, sp, r2, lsl #4', [0xeb0d, 0x1d02]],
      ['shifted register with hw2[15] set', [0xea01, 0x8002]],
      ['pkhbt with S set', [0xead1, 0x0002]],
      ['pkhbt with T set', [0xeac1, 0x0012]],
      ['undefined op 0101', [0xeaa1, 0x0002]],
      ['undefined modified-immediate op 0111', [0xf0e1, 0x0001]],
      ['movw sp, #1', [0xf240, 0x0d01]],
      ['movt pc, #1', [0xf2c0, 0x0f01]],
      ['sbfx msb > 31', [0xf341, 0x70c1]],
      ['bfi msb < lsb', [0xf361, 0x2003]],
      ['ssat with hw2[5] set', [0xf301, 0x0027]],
      ['ssat16 with hw2[4] set', [0xf321, 0x0013]],
      ['usat r0, sp', [0xf38d, 0x0008]],
      ['undefined plain-immediate op 00110', [0xf260, 0x0001]],
    ];
    for (const [name, code] of cases) assert.ok(raisesUndefined(code), name);
  });
});

describe('32-bit branches (A5.3.4)', () => {
  it('B<c>.W T3 reaches +1 MiB - 2 and -1 MiB; not taken falls through', () => {
    let cpu = exec([0xf03f, 0xafff], (c) => (c.z = 1)); // beq.w +0xffffe
    assert.equal(cpu.pc, 0x104 + 0xffffe);
    assert.equal(cpu.cycles, 3);
    cpu = exec([0xf03f, 0xafff], (c) => (c.z = 0));
    assert.equal(cpu.pc, 0x104);
    assert.equal(cpu.cycles, 1);
    cpu = exec([0xf400, 0x8000], (c) => (c.z = 1), 0x8000); // beq.w -0x100000
    assert.equal(u32(cpu.pc), (0x8004 - 0x100000) >>> 0);
    cpu = exec([0xf47f, 0xaffe], (c) => (c.z = 0)); // bne.w . (branch to self)
    assert.equal(cpu.pc, 0x100);
  });

  it('B.W T4 reaches +16 MiB - 2 and -16 MiB', () => {
    let cpu = exec([0xf3ff, 0x97ff]); // b.w +0xfffffe
    assert.equal(cpu.pc, 0x104 + 0xfffffe);
    cpu = exec([0xf400, 0x9000]); // b.w -0x1000000
    assert.equal(u32(cpu.pc), (0x104 - 0x1000000) >>> 0);
    cpu = exec([0xf3ff, 0xbfff]); // b.w +0x3ffffe (J1 = J2 = 1 with S = 0: I1 = I2 = 0)
    assert.equal(cpu.pc, 0x104 + 0x3ffffe);
  });

  it('BL sets LR to the next instruction | 1', () => {
    let cpu = exec([0xf000, 0xf800]); // bl .+4
    assert.equal(cpu.pc, 0x104);
    assert.equal(u32(cpu.r[14]), 0x105);
    cpu = exec([0xf7ff, 0xfffe]); // bl . (to itself)
    assert.equal(cpu.pc, 0x100);
    assert.equal(u32(cpu.r[14]), 0x105);
    cpu = exec([0xf7ff, 0xd7ff], undefined, 0x40); // bl -0xc00002 (from objdump)
    assert.equal(u32(cpu.pc), 0xff400042);
    assert.equal(u32(cpu.r[14]), 0x45);
    assert.equal(cpu.cycles, 3);
  });

  it('BLX (immediate) and UDF.W are UNDEFINED', () => {
    assert.ok(raisesUndefined([0xf000, 0xe800]));
    assert.ok(raisesUndefined([0xf7f0, 0xa000]));
  });
});

describe('MSR, MRS, hints, barriers (A5.3.4)', () => {
  it('MRS and MSR pass SYSm, the mask and the value to the core', () => {
    const calls: string[] = [];
    const { cpu } = cpuWithCode([0xf3ef, 0x8009, 0xf381, 0x8808, 0xf380, 0x8c00]);
    cpu.readSpecial = (sysm) => {
      calls.push(`mrs ${sysm}`);
      return 0x1234;
    };
    cpu.writeSpecial = (sysm, mask, value) => void calls.push(`msr ${sysm} ${mask} ${value}`);
    cpu.r[1] = 0x20001000;
    cpu.r[0] = 0xf0000000 | 0;
    cpu.step(); // mrs r0, psp
    assert.equal(cpu.r[0], 0x1234);
    cpu.r[0] = 0xf0000000 | 0;
    cpu.step(); // msr msp, r1
    cpu.step(); // msr apsr_nzcvq, r0 (mask 10) -- objdump shows CPSR_fs
    assert.deepEqual(calls, ['mrs 9', `msr 8 2 536875008`, `msr 0 3 ${0xf0000000 | 0}`]);
  });

  it('MRS/MSR with SP or PC, or wrong should-be bits, are UNDEFINED', () => {
    assert.ok(raisesUndefined([0xf3ef, 0x8d09])); // mrs sp, psp
    assert.ok(raisesUndefined([0xf38d, 0x8808])); // msr msp, sp
    assert.ok(raisesUndefined([0xf391, 0x8808])); // msr with R = 1
    assert.ok(raisesUndefined([0xf3ef, 0xa009])); // mrs with hw2[13] set
  });

  it('CLREX clears the monitor; DSB/DMB/ISB/NOP.W/DBG do nothing; WFI/WFE/SEV reach the core', () => {
    const calls: string[] = [];
    const code = [0xf3bf, 0x8f2f, 0xf3bf, 0x8f4f, 0xf3bf, 0x8f5f, 0xf3bf, 0x8f6f];
    code.push(0xf3af, 0x8000, 0xf3af, 0x80f5, 0xf3af, 0x8003, 0xf3af, 0x8002, 0xf3af, 0x8004, 0xf3af, 0x8001);
    const { cpu } = cpuWithCode(code);
    cpu.clearExclusiveLocal = () => void calls.push('clrex');
    cpu.waitForInterrupt = () => void calls.push('wfi');
    cpu.waitForEvent = () => void calls.push('wfe');
    cpu.sendEvent = () => void calls.push('sev');
    for (let i = 0; i < 10; i++) cpu.step();
    assert.deepEqual(calls, ['clrex', 'wfi', 'wfe', 'sev']);
    assert.equal(cpu.pc, 0x100 + 40);
  });

  it('barriers and hints with wrong should-be bits are UNDEFINED', () => {
    assert.ok(raisesUndefined([0xf3bf, 0x8f7f])); // misc control op 0111
    assert.ok(raisesUndefined([0xf3bf, 0x8f20])); // clrex with option != 1111
    assert.ok(raisesUndefined([0xf3af, 0x8100])); // hint with op1 != 000 (CPS.W is not in ARMv7-M)
    assert.ok(raisesUndefined([0xf3a0, 0x8000])); // hint with hw1[3:0] != 1111
  });
});
