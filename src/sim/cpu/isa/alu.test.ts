import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Cpu } from '../cpu.js';
import { FlatBus, flags } from '../../../../test/support/cpu-fixtures.js';
import {
  SRType,
  addWithCarryFlags,
  asrC,
  decodeImmShift,
  lslC,
  lsrC,
  rorC,
  rrxC,
  shiftC,
  thumbExpandImm,
  thumbExpandImmCarry,
} from './alu.js';

function core(c = 0): Cpu {
  const cpu = new Cpu(new FlatBus());
  cpu.c = c;
  return cpu;
}

const u32 = (x: number): number => x >>> 0;

describe('ThumbExpandImm_C (A5.3.2)', () => {
  it('expands the four replicated-byte patterns with carry_out = carry_in', () => {
    assert.equal(u32(thumbExpandImm(0x0ab)), 0x000000ab);
    assert.equal(u32(thumbExpandImm(0x1ab)), 0x00ab00ab);
    assert.equal(u32(thumbExpandImm(0x2ab)), 0xab00ab00);
    assert.equal(u32(thumbExpandImm(0x3ab)), 0xabababab);
    for (const imm12 of [0x0ab, 0x1ab, 0x2ab, 0x3ab, 0x000]) assert.equal(thumbExpandImmCarry(imm12), -1);
  });

  it('rotates 1:imm12<6:0> right by imm12<11:7>, carry_out = bit 31', () => {
    // rotation 8: '1':0000000 -> 0x80 ror 8 = 0x80000000
    assert.equal(u32(thumbExpandImm(0x400)), 0x80000000);
    assert.equal(thumbExpandImmCarry(0x400), 1);
    // rotation 9 (imm12 = 0100 1111 1111): 0xff ror 9 = 0x7f800000
    assert.equal(u32(thumbExpandImm(0x4ff)), 0x7f800000);
    assert.equal(thumbExpandImmCarry(0x4ff), 0);
    // rotation 31: 0xff ror 31 = 0x1fe
    assert.equal(u32(thumbExpandImm(0xfff)), 0x000001fe);
    assert.equal(thumbExpandImmCarry(0xfff), 0);
    // rotation 15 with imm 0x55: 0xd5 ror 15 = 0x01aa0000
    assert.equal(u32(thumbExpandImm(0x7d5)), 0x01aa0000);
  });

  it('agrees with a reference ROR for every rotated encoding', () => {
    for (let imm12 = 0x400; imm12 < 0x1000; imm12++) {
      const value = BigInt(0x80 | (imm12 & 0x7f));
      const rot = BigInt((imm12 >> 7) & 31);
      const expected = Number(((value >> rot) | (value << (32n - rot))) & 0xffffffffn);
      assert.equal(u32(thumbExpandImm(imm12)), expected, `imm12 ${imm12.toString(16)}`);
      assert.equal(thumbExpandImmCarry(imm12), expected >>> 31);
    }
  });
});

describe('DecodeImmShift (A7.4.2)', () => {
  it('maps LSR/ASR #0 to 32 and ROR #0 to RRX', () => {
    assert.deepEqual(decodeImmShift(0, 0), { type: SRType.LSL, amount: 0 });
    assert.deepEqual(decodeImmShift(0, 5), { type: SRType.LSL, amount: 5 });
    assert.deepEqual(decodeImmShift(1, 0), { type: SRType.LSR, amount: 32 });
    assert.deepEqual(decodeImmShift(2, 0), { type: SRType.ASR, amount: 32 });
    assert.deepEqual(decodeImmShift(2, 31), { type: SRType.ASR, amount: 31 });
    assert.deepEqual(decodeImmShift(3, 0), { type: SRType.RRX, amount: 1 });
    assert.deepEqual(decodeImmShift(3, 7), { type: SRType.ROR, amount: 7 });
  });
});

describe('Shift_C (A2.2.1)', () => {
  it('returns the value and APSR.C for an amount of 0', () => {
    for (const fn of [lslC, lsrC, asrC, rorC]) {
      const cpu = core(1);
      assert.equal(fn(cpu, 0x1234, 0), 0x1234);
      assert.equal(cpu.shifterCarry, 1);
    }
  });

  it('LSL: carry is the last bit out; 32 keeps bit 0 as carry; more gives 0/0', () => {
    const cpu = core();
    assert.equal(u32(lslC(cpu, 0x80000001, 1)), 0x00000002);
    assert.equal(cpu.shifterCarry, 1);
    assert.equal(lslC(cpu, 0x00000001, 32), 0);
    assert.equal(cpu.shifterCarry, 1);
    assert.equal(lslC(cpu, -1, 33), 0);
    assert.equal(cpu.shifterCarry, 0);
  });

  it('LSR: 32 moves bit 31 to carry; more gives 0/0', () => {
    const cpu = core();
    assert.equal(lsrC(cpu, 0x80000003, 1), 0x40000001);
    assert.equal(cpu.shifterCarry, 1);
    assert.equal(lsrC(cpu, 0x80000000 | 0, 32), 0);
    assert.equal(cpu.shifterCarry, 1);
    assert.equal(lsrC(cpu, -1, 200), 0);
    assert.equal(cpu.shifterCarry, 0);
  });

  it('ASR: 32 and more fill with the sign, which is also the carry', () => {
    const cpu = core();
    assert.equal(u32(asrC(cpu, 0x80000000 | 0, 4)), 0xf8000000);
    assert.equal(cpu.shifterCarry, 0);
    assert.equal(asrC(cpu, 0x80000000 | 0, 32), -1);
    assert.equal(cpu.shifterCarry, 1);
    assert.equal(asrC(cpu, 0x7fffffff, 255), 0);
    assert.equal(cpu.shifterCarry, 0);
  });

  it('ROR: carry is result<31>; multiples of 32 keep the value', () => {
    const cpu = core();
    assert.equal(u32(rorC(cpu, 0x00000003, 1)), 0x80000001);
    assert.equal(cpu.shifterCarry, 1);
    assert.equal(u32(rorC(cpu, 0x80000001 | 0, 32)), 0x80000001);
    assert.equal(cpu.shifterCarry, 1);
    assert.equal(u32(rorC(cpu, 0x12345678, 64 + 8)), 0x78123456);
    assert.equal(cpu.shifterCarry, 0);
  });

  it('RRX shifts the old carry into bit 31', () => {
    const cpu = core(1);
    assert.equal(u32(rrxC(cpu, 0x00000003)), 0x80000001);
    assert.equal(cpu.shifterCarry, 1);
    cpu.c = 0;
    assert.equal(u32(shiftC(cpu, 0x80000000 | 0, SRType.RRX, 1)), 0x40000000);
    assert.equal(cpu.shifterCarry, 0);
  });
});

describe('AddWithCarry (A2.2.1)', () => {
  const cases: [string, number, number, number, number, string][] = [
    // x, y, carry_in, result, flags
    ['0 + 0', 0, 0, 0, 0, 'nZcv q'],
    ['signed overflow', 0x7fffffff, 1, 0, 0x80000000, 'NzcV q'],
    ['unsigned carry to zero', 0xffffffff, 1, 0, 0, 'nZCv q'],
    ['negative overflow', 0x80000000, 0x80000000, 0, 0, 'nZCV q'],
    ['carry in', 0xfffffffe, 1, 1, 0, 'nZCv q'],
    ['5 - 5 (no borrow)', 5, ~5, 1, 0, 'nZCv q'],
    ['0 - 1 (borrow)', 0, ~1, 1, 0xffffffff, 'Nzcv q'],
    ['MIN - 1', 0x80000000, ~1, 1, 0x7fffffff, 'nzCV q'],
  ];
  for (const [name, x, y, carry, result, expected] of cases) {
    it(name, () => {
      const cpu = core();
      assert.equal(u32(addWithCarryFlags(cpu, x | 0, y | 0, carry)), result);
      assert.equal(flags(cpu), expected);
    });
  }
});
