import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Cpu } from '../cpu.js';
import { cpuWithCode, flags } from '../../../../test/support/cpu-fixtures.js';

/** Runs `steps` instructions of `code` (placed at 0x100) after `setup`. */
function exec(code: number[], setup: (cpu: Cpu) => void = () => undefined, steps = 1): Cpu {
  const { cpu } = cpuWithCode(code);
  setup(cpu);
  for (let i = 0; i < steps; i++) cpu.step();
  return cpu;
}

function setFlags(cpu: Cpu, nzcv: string): void {
  cpu.n = nzcv.includes('N') ? 1 : 0;
  cpu.z = nzcv.includes('Z') ? 1 : 0;
  cpu.c = nzcv.includes('C') ? 1 : 0;
  cpu.v = nzcv.includes('V') ? 1 : 0;
}

/** Whether the first instruction of `code` raises UNDEFINED (the core's hook is replaced by a spy). */
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

describe('A5.2.1 shift (immediate), add, subtract, move, compare', () => {
  it('LSLS #31 (07c8) takes the carry from bit 1', () => {
    const cpu = exec([0x07c8], (c) => (c.r[1] = 0x3)); // lsls r0, r1, #31
    assert.equal(u32(cpu.r[0]), 0x80000000);
    assert.equal(flags(cpu), 'NzCv q');
  });

  it('LSLS #0 is MOVS: N and Z set, C and V kept', () => {
    const cpu = exec([0x0008], (c) => {
      // movs r0, r1
      c.r[1] = 0;
      setFlags(c, 'NCV');
    });
    assert.equal(flags(cpu), 'nZCV q');
  });

  it('LSRS #32 (imm5 = 0) gives 0 with C = bit 31', () => {
    const cpu = exec([0x0808], (c) => (c.r[1] = 0x80000000 | 0)); // lsrs r0, r1, #32
    assert.equal(cpu.r[0], 0);
    assert.equal(flags(cpu), 'nZCv q');
  });

  it('ASRS #32 (imm5 = 0) fills with the sign', () => {
    const cpu = exec([0x1008], (c) => (c.r[1] = 0x80000000 | 0)); // asrs r0, r1, #32
    assert.equal(cpu.r[0], -1);
    assert.equal(flags(cpu), 'NzCv q');
  });

  it('ASRS #1 shifts bit 0 into C', () => {
    const cpu = exec([0x1048], (c) => (c.r[1] = -3)); // asrs r0, r1, #1
    assert.equal(cpu.r[0], -2);
    assert.equal(flags(cpu), 'NzCv q');
  });

  it('ADDS (register) sets V on signed overflow', () => {
    const cpu = exec([0x1888], (c) => {
      // adds r0, r1, r2
      c.r[1] = 0x7fffffff;
      c.r[2] = 1;
    });
    assert.equal(u32(cpu.r[0]), 0x80000000);
    assert.equal(flags(cpu), 'NzcV q');
  });

  it('SUBS (register) sets C when there is no borrow', () => {
    const cpu = exec([0x1a88], (c) => {
      // subs r0, r1, r2
      c.r[1] = 5;
      c.r[2] = 5;
    });
    assert.equal(cpu.r[0], 0);
    assert.equal(flags(cpu), 'nZCv q');
  });

  it('ADDS/SUBS imm3 and imm8', () => {
    let cpu = exec([0x1dc8], (c) => (c.r[1] = -7)); // adds r0, r1, #7
    assert.equal(cpu.r[0], 0);
    assert.equal(flags(cpu), 'nZCv q');
    cpu = exec([0x1e08], (c) => (c.r[1] = 0)); // subs r0, r1, #0
    assert.equal(flags(cpu), 'nZCv q');
    cpu = exec([0x3aff], (c) => (c.r[2] = 0x10)); // subs r2, #255
    assert.equal(cpu.r[2], 0x10 - 255);
    assert.equal(flags(cpu), 'Nzcv q');
    cpu = exec([0x32ff], (c) => (c.r[2] = 1)); // adds r2, #255
    assert.equal(cpu.r[2], 256);
  });

  it('MOVS imm8 keeps C and V; CMP imm8 compares', () => {
    let cpu = exec([0x2000], (c) => {
      setFlags(c, 'NCV');
    }); // movs r0, #0
    assert.equal(flags(cpu), 'nZCV q');
    cpu = exec([0x2a80], (c) => (c.r[2] = 0x7f)); // cmp r2, #128
    assert.equal(flags(cpu), 'Nzcv q');
    assert.equal(cpu.r[2], 0x7f);
  });
});

describe('A5.2.2 data processing', () => {
  it('ANDS/EORS/ORRS/BICS/MVNS set N, Z and keep C, V', () => {
    const cases: [number, number, number, number][] = [
      [0x4008, 0xf0f0f0f0, 0xff00ff00, 0xf000f000], // ands r0, r1
      [0x4048, 0xf0f0f0f0, 0xff00ff00, 0x0ff00ff0], // eors r0, r1
      [0x4308, 0xf0f0f0f0, 0x0f0f0f0f, 0xffffffff], // orrs r0, r1
      [0x4388, 0xf0f0f0f0, 0xf0000000, 0x00f0f0f0], // bics r0, r1
      [0x43c8, 0, 0x0000ffff, 0xffff0000], // mvns r0, r1
    ];
    for (const [hw, r0, r1, result] of cases) {
      const cpu = exec([hw], (c) => {
        c.r[0] = r0;
        c.r[1] = r1;
        setFlags(c, 'CV');
      });
      assert.equal(u32(cpu.r[0]), result, hw.toString(16));
      assert.equal(flags(cpu), `${result >>> 31 ? 'N' : 'n'}${result === 0 ? 'Z' : 'z'}CV q`);
    }
  });

  it('LSLS/LSRS/ASRS/RORS by register use R[m]<7:0> with Shift_C carries', () => {
    const table: [number, number, number, number, string][] = [
      // hw, r0 (value), r1 (amount), result, flags (C preset 1)
      [0x4088, 0x12345678, 0x100, 0x12345678, 'nzC'], // lsls by 256 -> amount 0: C kept
      [0x4088, 0x00000001, 32, 0, 'nZC'], // lsls #32: C = bit 0
      [0x4088, 0x00000001, 33, 0, 'nZc'],
      [0x40c8, 0x80000000, 32, 0, 'nZC'], // lsrs #32: C = bit 31
      [0x40c8, 0x80000000, 31, 1, 'nzc'],
      [0x4108, 0x80000000, 40, 0xffffffff, 'NzC'], // asrs #40
      [0x41c8, 0x80000001, 32, 0x80000001, 'NzC'], // rors #32: C = bit 31
      [0x41c8, 0x00000002, 1, 0x00000001, 'nzc'], // rors #1
    ];
    for (const [hw, value, amount, result, f] of table) {
      const cpu = exec([hw], (c) => {
        c.r[0] = value;
        c.r[1] = amount;
        c.c = 1;
      });
      assert.equal(u32(cpu.r[0]), result, `${hw.toString(16)} ${amount}`);
      assert.equal(flags(cpu), `${f}v q`, `${hw.toString(16)} ${amount}`);
    }
  });

  it('ADCS/SBCS chain a 64-bit add and subtract', () => {
    // adds r0, r0, r2 ; adcs r1, r3 : (0x00000001_ffffffff + 0x00000000_00000001)
    let cpu = exec(
      [0x1880, 0x4159],
      (c) => {
        c.r.set([-1, 1, 1, 0]);
      },
      2,
    );
    assert.deepEqual([u32(cpu.r[0]), u32(cpu.r[1])], [0, 2]);
    assert.equal(flags(cpu), 'nzcv q');
    // subs r0, r0, r2 ; sbcs r1, r3 : 0x00000001_00000000 - 0x00000000_00000001
    cpu = exec(
      [0x1a80, 0x4199],
      (c) => {
        c.r.set([0, 1, 1, 0]);
      },
      2,
    );
    assert.deepEqual([u32(cpu.r[0]), u32(cpu.r[1])], [0xffffffff, 0]);
    assert.equal(flags(cpu), 'nZCv q');
    // sbcs with borrow in and signed overflow: 0x80000000 - 0 - 1
    cpu = exec([0x4199], (c) => {
      c.r[1] = 0x80000000 | 0;
      c.r[3] = 0;
      c.c = 0;
    });
    assert.equal(u32(cpu.r[1]), 0x7fffffff);
    assert.equal(flags(cpu), 'nzCV q');
  });

  it('RSBS, CMP, CMN, TST, MULS', () => {
    let cpu = exec([0x4248], (c) => (c.r[1] = 0)); // rsbs r0, r1, #0
    assert.equal(cpu.r[0], 0);
    assert.equal(flags(cpu), 'nZCv q');
    cpu = exec([0x4248], (c) => (c.r[1] = 0x80000000 | 0)); // rsbs of INT_MIN overflows
    assert.equal(u32(cpu.r[0]), 0x80000000);
    assert.equal(flags(cpu), 'NzcV q');
    cpu = exec([0x4288], (c) => {
      c.r.set([1, 2]);
    }); // cmp r0, r1
    assert.equal(flags(cpu), 'Nzcv q');
    cpu = exec([0x42c8], (c) => {
      c.r.set([1, -1]);
    }); // cmn r0, r1
    assert.equal(flags(cpu), 'nZCv q');
    cpu = exec([0x4208], (c) => {
      // tst r0, r1
      c.r.set([0xf0, 0x0f]);
      setFlags(c, 'CV');
    });
    assert.equal(flags(cpu), 'nZCV q');
    cpu = exec([0x4348], (c) => {
      // muls r0, r1, r0
      c.r.set([-3, 0x10000001]);
      setFlags(c, 'CV');
    });
    assert.equal(u32(cpu.r[0]), 0xcffffffd);
    assert.equal(flags(cpu), 'NzCV q');
  });
});

describe('A5.2.3 special data and branch and exchange', () => {
  it('ADD PC, Rm branches (ALUWritePC ignores bit 0)', () => {
    const cpu = exec([0x4497], (c) => (c.r[2] = 0x21)); // add pc, r2 at 0x100: 0x104 + 0x21
    assert.equal(cpu.pc, 0x124);
  });

  it('MOV PC, Rm branches; MOV Rd, SP and ADD SP, Rm', () => {
    let cpu = exec([0x469f], (c) => (c.r[3] = 0x201)); // mov pc, r3
    assert.equal(cpu.pc, 0x200);
    cpu = exec([0x46e9]); // mov r9, sp
    assert.equal(u32(cpu.r[9]), 0x20020000);
    cpu = exec([0x448d], (c) => (c.r[1] = -7)); // add sp, r1: bits [1:0] of SP forced to 0
    assert.equal(u32(cpu.r[13]), (0x20020000 - 8) >>> 0);
    cpu = exec([0x4469], (c) => (c.r[1] = 4)); // add r1, sp
    assert.equal(u32(cpu.r[1]), 0x20020004);
  });

  it('CMP high registers sets flags; low/low and PC forms are UNDEFINED', () => {
    const cpu = exec([0x4588], (c) => {
      // cmp r8, r1
      c.r[8] = 3;
      c.r[1] = 3;
    });
    assert.equal(flags(cpu), 'nZCv q');
    assert.ok(raisesUndefined([0x4508])); // cmp r0, r1 in the T2 encoding
    assert.ok(raisesUndefined([0x45f8])); // cmp r8, pc
    assert.ok(raisesUndefined([0x44ff])); // add pc, pc
    assert.ok(raisesUndefined([0x47f8])); // blx pc
    assert.ok(raisesUndefined([0x4771])); // bx lr with a should-be-zero bit set
  });

  it('ADD Rdn, PC and MOV Rd, PC read PC as the address + 4', () => {
    let cpu = exec([0x4478], (c) => (c.r[0] = 1)); // add r0, pc
    assert.equal(cpu.r[0], 0x105);
    cpu = exec([0x4678]); // mov r0, pc
    assert.equal(cpu.r[0], 0x104);
  });

  it('REV with op = 10 and the CPS should-be-zero bits are UNDEFINED', () => {
    assert.ok(raisesUndefined([0xba91]));
    assert.ok(raisesUndefined([0xb676]));
  });

  it('BX LR and BLX Rm (LR = next instruction | 1, read before written)', () => {
    let cpu = exec([0x4770], (c) => (c.r[14] = 0x301)); // bx lr
    assert.equal(cpu.pc, 0x300);
    cpu = exec([0x4790], (c) => (c.r[2] = 0x401)); // blx r2
    assert.equal(cpu.pc, 0x400);
    assert.equal(u32(cpu.r[14]), 0x103);
    cpu = exec([0x47f0], (c) => (c.r[14] = 0x501)); // blx lr
    assert.equal(cpu.pc, 0x500);
    assert.equal(u32(cpu.r[14]), 0x103);
    assert.equal(cpu.cycles, 3);
  });
});

describe('ADR, SP arithmetic, extends, reverses', () => {
  it('ADR uses Align(PC, 4)', () => {
    const { cpu } = cpuWithCode([0xbf00, 0xa201]); // nop ; adr r2, #4 at 0x102
    cpu.step();
    cpu.step();
    assert.equal(cpu.r[2], 0x104 + 4);
  });

  it('ADD Rd, SP, #imm; ADD/SUB SP, #imm', () => {
    let cpu = exec([0xabff]); // add r3, sp, #1020
    assert.equal(u32(cpu.r[3]), 0x20020000 + 1020);
    cpu = exec([0xb0ff]); // sub sp, #508
    assert.equal(u32(cpu.r[13]), 0x20020000 - 508);
    cpu = exec([0xb002]); // add sp, #8
    assert.equal(u32(cpu.r[13]), 0x20020008);
  });

  it('SXTH/SXTB/UXTH/UXTB and REV/REV16/REVSH', () => {
    const table: [number, number][] = [
      [0xb211, 0xffff8180], // sxth
      [0xb251, 0xffffff80], // sxtb
      [0xb291, 0x00008180], // uxth
      [0xb2d1, 0x00000080], // uxtb
      [0xba11, 0x80817f12], // rev
      [0xba51, 0x7f128081], // rev16
      [0xbad1, 0xffff8081], // revsh
    ];
    for (const [hw, expected] of table) {
      const cpu = exec([hw], (c) => (c.r[2] = 0x127f8180));
      assert.equal(u32(cpu.r[1]), expected, hw.toString(16));
    }
  });
});

describe('branches', () => {
  it('CBZ/CBNZ branch forward by i:imm5:0 only on (non-)zero', () => {
    let cpu = exec([0xb3fb], (c) => (c.r[3] = 0)); // cbz r3, +0x7e (max)
    assert.equal(cpu.pc, 0x100 + 4 + 0x7e);
    assert.equal(cpu.cycles, 3);
    cpu = exec([0xb3fb], (c) => (c.r[3] = 1));
    assert.equal(cpu.pc, 0x102);
    assert.equal(cpu.cycles, 1);
    cpu = exec([0xb907], (c) => (c.r[7] = 5)); // cbnz r7, +0
    assert.equal(cpu.pc, 0x104);
    cpu = exec([0xb907], (c) => (c.r[7] = 0));
    assert.equal(cpu.pc, 0x102);
  });

  it('B<c> T1: taken, not taken, max forward and backward', () => {
    let cpu = exec([0xd07f], (c) => (c.z = 1)); // beq +254
    assert.equal(cpu.pc, 0x104 + 254);
    cpu = exec([0xd07f], (c) => (c.z = 0));
    assert.equal(cpu.pc, 0x102);
    cpu = exec([0xd180], (c) => (c.z = 0)); // bne -256
    assert.equal(cpu.pc, 0x104 - 256);
    cpu = exec([0xdafe], (c) => {
      setFlags(c, 'NV');
    }); // bge . (-4 + 4: branch to self)
    assert.equal(cpu.pc, 0x100);
  });

  it('B T2: max forward and backward', () => {
    let cpu = exec([0xe3ff]); // b +2046
    assert.equal(cpu.pc, 0x104 + 2046);
    const { cpu: far } = cpuWithCode([0xe400], 0x1000); // b -2048
    far.step();
    assert.equal(far.pc, 0x1004 - 2048);
    assert.equal(far.cycles, 3);
    cpu = exec([0xe7fe]); // b .
    assert.equal(cpu.pc, 0x100);
  });

  it('SVC, BKPT, UDF reach the core', () => {
    const calls: string[] = [];
    const { cpu } = cpuWithCode([0xdf42, 0xbeab, 0xde07]);
    cpu.supervisorCall = (imm) => void calls.push(`svc ${imm}`);
    cpu.breakpoint = (imm) => void calls.push(`bkpt ${imm}`);
    cpu.undefinedInstruction = () => {
      calls.push('udf');
      return undefined as never;
    };
    cpu.step();
    cpu.step();
    cpu.step();
    assert.deepEqual(calls, ['svc 66', 'bkpt 171', 'udf']);
  });
});

describe('miscellaneous: CPS and hints', () => {
  it('CPSID i / CPSIE f pass their fields on', () => {
    const calls: string[] = [];
    const { cpu } = cpuWithCode([0xb672, 0xb661, 0xbf30, 0xbf20, 0xbf40, 0xbf10, 0xbf00, 0xbff0]);
    cpu.changeProcessorState = (disable, i, f) => void calls.push(`cps ${disable} ${i} ${f}`);
    cpu.waitForInterrupt = () => void calls.push('wfi');
    cpu.waitForEvent = () => void calls.push('wfe');
    cpu.sendEvent = () => void calls.push('sev');
    for (let i = 0; i < 8; i++) cpu.step();
    assert.deepEqual(calls, ['cps true true false', 'cps false false true', 'wfi', 'wfe', 'sev']);
    assert.equal(cpu.pc, 0x110);
  });
});
