/**
 * Lockstep against QEMU (qemu-system-arm -M netduinoplus2): the cpu-suite firmware at every
 * optimisation level to cpu_suite_finished, hardfault into its HardFault handler's loop and a stretch
 * of bench-mips run on QEMU and on our core one instruction at a time, and R0–R15, xPSR, S0–S31,
 * FPSCR and the privilege level must be identical before every instruction (about 210 000
 * instructions: integer, DSP, FPU with every rounding mode and NaNs, SVC, PendSV, NVIC interrupts,
 * tail-chaining, preemption, UsageFaults and their escalation, lazy FP stacking, an instruction
 * fetch fault). How boundaries are matched: test/support/lockstep.ts; how QEMU's states are read:
 * test/support/qemu-cpu-log.ts (its per-instruction CPU log). QEMU runs no timer these programs use
 * (none enables SysTick or an STM32 timer), so nothing asynchronous can interleave differently.
 *
 * Where QEMU differs from the ARMv7-M Architecture Reference Manual, our core keeps the manual's
 * behaviour: each such case is a named test at the end ("QEMU differs: …", with the section), as is
 * each place where the manual leaves a value UNKNOWN and the two choose differently ("UNKNOWN: …").
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { describe, it, type TestContext } from 'node:test';
import type { BareMachine } from '../../src/sim/cpu/bare-machine.js';
import { EXCEPTION } from '../../src/sim/cpu/exceptions.js';
import { CFSR } from '../../src/arch/armv7m/scb.js';
import { bareMachineWithElf } from '../support/bare-machine.js';
import { readElf } from '../support/elf.js';
import {
  formatDivergence,
  hex,
  runLockstep,
  type Divergence,
  type LockstepExclusion,
  type LockstepResult,
} from '../support/lockstep.js';
import { findProgram, requireFile, requirePeer } from '../support/peers.js';
import { firmwareElf } from '../support/paths.js';
import {
  QemuCpuLogParser,
  STATE_FPSCR,
  STATE_PRIVILEGED,
  STATE_S0,
  STATE_XPSR,
} from '../support/qemu-cpu-log.js';

const LEVELS = ['O0', 'O2', 'Os', 'O3'] as const;
const MIN_TOTAL = 100_000;
const HARDFAULT_BOUNDARIES = 2_000;
const BENCH_BOUNDARIES = 60_000;
const GDB_STEPS = 4_000;

const SCB_ICSR = 0xe000_ed04;
const SCB_CCR = 0xe000_ed14;
const SCB_SHCSR = 0xe000_ed24;
const SCB_CFSR = 0xe000_ed28;
const SCB_HFSR = 0xe000_ed2c;
const DHCSR = 0xe000_edf0;
const ICSR_RETTOBASE = 1 << 11;
const HFSR_FORCED = 1 << 30;
const DHCSR_S_LOCKUP = 1 << 19;

/**
 * ICSR.RETTOBASE is UNKNOWN in Thread mode (ARMv7-M B3.2.4): our core reads 0, QEMU 1. cpu-suite
 * reads ICSR in Thread mode with PendSV pending and masks the bit off, so only the loaded register
 * differs, in bit 11 alone, until it is overwritten.
 */
const RETTOBASE_IN_THREAD_MODE: LockstepExclusion = {
  name: 'ICSR.RETTOBASE in Thread mode',
  reason: 'UNKNOWN in Thread mode (ARMv7-M B3.2.4); ours 0, QEMU 1',
  matches: (d: Divergence) => {
    if (d.differing.length !== 1 || d.previousQemu === undefined) return false;
    const slot = d.differing[0]!;
    const threadMode = (d.previousQemu[STATE_XPSR]! & 0x1ff) === 0 && (d.qemu[STATE_XPSR]! & 0x1ff) === 0;
    return (
      slot <= 12 &&
      threadMode &&
      (d.ours[slot]! ^ d.qemu[slot]!) === ICSR_RETTOBASE &&
      (d.ours[slot]! & ICSR_RETTOBASE) === 0
    );
  },
};

const EXCLUSIONS: readonly LockstepExclusion[] = [RETTOBASE_IN_THREAD_MODE];

function qemuPeer(t: TestContext): string | undefined {
  return requirePeer(t, 'qemu-system-arm', { package: 'qemu-system-arm' });
}

function firmware(t: TestContext, name: string): string | undefined {
  return requireFile(
    t,
    firmwareElf(name),
    'build the test firmware with `make -C firmware` (needs gcc-arm-none-eabi)',
  );
}

function summary(result: LockstepResult): string {
  const excluded = [...result.excluded].map(([name, n]) => `${name} x${n}`).join(', ');
  return (
    `${result.compared} boundaries compared (${result.retired} instructions retired, ` +
    `${result.abandoned} abandoned by a fault, ${result.entries} exception entries, ` +
    `${result.fetchFaults} fetch faults, ${result.qemuExtraStates} QEMU states without an instruction) in ` +
    `${result.durationMs.toFixed(0)} ms; ended: ${result.end}` +
    (excluded === '' ? '' : `; excluded: ${excluded}`)
  );
}

/** Fails with the divergence report, or QEMU's diagnostics if the run ended otherwise than expected. */
function assertRan(elf: string, label: string, result: LockstepResult, expectedEnd: string): void {
  if (result.divergence !== undefined) {
    assert.fail(`${formatDivergence(elf, label, result.divergence)}\n${result.qemuDiagnostics}`);
  }
  assert.equal(
    result.end,
    expectedEnd,
    `${label}: ${summary(result)}; core stop: ${result.coreStop}\n${result.qemuDiagnostics}`,
  );
}

/** A lockstep run that counts towards the total: its firmware, how far it goes, how it must end. */
interface CountedRun {
  readonly firmware: string;
  readonly expectedEnd: string;
  start(qemu: string, elf: string): Promise<LockstepResult>;
}

const COUNTED_RUNS = new Map<string, CountedRun>([
  ...LEVELS.map((level): [string, CountedRun] => [
    `cpu-suite-${level}`,
    {
      firmware: `cpu-suite-${level}`,
      expectedEnd: 'stop-pc',
      start: (qemu, elf) =>
        runLockstep({
          qemu,
          elf,
          stopAtPc: readElf(elf).requireSymbol('cpu_suite_finished').address,
          maxBoundaries: 1_000_000,
          exclusions: EXCLUSIONS,
        }),
    },
  ]),
  [
    'hardfault',
    {
      firmware: 'hardfault',
      expectedEnd: 'limit',
      start: (qemu, elf) =>
        runLockstep({ qemu, elf, maxBoundaries: HARDFAULT_BOUNDARIES, exclusions: EXCLUSIONS }),
    },
  ],
  [
    'bench-mips',
    {
      firmware: 'bench-mips',
      expectedEnd: 'limit',
      start: (qemu, elf) =>
        runLockstep({ qemu, elf, maxBoundaries: BENCH_BOUNDARIES, exclusions: EXCLUSIONS }),
    },
  ],
]);

/**
 * Each counted run happens once per file, started by whichever test asks first: the test named after
 * it, or the total, which asks for all of them — so every test runs alone as well as in order.
 */
const countedResults = new Map<string, Promise<LockstepResult>>();

function countedRun(name: string, qemu: string, elf: string): Promise<LockstepResult> {
  let result = countedResults.get(name);
  if (result === undefined) {
    const run = COUNTED_RUNS.get(name);
    assert.ok(run !== undefined, name);
    result = run.start(qemu, elf);
    countedResults.set(name, result);
  }
  return result;
}

describe(
  'lockstep with QEMU: every core and FP register before every instruction',
  { timeout: 5 * 60_000 },
  () => {
    for (const level of LEVELS) {
      it(`cpu-suite-${level}: identical from reset to cpu_suite_finished`, async (t) => {
        const qemu = qemuPeer(t);
        const elf = qemu === undefined ? undefined : firmware(t, `cpu-suite-${level}`);
        if (qemu === undefined || elf === undefined) return;
        const result = await countedRun(`cpu-suite-${level}`, qemu, elf);
        t.diagnostic(summary(result));
        assertRan(elf, `cpu-suite-${level}`, result, 'stop-pc');
        assert.ok(result.entries >= 6, `only ${result.entries} exceptions were taken`);
      });
    }

    it(`hardfault: identical through the fetch fault into the handler's loop (${HARDFAULT_BOUNDARIES} instructions)`, async (t) => {
      const qemu = qemuPeer(t);
      const elf = qemu === undefined ? undefined : firmware(t, 'hardfault');
      if (qemu === undefined || elf === undefined) return;
      const result = await countedRun('hardfault', qemu, elf);
      t.diagnostic(summary(result));
      assertRan(elf, 'hardfault', result, 'limit');
      const cpu = result.machine.cpu;
      assert.equal(cpu.ipsr, EXCEPTION.HardFault, 'ends in the HardFault handler');
      assert.equal(result.fetchFaults, 1, 'the branch to 0xFFFFFFF0 faults on the fetch');
      assert.equal(cpu.pc >>> 0, readElf(elf).requireSymbol('hardfault_loop').address);
    });

    it(`bench-mips: identical for ${BENCH_BOUNDARIES} instructions`, async (t) => {
      const qemu = qemuPeer(t);
      const elf = qemu === undefined ? undefined : firmware(t, 'bench-mips');
      if (qemu === undefined || elf === undefined) return;
      const result = await countedRun('bench-mips', qemu, elf);
      t.diagnostic(summary(result));
      assertRan(elf, 'bench-mips', result, 'limit');
    });

    it(`cpu-suite-O2 from test_exc, QEMU stepped through its gdbstub instead of logged: identical for ${GDB_STEPS} steps`, async (t) => {
      // A cross-check of the method: QEMU stepped through its gdbstub (Qqemu.sstep=5, see
      // QemuGdbTarget) instead of read from its log, over the exception and fault groups. A step that
      // takes a pended exception only performs the entry there; the driver matches that state with
      // the one our core has before its entry-only step.
      const qemu = qemuPeer(t);
      const elf = qemu === undefined ? undefined : firmware(t, 'cpu-suite-O2');
      if (qemu === undefined || elf === undefined) return;
      const start = readElf(elf).requireSymbol('test_exc').address;
      const result = await runLockstep({
        qemu,
        elf,
        source: 'gdb',
        startAtPc: start,
        maxBoundaries: GDB_STEPS,
        exclusions: EXCLUSIONS,
      });
      t.diagnostic(summary(result));
      assertRan(elf, 'cpu-suite-O2 via gdb', result, 'limit');
      assert.ok(result.entries >= 6, `only ${result.entries} exceptions were taken`);
    });

    it('reports a planted difference at the next boundary, naming the register', async (t) => {
      const qemu = qemuPeer(t);
      const elf = qemu === undefined ? undefined : firmware(t, 'hardfault');
      if (qemu === undefined || elf === undefined) return;
      const result = await runLockstep({
        qemu,
        elf,
        maxBoundaries: 1_000,
        afterBoundary: (index, cpu) => {
          if (index === 100) cpu.fpRegs[31] = cpu.fpRegs[31]! ^ 1;
        },
      });
      assert.equal(result.end, 'diverged');
      const d = result.divergence!;
      assert.equal(d.index, 101);
      assert.deepEqual(d.differing, [STATE_S0 + 31]);
      const report = formatDivergence(elf, 'hardfault', d);
      assert.match(report, /at boundary 101 .*pc ours 0x[0-9a-f]{8} \/ QEMU 0x[0-9a-f]{8}/);
      assert.match(report, /s31 ours 0x00000001 QEMU 0x00000000/);
    });

    it(`compares at least ${MIN_TOTAL} instructions in all`, async (t) => {
      const qemu = qemuPeer(t);
      if (qemu === undefined) return;
      // The runs whose firmware exists and which ended as their own test requires (a missing
      // firmware, a divergence or a failed run fails that test, not this one).
      const compared = new Map<string, number>();
      for (const [name, run] of COUNTED_RUNS) {
        const elf = firmwareElf(run.firmware);
        if (!existsSync(elf)) continue;
        let result: LockstepResult;
        try {
          result = await countedRun(name, qemu, elf);
        } catch (error) {
          t.diagnostic(`${name} did not run: ${String(error)}`);
          continue;
        }
        if (result.divergence === undefined && result.end === run.expectedEnd)
          compared.set(name, result.compared);
      }
      if (compared.size === 0) {
        t.skip('no lockstep run completed (see above)');
        return;
      }
      const total = [...compared.values()].reduce((a, b) => a + b, 0);
      t.diagnostic(`${total} boundaries: ${[...compared].map(([name, n]) => `${name} ${n}`).join(', ')}`);
      assert.ok(total >= MIN_TOTAL, `only ${total} instructions were compared`);
    });
  },
);

describe('QEMU CPU log parser', () => {
  const entry = (pc: number, fpscr: number, mode: string): string =>
    [
      'R00=00000001 R01=00000002 R02=00000003 R03=00000004',
      'R04=00000000 R05=00000000 R06=00000000 R07=00000000',
      'R08=00000000 R09=00000000 R10=00000000 R11=00000000',
      `R12=00000000 R13=20020000 R14=ffffffff R15=${hex(pc)}`,
      `XPSR=41000000 -Z-- T ${mode}`,
      ...Array.from(
        { length: 16 },
        (_, i) =>
          `s${String(2 * i).padStart(2, '0')}=${hex(2 * i)} s${String(2 * i + 1).padStart(2, '0')}=${hex(0x3f800000)} d${String(i).padStart(2, '0')}=3f800000${hex(2 * i)}`,
      ),
      `FPSCR: ${hex(fpscr)}`,
      '',
    ].join('\n');

  it('parses entries split across chunks anywhere, and ignores other lines', () => {
    const text = `${entry(0x08000100, 0x03000000, 'priv-thread')}qemu-system-arm: a warning\n${entry(0x08000102, 0, 'unpriv-thread')}${entry(0x08000104, 0, 'handler')}`;
    for (const cut of [1, 7, 100, 513, text.length - 3]) {
      const parser = new QemuCpuLogParser();
      const states = [...parser.push(text.slice(0, cut)), ...parser.push(text.slice(cut))];
      assert.equal(states.length, 3, `cut at ${cut}`);
      assert.deepEqual(
        states.map((s) => [s[15], s[STATE_PRIVILEGED]]),
        [
          [0x08000100, 1],
          [0x08000102, 0],
          [0x08000104, 1],
        ],
      );
      const first = states[0]!;
      assert.deepEqual([first[0], first[3], first[13], first[14]], [1, 4, 0x20020000, 0xffffffff]);
      assert.equal(first[STATE_XPSR], 0x41000000);
      assert.equal(first[STATE_S0 + 6], 6);
      assert.equal(first[STATE_S0 + 31], 0x3f800000);
      assert.equal(first[STATE_FPSCR], 0x03000000);
    }
  });

  it('drops an entry that is cut short', () => {
    const whole = entry(0x08000100, 0, 'priv-thread');
    const parser = new QemuCpuLogParser();
    const states = parser.push(whole.slice(0, whole.indexOf('s10=')) + entry(0x08000200, 0, 'priv-thread'));
    assert.deepEqual(
      states.map((s) => s[15]),
      [0x08000200],
    );
  });
});

/** Runs a few Thumb instructions on a BareMachine from SRAM, in Thread mode, privileged. */
function runThumb(halfwords: readonly number[], setup?: (machine: BareMachine) => void): BareMachine {
  const { machine } = bareMachineWithElf(firmwareElf('hardfault'));
  const cpu = machine.cpu;
  const code = new Uint8Array(halfwords.length * 2 + 4);
  halfwords.forEach((h, i) => {
    code[2 * i] = h & 0xff;
    code[2 * i + 1] = h >>> 8;
  });
  // B . after the code, so running on is harmless.
  code[halfwords.length * 2] = 0xfe;
  code[halfwords.length * 2 + 1] = 0xe7;
  machine.load(0x2000_1000, code);
  cpu.pc = 0x2000_1000;
  cpu.nextPc = cpu.pc;
  setup?.(machine);
  return machine;
}

describe('where QEMU differs from the ARMv7-M ARM, our core follows the manual', () => {
  it('QEMU differs: no lock-up state, it aborts the emulation (ARMv7-M B1.5.15)', async (t) => {
    const elf = firmware(t, 'lockup');
    if (elf === undefined) return;
    const qemu = findProgram('qemu-system-arm');
    if (qemu !== undefined) {
      // Both agree up to the lock-up: the reset state and the HardFault entry, each with EPSR.T = 0.
      const result = await runLockstep({ qemu, elf, maxBoundaries: 100 });
      t.diagnostic(`${summary(result)}; QEMU: ${result.qemuDiagnostics.split('\n')[1] ?? 'no message'}`);
      assert.equal(
        result.divergence,
        undefined,
        result.divergence && formatDivergence(elf, 'lockup', result.divergence),
      );
      assert.equal(result.end, 'core-stopped');
      assert.equal(result.coreStop, 'lockup');
      assert.equal(result.compared, 2);
    }
    // QEMU 7.2 exits with "Lockup: can't escalate 3 to HardFault". The manual: a fault that would
    // escalate to HardFault while HardFault is active (priority -1) puts the core into lock-up, which
    // only an NMI, a halt or a reset ends; DHCSR.S_LOCKUP reads 1.
    const { machine } = bareMachineWithElf(elf);
    const cpu = machine.cpu;
    for (let i = 0; i < 10; i++) cpu.step();
    assert.equal(cpu.lockedUp, true, 'locked up');
    assert.notEqual(machine.read32(DHCSR) & DHCSR_S_LOCKUP, 0, 'DHCSR.S_LOCKUP');
    assert.equal(cpu.ipsr, EXCEPTION.HardFault, 'IPSR = 3: HardFault active');
    assert.notEqual(machine.read32(SCB_CFSR) & CFSR.INVSTATE, 0, 'CFSR.INVSTATE');
    assert.notEqual(machine.read32(SCB_HFSR) & HFSR_FORCED, 0, 'HFSR.FORCED');
    const retired = cpu.instructionsRetired;
    for (let i = 0; i < 100; i++) cpu.step();
    assert.equal(cpu.instructionsRetired, retired, 'nothing executes in lock-up');
    assert.equal(retired, 0, 'not one instruction ran');
  });

  it('QEMU differs: a UDIV divide-by-zero trap keeps the results of earlier instructions (ARMv7-M B1.5.6, B1.5.14)', () => {
    // QEMU 7.2 without one-instruction blocks does not write back registers set earlier in the same
    // translation block when UDIV traps (firmware/README.md: cpu-suite puts an ISB before its UDIV;
    // the lockstep runs one instruction per block and so cannot see it). The manual: a fault is
    // precise, every earlier instruction has completed (B1.5.6 ReturnAddress: the faulting
    // instruction), so the handler and the resumed program see R1 = 7.
    const machine = runThumb(
      [
        0x2107, // movs r1, #7
        0x2200, // movs r2, #0
        0xfbb1, // udiv r0, r1, r2 (first half)
        0xf0f2, // (second half)
      ],
      (m) => {
        m.write32(SCB_CCR, m.read32(SCB_CCR) | (1 << 4)); // DIV_0_TRP
        m.write32(SCB_SHCSR, m.read32(SCB_SHCSR) | (1 << 18)); // USGFAULTENA
      },
    );
    const cpu = machine.cpu;
    const sp = cpu.r[13]! >>> 0;
    for (let i = 0; i < 4; i++) cpu.step();
    assert.equal(cpu.ipsr, EXCEPTION.UsageFault, 'UsageFault taken');
    assert.notEqual(machine.read32(SCB_CFSR) & CFSR.DIVBYZERO, 0, 'CFSR.DIVBYZERO');
    const frame = (sp - 32) >>> 0;
    assert.equal(machine.read32(frame + 4), 7, 'stacked R1 = 7: MOVS r1 completed');
    assert.equal(machine.read32(frame + 8), 0, 'stacked R2 = 0');
    assert.equal(machine.read32(frame + 24) >>> 0, 0x2000_1004, 'stacked PC = the UDIV');
  });

  it('UNKNOWN: ICSR.RETTOBASE in Thread mode (ARMv7-M B3.2.4), ours 0, QEMU 1 (excluded in the lockstep)', () => {
    const machine = runThumb([0xbf00]);
    machine.write32(SCB_ICSR, 1 << 28); // PENDSVSET, so ICSR has something to show
    assert.equal(machine.cpu.ipsr, 0);
    assert.equal(machine.read32(SCB_ICSR) & ICSR_RETTOBASE, 0);
  });

  it("UNKNOWN: APSR at reset (ARMv7-M B1.5.5 TakeReset), ours 0, QEMU Z = 1 (ours adopts QEMU's in the lockstep)", (t) => {
    const elf = firmware(t, 'cpu-suite-O2');
    if (elf === undefined) return;
    const { machine } = bareMachineWithElf(elf);
    assert.equal(machine.cpu.xpsr >>> 0, 0x0100_0000);
  });
});
