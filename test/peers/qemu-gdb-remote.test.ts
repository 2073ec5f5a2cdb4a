/**
 * The lockstep infrastructure, QEMU side: our GDB Remote Serial Protocol client against QEMU's
 * gdbstub on cpu-suite-O2. Single-steps the whole suite (about 35 000 instructions) reading every
 * register after each step, checks the PCs are plausible and that the stepped run produces the same
 * results as the free-running one, and prints step rates (printed only: no timing assertions).
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { describe, it, type TestContext } from 'node:test';
import { PT_LOAD, readElf, type ElfFile } from '../support/elf.js';
import type { StopReply } from '../support/gdb-remote-client.js';
import { isCi, requireFile, requirePeer } from '../support/peers.js';
import { firmwareElf, fixturePath } from '../support/paths.js';
import { QemuGdbTarget, type RegisterSnapshot } from '../support/qemu-gdb-target.js';
import { hex32 as hex } from '../../src/util/bytes.js';

/** Upper bound on steps; cpu-suite-O2 finishes in about 35 500. */
const MAX_STEPS = 80_000;
const PF_X = 1;
const XPSR_T = 1 << 24;
const DONE_MAGIC = 0xd0e0d0e0;

function executable(elf: ElfFile): (address: number) => boolean {
  const ranges = elf.segments
    .filter((s) => s.type === PT_LOAD && (s.flags & PF_X) !== 0 && s.memSize > 0)
    .map((s) => [s.vaddr, s.vaddr + s.memSize] as const);
  return (address) => ranges.some(([start, end]) => address >= start && address < end);
}

/** The reference results, or undefined (with a diagnostic; a failure under CI) when there are none. */
function fixtureResults(t: TestContext): string[] | undefined {
  const fixture = fixturePath('cpu-suite-results.json');
  if (existsSync(fixture) && process.env['SWDKIT_FIRMWARE_DIR'] === undefined) {
    return (JSON.parse(readFileSync(fixture, 'utf8')) as { results: string[] }).results;
  }
  assert.ok(!isCi(), 'test/fixtures/cpu-suite-results.json is missing');
  t.diagnostic('no fixture to compare cpu_results with');
  return undefined;
}

async function readResults(target: QemuGdbTarget, elf: ElfFile): Promise<string[]> {
  const results = elf.requireSymbol('cpu_results');
  const bytes = await target.client.readMemory(results.address, results.size);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return Array.from({ length: results.size / 4 }, (_, i) => hex(view.getUint32(4 * i, true)));
}

/**
 * A QEMU of the test's own, halted at reset on cpu-suite-O2, closed when the test ends; undefined
 * after skipping the test when QEMU or the firmware is missing.
 */
async function qemuAtReset(t: TestContext): Promise<{ target: QemuGdbTarget; elf: ElfFile } | undefined> {
  const qemu = requirePeer(t, 'qemu-system-arm', { package: 'qemu-system-arm' });
  if (qemu === undefined) return undefined;
  const path = requireFile(t, firmwareElf('cpu-suite-O2'), 'build the test firmware with `make -C firmware`');
  if (path === undefined) return undefined;
  const target = await QemuGdbTarget.start({ elf: path, program: qemu });
  t.after(() => target.close());
  return { target, elf: readElf(path) };
}

describe('QEMU gdbstub through the RSP client (cpu-suite-O2)', { timeout: 10 * 60_000 }, () => {
  it('connects, reads the target description and the reset state', async (t) => {
    const qemu = await qemuAtReset(t);
    if (qemu === undefined) return;
    const { target, elf: image } = qemu;
    const { client } = target;

    t.diagnostic(`qSupported: PacketSize=${client.feature('PacketSize')}, no-ack mode: ${client.noAckMode}`);
    t.diagnostic(`registers: ${target.exposedRegisters.join(' ')}`);
    for (const name of ['r0', 'sp', 'lr', 'pc', 'xpsr']) {
      assert.ok(target.register(name) !== undefined, `the target description lacks ${name}`);
    }

    const halt = await client.haltReason();
    assert.equal(halt.kind, 'signal');
    assert.equal(halt.code, 5, `halted at reset with SIGTRAP, got ${halt.raw}`);

    // Reset state: SP and PC from the vector table the ELF put at the start of flash.
    const vectorBase = image.segments.find((s) => s.type === PT_LOAD && s.fileSize > 0)?.paddr ?? 0x0800_0000;
    const initialSp = await client.readU32(vectorBase);
    const resetVector = await client.readU32(vectorBase + 4);
    const regs = await target.readRegisters();
    assert.equal(hex(regs.r[13]!), hex(initialSp), 'SP at reset = vector[0]');
    assert.equal(hex(regs.r[15]!), hex(resetVector & ~1), 'PC at reset = vector[1] without the Thumb bit');
    assert.ok((regs.xpsr & XPSR_T) !== 0, `xPSR.T set at reset (xpsr ${hex(regs.xpsr)})`);
    if (target.register('d0') !== undefined || target.register('s0') !== undefined) {
      assert.equal(regs.s?.length, 32, 'S0–S31 in the snapshot');
      assert.ok(regs.fpscr !== undefined, 'FPSCR in the snapshot');
    }
  });

  it('single-steps the whole suite reading all registers after each step, with free-run results', async (t) => {
    const qemu = await qemuAtReset(t);
    if (qemu === undefined) return;
    const { target, elf } = qemu;
    const inCode = executable(elf);
    const finished = elf.requireSymbol('cpu_suite_finished').address;
    let previous = await target.readRegisters();
    let steps = 0;
    let sequential = 0;
    let changed = 0;
    let fpChanges = 0;
    const started = performance.now();
    while (previous.r[15] !== finished) {
      assert.ok(steps < MAX_STEPS, `cpu_suite_finished not reached in ${MAX_STEPS} steps`);
      const stop: StopReply = await target.step();
      assert.equal(stop.code, 5, `step ${steps}: stop reply ${stop.raw}`);
      steps++;
      const regs: RegisterSnapshot = await target.readRegisters();
      const pc = regs.r[15]!;
      const from = previous.r[15]!;
      assert.ok(
        pc % 2 === 0 && inCode(pc),
        `step ${steps}: PC ${hex(pc)} (from ${hex(from)}) outside the code`,
      );
      // (No xPSR.T check here: the suite's fault group clears T on purpose, to raise INVSTATE.)
      if (pc !== from) changed++;
      if (pc - from === 2 || pc - from === 4) sequential++;
      if (regs.fpscr !== previous.fpscr || regs.s?.some((v, k) => v !== previous.s?.[k]) === true)
        fpChanges++;
      previous = regs;
    }
    const seconds = (performance.now() - started) / 1000;
    const rate = (steps / seconds).toFixed(0);
    t.diagnostic(
      `step + all registers: ${steps} steps in ${seconds.toFixed(1)} s = ${rate} steps/s; ` +
        `${sequential} sequential, ${changed} PC changes, ${fpChanges} FP register changes`,
    );
    // Straight-line code dominates any real program; a branch-only or stuck PC trace means the
    // stepping or the register decoding is wrong.
    assert.ok(sequential > steps / 2, `only ${sequential} of ${steps} steps advanced PC by 2 or 4`);
    assert.ok(changed > steps * 0.9, `PC changed on only ${changed} of ${steps} steps`);
    assert.ok(fpChanges > 0, 'no step changed an FP register: FP registers are not being read');

    assert.equal(hex(await target.client.readU32(elf.requireSymbol('cpu_done').address)), hex(DONE_MAGIC));
    const expected = fixtureResults(t);
    if (expected !== undefined) {
      assert.deepEqual(await readResults(target, elf), expected, 'stepped results = free-running fixture');
    }
  });

  it('measures step rates, then runs to cpu_suite_finished (Z0, c) and reads results (m)', async (t) => {
    const qemu = await qemuAtReset(t);
    if (qemu === undefined) return;
    const { target, elf } = qemu;
    const { client } = target;
    const rate = async (count: number, body: () => Promise<unknown>): Promise<string> => {
      const begin = performance.now();
      for (let i = 0; i < count; i++) await body();
      return `${(count / ((performance.now() - begin) / 1000)).toFixed(0)}/s`;
    };
    const coreOnly = await rate(2_000, async () => {
      await target.step();
      await target.readRegisters({ fp: false });
    });
    const stepOnly = await rate(2_000, () => target.step());
    const readAll = await rate(2_000, () => target.readRegisters());
    t.diagnostic(
      `step + core registers (g): ${coreOnly}; step alone: ${stepOnly}; readRegisters alone: ${readAll}`,
    );

    const finished = elf.requireSymbol('cpu_suite_finished');
    const stop = await target.runTo(finished.address, 60_000);
    assert.equal(stop.code, 5, `stop reply ${stop.raw}`);
    const regs = await target.readRegisters();
    assert.equal(hex(regs.r[15]!), hex(finished.address), 'stopped at cpu_suite_finished');
    assert.equal(
      hex(await client.readU32(elf.requireSymbol('cpu_done').address)),
      hex(DONE_MAGIC),
      'cpu_done',
    );
    const results = await readResults(target, elf);
    const expected = fixtureResults(t);
    if (expected !== undefined) assert.deepEqual(results, expected, 'results read with m = fixture');

    // M then m, and P then g, restoring what was there.
    const address = elf.requireSymbol('cpu_results').address;
    const saved = await client.readMemory(address, 8);
    const pattern = Uint8Array.of(0xde, 0xad, 0xbe, 0xef, 0x01, 0x23, 0x45, 0x67);
    await client.writeMemory(address, pattern);
    assert.deepEqual(await client.readMemory(address, 8), pattern, 'M then m');
    await client.writeMemory(address, saved);
    await target.writeRegister('r0', 0x1234_5678);
    assert.equal(hex((await target.readRegisters()).r[0]!), '0x12345678', 'P then g');
  });
});
