import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { bareMachineWithElf } from '../../../test/support/bare-machine.js';
import { firmwareElf, fixturePath } from '../../../test/support/paths.js';
import { BareMachine } from './bare-machine.js';
import { endsBlock } from './block.js';
import type { Cpu } from './cpu.js';

/**
 * Compiled blocks (block.ts) must be invisible: `run()` with blocks gives, at every slice boundary,
 * the state `run()` without blocks and plain `step()` give — registers, flags, FP state, mode,
 * cycles and instructions retired. Odd slice sizes end slices inside blocks.
 */
function snapshot(cpu: Cpu): Record<string, unknown> {
  return {
    r: Array.from(cpu.r.subarray(0, 15)),
    pc: cpu.pc,
    xpsr: cpu.xpsr,
    itState: cpu.itState,
    fp: Array.from(cpu.fpRegs),
    fpscr: cpu.fpscr,
    msp: cpu.readMsp(),
    psp: cpu.readPsp(),
    control: cpu.control,
    masks: [cpu.primask, cpu.faultmask, cpu.basepri],
    cfsr: cpu.scb.cfsr,
    hfsr: cpu.scb.hfsr,
    cycles: cpu.cycles,
    instructions: cpu.instructionsRetired,
    states: [cpu.halted, cpu.sleeping, cpu.lockedUp],
  };
}

/** Steps `cpu` as `run(budget)` would without blocks, for code that neither sleeps nor uses SysTick. */
function stepUntil(cpu: Cpu, end: number): void {
  while (cpu.cycles < end && !cpu.halted) cpu.step();
}

function sramChecksum(machine: BareMachine): number {
  let sum = 0;
  for (let i = 0; i < machine.sram.length; i += 4) {
    sum = (Math.imul(sum, 31) + (machine.sram[i]! | (machine.sram[i + 1]! << 8))) | 0;
    sum = (Math.imul(sum, 31) + (machine.sram[i + 2]! | (machine.sram[i + 3]! << 8))) | 0;
  }
  return sum;
}

/**
 * step() completes an exception return within the step that starts it, run() at the next boundary
 * (Cpu.step), so a slice boundary right after an exception return differs between the two and the
 * stepped core runs ahead from there. cpu-suite returns from SVC/PendSV handlers: it is compared
 * with run() without blocks at every boundary, and its results with QEMU's below.
 */
const PROGRAMS = [
  { program: 'cpu-suite-O0', stepComparable: false },
  { program: 'cpu-suite-O2', stepComparable: false },
  { program: 'cpu-suite-Os', stepComparable: false },
  { program: 'cpu-suite-O3', stepComparable: false },
  { program: 'bench-mips', stepComparable: true },
  { program: 'hardfault', stepComparable: true },
];
const SLICES = [1, 3, 17, 250, 1000, 10_007, 100_000];
const BUDGET = 400_000;

describe('compiled blocks match one-instruction execution', () => {
  for (const { program, stepComparable } of PROGRAMS) {
    const title = stepComparable
      ? 'run() with blocks = run() without = step()'
      : 'run() with blocks = run() without';
    it(`${program}: ${title}, at every slice boundary`, () => {
      for (const slice of SLICES) {
        const blocks = bareMachineWithElf(firmwareElf(program)).machine;
        const single = bareMachineWithElf(firmwareElf(program)).machine;
        const stepped = bareMachineWithElf(firmwareElf(program)).machine;
        single.cpu.compileBlocks = false;
        let boundaries = 0;
        while (blocks.cpu.cycles < BUDGET && !blocks.cpu.lockedUp) {
          const before = blocks.cpu.cycles;
          blocks.cpu.run(slice);
          single.cpu.run(slice);
          stepUntil(stepped.cpu, before + slice);
          const expected = snapshot(single.cpu);
          assert.deepEqual(snapshot(blocks.cpu), expected, `${program}, slice ${slice}: blocks vs without`);
          if (stepComparable) {
            assert.deepEqual(snapshot(stepped.cpu), expected, `${program}, slice ${slice}: step() vs run()`);
          }
          boundaries++;
        }
        assert.equal(sramChecksum(blocks), sramChecksum(stepped), `${program}, slice ${slice}: SRAM`);
        assert.ok(boundaries > 0);
        assert.ok(blocks.cpu.instructionsRetired > 1000, `${program} ran`);
      }
    });
  }

  const reference = JSON.parse(readFileSync(fixturePath('cpu-suite-results.json'), 'utf8')) as {
    results: string[];
  };
  for (const level of ['O0', 'O2', 'Os', 'O3']) {
    it(`cpu-suite-${level} under run() with blocks gives QEMU's results`, () => {
      const { machine, elf } = bareMachineWithElf(firmwareElf(`cpu-suite-${level}`));
      // run() cannot stop on an address; the suite sets cpu_done once every result is stored.
      const done = elf.requireSymbol('cpu_done').address;
      for (let i = 0; i < 10_000 && machine.read32(done) >>> 0 !== 0xd0e0d0e0; i++) machine.cpu.run(997);
      assert.equal(machine.read32(done) >>> 0, 0xd0e0d0e0, 'cpu_done was not set');
      const results = elf.requireSymbol('cpu_results');
      const actual = reference.results.map((_, i) =>
        (machine.read32(results.address + 4 * i) >>> 0).toString(16),
      );
      assert.deepEqual(
        actual,
        reference.results.map((word) => (Number.parseInt(word, 16) >>> 0).toString(16)),
      );
    });
  }
});

// A tiny machine whose reset vector points into SRAM, like a debugger-loaded flash algorithm.
const CODE = BareMachine.SRAM_BASE;

function sramMachine(code: readonly number[]): BareMachine {
  const machine = new BareMachine();
  machine.load(BareMachine.FLASH_BASE, new Uint8Array(new Uint32Array([0x2001_0000, CODE | 1]).buffer));
  machine.load(CODE, new Uint8Array(new Uint16Array(code).buffer));
  machine.cpu.reset('power-on');
  return machine;
}

const MOVS_R0 = (imm: number): number => 0x2000 | imm;
const ADDS_R1_1 = 0x3101;
const B_SELF = 0xe7fe;

describe('compiled blocks and code writes', () => {
  it('code in SRAM rewritten between runs (as a debugger does) runs the new code', () => {
    const machine = sramMachine([MOVS_R0(1), ADDS_R1_1, ADDS_R1_1, B_SELF]);
    machine.cpu.run(100);
    assert.equal(machine.cpu.r[0], 1);
    machine.load(CODE, new Uint8Array(new Uint16Array([MOVS_R0(7)]).buffer));
    machine.cpu.pc = CODE;
    machine.cpu.run(100);
    assert.equal(machine.cpu.r[0], 7, 'the stale block must not execute');
    assert.equal(machine.cpu.pc, CODE + 6);
  });

  it('rewriting one block leaves the others correct and replaces only the stale one', () => {
    // A at CODE: MOVS r0, #1; B .   B at CODE + 0x40: MOVS r1, #2; B .
    const program = new Array<number>(0x22).fill(0xbf00);
    program.splice(0, 2, MOVS_R0(1), B_SELF);
    program.splice(0x20, 2, 0x2102 /* MOVS r1, #2 */, B_SELF);
    const machine = sramMachine(program);
    const cpu = machine.cpu;
    const runAt = (address: number): void => {
      cpu.pc = address;
      cpu.run(20);
    };
    runAt(CODE);
    runAt(CODE + 0x40);
    assert.deepEqual([cpu.r[0], cpu.r[1]], [1, 2]);
    machine.load(CODE + 0x40, new Uint8Array(new Uint16Array([0x2109 /* MOVS r1, #9 */]).buffer));
    cpu.r[0] = 0;
    runAt(CODE);
    runAt(CODE + 0x40);
    assert.deepEqual([cpu.r[0], cpu.r[1]], [1, 9]);
  });

  it('a store that rewrites the next instruction of the running block takes effect at once', () => {
    // STRH r1, [r2]; MOVS r0, #1 (overwritten with MOVS r0, #2 by the STRH); B .
    const machine = sramMachine([0x8011, MOVS_R0(1), B_SELF]);
    machine.cpu.r[1] = MOVS_R0(2);
    machine.cpu.r[2] = CODE + 2;
    machine.cpu.run(100);
    assert.equal(machine.cpu.r[0], 2);

    const single = sramMachine([0x8011, MOVS_R0(1), B_SELF]);
    single.cpu.compileBlocks = false;
    single.cpu.r[1] = MOVS_R0(2);
    single.cpu.r[2] = CODE + 2;
    single.cpu.run(100);
    assert.deepEqual(snapshot(machine.cpu), snapshot(single.cpu));
  });

  it('a loop that rewrites its own body matches one-instruction execution at every slice size', () => {
    // loop: STRH r1, [r2]; ADDS r1, #1; MOVS r0, #0 (rewritten each pass to MOVS r0, #pass); B loop
    const program = [0x8011, ADDS_R1_1, MOVS_R0(0), 0xe7fb];
    for (const slice of [1, 2, 3, 5, 100]) {
      const machine = sramMachine(program);
      const single = sramMachine(program);
      single.cpu.compileBlocks = false;
      for (const cpu of [machine.cpu, single.cpu]) {
        cpu.r[1] = MOVS_R0(1);
        cpu.r[2] = CODE + 4;
      }
      // About 100 passes: the rewritten MOVS immediate stays below 256.
      for (let i = 0; machine.cpu.cycles < 500; i++) {
        machine.cpu.run(slice);
        single.cpu.run(slice);
        assert.deepEqual(snapshot(machine.cpu), snapshot(single.cpu), `slice ${slice}, run ${i}`);
      }
      // Each pass executes the MOVS its STRH just wrote: r0 counts the passes.
      assert.ok(machine.cpu.r[0]! > 3, `slice ${slice}: r0 = ${machine.cpu.r[0]}`);
    }
  });
});

describe('compiled blocks and interrupts', () => {
  // main: MOVS r1, #0; loop: ADDS r1, #1; ADDS r3, #1; CMP r1, #200; BNE loop; STR r5, [r4] (ICSR:
  // PENDSVSET, mid-block); MOVS r1, #0; B loop. Handler for SysTick and PendSV: ADDS r6, #1; BX LR
  // (r6: exception return restores r0–r3).
  const main = [0x2100, 0x3101, 0x3301, 0x29c8, 0xd1fb, 0x6025, 0x2100, 0xe7f8];
  const handler = [0x3601, 0x4770];

  function interruptMachine(compileBlocks: boolean): BareMachine {
    const machine = new BareMachine();
    const vectors = new Uint32Array(20);
    vectors[0] = 0x2001_0000;
    vectors[1] = CODE | 1;
    vectors[14] = (CODE + 0x20) | 1; // PendSV
    vectors[15] = (CODE + 0x20) | 1; // SysTick
    vectors[19] = (CODE + 0x20) | 1; // IRQ 3
    machine.load(BareMachine.FLASH_BASE, new Uint8Array(vectors.buffer));
    machine.load(CODE, new Uint8Array(new Uint16Array(main).buffer));
    machine.load(CODE + 0x20, new Uint8Array(new Uint16Array(handler).buffer));
    machine.cpu.reset('power-on');
    machine.cpu.compileBlocks = compileBlocks;
    machine.cpu.r[4] = 0xe000_ed04 | 0; // ICSR
    machine.cpu.r[5] = 1 << 28; // PENDSVSET
    machine.cpu.ppb.write32(0xe000_e014, 97); // SYST_RVR: a SysTick event every 98 cycles
    machine.cpu.ppb.write32(0xe000_e018, 0); // SYST_CVR
    machine.cpu.ppb.write32(0xe000_e010, 7); // SYST_CSR: ENABLE, TICKINT, CLKSOURCE = core clock
    machine.cpu.ppb.write32(0xe000_e100, 1 << 3); // NVIC_ISER0: IRQ 3
    return machine;
  }

  it('SysTick events, a store that pends PendSV and IRQs pended between runs are taken at the same boundary', () => {
    for (const slice of [1, 2, 7, 33, 98, 1000, 4096]) {
      const blocks = interruptMachine(true);
      const single = interruptMachine(false);
      for (let i = 0; blocks.cpu.cycles < 30_000; i++) {
        if (i % 5 === 4) {
          blocks.cpu.pendIrq(3);
          single.cpu.pendIrq(3);
        }
        blocks.cpu.run(slice);
        single.cpu.run(slice);
        assert.deepEqual(snapshot(blocks.cpu), snapshot(single.cpu), `slice ${slice}, run ${i}`);
      }
      assert.ok(blocks.cpu.r[6]! > 250, `slice ${slice}: the handlers ran (${blocks.cpu.r[6]} times)`);
    }
  });
});

describe('compiled blocks where generated code is forbidden', () => {
  it('fall back to one instruction at a time when new Function throws EvalError (CSP)', () => {
    const original = globalThis.Function;
    const machine = sramMachine([MOVS_R0(3), ADDS_R1_1, ADDS_R1_1, B_SELF]);
    try {
      globalThis.Function = function forbidden(): never {
        throw new EvalError('code generation from strings disallowed');
      } as unknown as FunctionConstructor;
      machine.cpu.run(50);
    } finally {
      globalThis.Function = original;
    }
    assert.equal(machine.cpu.compileBlocks, false);
    assert.deepEqual([machine.cpu.r[0], machine.cpu.r[1], machine.cpu.pc], [3, 2, CODE + 6]);
  });
});

describe('endsBlock', () => {
  it('ends at unconditional PC writes and IT, continues through conditional branches', () => {
    assert.equal(endsBlock(B_SELF, -1), true);
    assert.equal(endsBlock(0xd0fe /* BEQ */, -1), false);
    assert.equal(endsBlock(0xb108 /* CBZ */, -1), false);
    assert.equal(endsBlock(0x4770 /* BX LR */, -1), true);
    assert.equal(endsBlock(0x46f7 /* MOV PC, LR */, -1), true);
    assert.equal(endsBlock(0x4687 /* MOV PC, R0 */, -1), true);
    assert.equal(endsBlock(0x4448 /* ADD R8, R9 */, -1), false);
    assert.equal(endsBlock(0xbd10 /* POP {r4, pc} */, -1), true);
    assert.equal(endsBlock(0xbc10 /* POP {r4} */, -1), false);
    assert.equal(endsBlock(0xbf08 /* IT EQ */, -1), true);
    assert.equal(endsBlock(0xbf00 /* NOP */, -1), false);
    assert.equal(endsBlock(0xbf30 /* WFI */, -1), true);
    assert.equal(endsBlock(0xdf00 /* SVC */, -1), true);
    assert.equal(endsBlock(0xf000, 0xf800 /* BL */), true);
    assert.equal(endsBlock(0xf000, 0x8000 /* BEQ.W */), false);
    assert.equal(endsBlock(0xe8bd, 0x8010 /* POP.W {r4, pc} */), true);
    assert.equal(endsBlock(0xe8bd, 0x4010 /* POP.W {r4, lr} */), false);
    assert.equal(endsBlock(0xe8df, 0xf000 /* TBB [pc, r0] */), true);
    assert.equal(endsBlock(0xf8d0, 0xf000 /* LDR.W pc, [r0] */), true);
    assert.equal(endsBlock(0xf8d0, 0x1000 /* LDR.W r1, [r0] */), false);
  });
});

/** The generator robustness.test.ts uses: reproducible random words. */
function xorshift32(seed: number): () => number {
  let x = seed | 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return x >>> 0;
  };
}

/**
 * Random code (mostly valid, often faulting, sometimes locking up) with every exception vector
 * pointing into it: blocks are cut short by faults, exception entries and returns at every point.
 * A share of the halfwords are common 16-bit ALU, load/store and B<cond> encodings, so that
 * straight-line runs get long.
 */
function randomCodeMachine(seed: number): BareMachine {
  const random = xorshift32(seed);
  const machine = new BareMachine();
  const code = new Uint16Array(0x2000);
  for (let i = 0; i < code.length; i++) {
    const r = random();
    // Half the halfwords from 0x0000–0x7FFF (shifts, add/sub, mov/cmp imm, ALU, loads/stores) or
    // B<cond>; the rest anything at all.
    code[i] =
      (r & 3) === 0
        ? 0xd000 | ((r >>> 8) & 0xdff)
        : (r & 3) === 1
          ? 0xffff & (r >>> 16)
          : (r >>> 16) & 0x7fff;
  }
  const view = new DataView(code.buffer);
  view.setUint32(0, 0x2001_0000, true);
  for (let vector = 1; vector < 98; vector++) {
    view.setUint32(4 * vector, (0x0800_0200 + ((random() % 0x3e00) & ~1)) | 1, true);
  }
  machine.load(BareMachine.FLASH_BASE, new Uint8Array(code.buffer));
  machine.cpu.reset('power-on');
  // Registers pointing into SRAM make loads and stores succeed often.
  for (let i = 0; i < 8; i++) machine.cpu.r[i] = 0x2000_0000 + ((random() % 0x1_0000) & ~3);
  return machine;
}

describe('compiled blocks: inlined long multiplies', () => {
  it("UMULL and SMULL give the executors' results for edge and random operands", () => {
    // movs r6, #0 (the first instruction after reset runs on its own); then, compiled into one
    // block: umull r2, r3, r0, r1; smull r4, r5, r0, r1; b .
    const code = [0x2600, 0xfba0, 0x2301, 0xfb80, 0x4501, B_SELF];
    const random = xorshift32(99);
    const operands: [number, number][] = [
      [0, 0],
      [-1, -1],
      [-0x8000_0000, -0x8000_0000],
      [0x7fff_ffff, -1],
      [0x1234_5678, 0x9abc_def0 | 0],
      [0xffff, 0x1_0001],
    ];
    for (let i = 0; i < 200; i++) operands.push([random() | 0, random() | 0]);
    for (const [a, b] of operands) {
      const results = [true, false].map((compile) => {
        const machine = sramMachine(code);
        machine.cpu.compileBlocks = compile;
        machine.cpu.r[0] = a;
        machine.cpu.r[1] = b;
        machine.cpu.run(5);
        return [2, 3, 4, 5].map((i) => machine.cpu.r[i]);
      });
      assert.deepEqual(results[0], results[1], `operands ${a}, ${b}`);
      const unsigned = BigInt.asUintN(64, BigInt(a >>> 0) * BigInt(b >>> 0));
      assert.equal(results[0]![0]! >>> 0, Number(unsigned & 0xffff_ffffn));
      assert.equal(results[0]![1]! >>> 0, Number(unsigned >> 32n));
      const signed = BigInt.asUintN(64, BigInt(a) * BigInt(b));
      assert.equal(results[0]![2]! >>> 0, Number(signed & 0xffff_ffffn));
      assert.equal(results[0]![3]! >>> 0, Number(signed >> 32n));
    }
  });
});

describe('compiled blocks on random code', () => {
  for (const seed of [11, 12, 13, 14, 15, 16]) {
    it(`match one-instruction execution through faults and exceptions (seed ${seed})`, () => {
      const blocks = randomCodeMachine(seed);
      const single = randomCodeMachine(seed);
      single.cpu.compileBlocks = false;
      const restart = xorshift32(seed * 7);
      const slices = xorshift32(seed * 13);
      let restarts = 0;
      while (blocks.cpu.instructionsRetired < 40_000) {
        const slice = 1 + (slices() % 64);
        blocks.cpu.run(slice);
        single.cpu.run(slice);
        assert.deepEqual(
          snapshot(blocks.cpu),
          snapshot(single.cpu),
          `seed ${seed}, after ${blocks.cpu.cycles} cycles`,
        );
        if (blocks.cpu.lockedUp || blocks.cpu.halted) {
          const entry = new Uint8Array(
            new Uint32Array([(0x0800_0200 + ((restart() % 0x3e00) & ~1)) | 1]).buffer,
          );
          for (const machine of [blocks, single]) {
            machine.load(BareMachine.FLASH_BASE + 4, entry);
            machine.cpu.reset('power-on');
          }
          restarts++;
        }
      }
      assert.equal(sramChecksum(blocks), sramChecksum(single));
      assert.ok(restarts < 10_000);
    });
  }
});
