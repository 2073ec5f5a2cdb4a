import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Cpu } from '../cpu.js';
import { cpuWithCode, flags } from '../../../../test/support/cpu-fixtures.js';

/** ConditionPassed written out from the table in A7.3.1, independently of the core's version. */
const CONDITIONS: [string, (n: number, z: number, c: number, v: number) => boolean][] = [
  ['EQ', (_n, z) => z === 1],
  ['NE', (_n, z) => z === 0],
  ['CS', (_n, _z, c) => c === 1],
  ['CC', (_n, _z, c) => c === 0],
  ['MI', (n) => n === 1],
  ['PL', (n) => n === 0],
  ['VS', (_n, _z, _c, v) => v === 1],
  ['VC', (_n, _z, _c, v) => v === 0],
  ['HI', (_n, z, c) => c === 1 && z === 0],
  ['LS', (_n, z, c) => c === 0 || z === 1],
  ['GE', (n, _z, _c, v) => n === v],
  ['LT', (n, _z, _c, v) => n !== v],
  ['GT', (n, z, _c, v) => z === 0 && n === v],
  ['LE', (n, z, _c, v) => z === 1 || n !== v],
];

function setNzcv(cpu: Cpu, nzcv: number): void {
  cpu.n = (nzcv >> 3) & 1;
  cpu.z = (nzcv >> 2) & 1;
  cpu.c = (nzcv >> 1) & 1;
  cpu.v = nzcv & 1;
}

const ADDS_R0_1 = 0x3001; // adds r0, #1 (ADD<c> r0, #1 inside an IT block: no flags)

describe('IT (A7.3.3 ITSTATE)', () => {
  for (const [cond, [name, passes]] of CONDITIONS.entries()) {
    it(`IT ${name} executes the next instruction exactly when ${name} holds, for all 16 NZCV values`, () => {
      let seenTrue = false;
      let seenFalse = false;
      for (let nzcv = 0; nzcv < 16; nzcv++) {
        const { cpu } = cpuWithCode([0xbf08 | (cond << 4), ADDS_R0_1]);
        setNzcv(cpu, nzcv);
        const before = flags(cpu);
        cpu.step();
        assert.equal(cpu.itState, (cond << 4) | 8);
        cpu.step();
        const expected = passes(cpu.n, cpu.z, cpu.c, cpu.v);
        if (expected) seenTrue = true;
        else seenFalse = true;
        assert.equal(cpu.r[0], expected ? 1 : 0, `${name} nzcv=${nzcv.toString(2)}`);
        assert.equal(flags(cpu), before, 'an instruction in an IT block does not set flags');
        assert.equal(cpu.itState, 0);
        assert.equal(cpu.pc, 0x104);
      }
      assert.ok(seenTrue && seenFalse);
    });
  }

  it('ITTEE EQ runs the then-pair or the else-pair', () => {
    // ittee eq ; addeq r0,#1 ; addeq r1,#1 ; addne r2,#1 ; addne r3,#1 ; adds r4,#1
    const code = [0xbf07, 0x3001, 0x3101, 0x3201, 0x3301, 0x3401];
    for (const z of [1, 0]) {
      const { cpu } = cpuWithCode(code);
      cpu.z = z;
      for (let i = 0; i < 5; i++) cpu.step();
      assert.deepEqual([...cpu.r.subarray(0, 4)], z === 1 ? [1, 1, 0, 0] : [0, 0, 1, 1]);
      assert.equal(cpu.itState, 0);
      assert.equal(cpu.z, z, 'no flags set inside the block');
      cpu.step(); // after the block, ADDS sets flags again
      assert.equal(cpu.r[4], 1);
      assert.equal(flags(cpu), 'nzcv q');
    }
  });

  it('ITSTATE advances through the block (A7.3.3 ITAdvance)', () => {
    const { cpu } = cpuWithCode([0xbf07, 0xbf00, 0xbf00, 0xbf00, 0xbf00]);
    cpu.z = 1;
    const states: number[] = [];
    for (let i = 0; i < 5; i++) {
      cpu.step();
      states.push(cpu.itState);
    }
    assert.deepEqual(states, [0x07, 0x0e, 0x1c, 0x18, 0x00]);
  });

  it('CMP inside the block sets flags that later instructions of the block see', () => {
    // itte eq ; cmpeq r0, #1 ; addeq r1, #1 ; addne r2, #1
    const { cpu } = cpuWithCode([0xbf06, 0x2801, 0x3101, 0x3201]);
    cpu.z = 1;
    cpu.r[0] = 2; // the CMP clears Z, so the then-ADD is skipped and the else-ADD runs
    for (let i = 0; i < 4; i++) cpu.step();
    assert.deepEqual([cpu.r[1], cpu.r[2]], [0, 1]);
    assert.equal(flags(cpu), 'nzCv q');
  });

  it('flag-setting 16-bit instructions set flags outside IT and not inside', () => {
    // lsls r0, r1, #1 (C from bit 31) outside, then IT AL ; lsls r0, r1, #1
    const { cpu } = cpuWithCode([0x0048, 0xbfe8, 0x0048]);
    cpu.r[1] = 0x80000000 | 0;
    cpu.step();
    assert.equal(flags(cpu), 'nZCv q');
    cpu.r[1] = 0x40000000;
    cpu.step();
    cpu.step();
    assert.equal(cpu.r[0], 0x80000000 | 0);
    assert.equal(flags(cpu), 'nZCv q');
  });

  it('a branch as the last instruction of the block is conditional', () => {
    // it ne ; b.n .+0x40 (the T2 encoding, allowed as the last instruction of a block)
    for (const z of [0, 1]) {
      const { cpu } = cpuWithCode([0xbf18, 0xe01e]);
      cpu.z = z;
      cpu.step();
      cpu.step();
      assert.equal(cpu.pc, z === 0 ? 0x102 + 4 + 0x3c : 0x104);
      assert.equal(cpu.itState, 0);
    }
  });
});
