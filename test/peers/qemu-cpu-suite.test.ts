/**
 * The cpu-suite firmware on QEMU (netduinoplus2, a Cortex-M4F), driven by gdb-multiarch: every
 * optimisation level must finish (cpu_done = 0xD0E0D0E0 at cpu_suite_finished) with the same
 * `cpu_results`, and those results must match test/fixtures/cpu-suite-results.json, the reference our
 * own virtual core is held to.
 *
 * UPDATE_FIXTURES=1 rewrites the fixture from this run (after all checks but the fixture comparison
 * passed at all four levels). Outside CI a missing fixture is created from firmware/bin (not from
 * $SWDKIT_FIRMWARE_DIR); under CI a missing fixture is a failure.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, relative } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { readElf } from '../support/elf.js';
import { parseWordDump, runGdbBatch } from '../support/gdb-batch.js';
import { isCi, requireFile, requirePeer } from '../support/peers.js';
import { firmwareElf, fixturePath, repoRoot } from '../support/paths.js';
import { QemuProcess } from '../support/qemu.js';
import { hex32 as hex } from '../../src/util/bytes.js';

const LEVELS = ['O0', 'O2', 'Os', 'O3'] as const;
type Level = (typeof LEVELS)[number];
const DONE_MAGIC = 0xd0e0d0e0;
const FIXTURE = fixturePath('cpu-suite-results.json');
const GDB_TIMEOUT_MS = 30_000;

interface SuiteRun {
  readonly level: Level;
  readonly results: readonly number[];
  readonly durationMs: number;
}

interface Fixture {
  readonly count: number;
  readonly results: readonly string[];
}

function peers(t: TestContext): { qemu: string; gdb: string } | undefined {
  const qemu = requirePeer(t, 'qemu-system-arm', { package: 'qemu-system-arm' });
  if (qemu === undefined) return undefined;
  const gdb = requirePeer(t, 'gdb-multiarch', { package: 'gdb-multiarch' });
  if (gdb === undefined) return undefined;
  return { qemu, gdb };
}

async function runSuite(qemuPath: string, gdb: string, level: Level, elfPath: string): Promise<SuiteRun> {
  const elf = readElf(elfPath);
  const results = elf.requireSymbol('cpu_results');
  const done = elf.requireSymbol('cpu_done');
  const finished = elf.requireSymbol('cpu_suite_finished');
  assert.ok(results.size > 0 && results.size % 4 === 0, `cpu_results has size ${results.size}, not N words`);
  assert.equal(done.size, 4, 'cpu_done must be one 32-bit word');
  const count = results.size / 4;

  const started = performance.now();
  const qemu = await QemuProcess.start({ elf: elfPath, program: qemuPath });
  try {
    const run = await runGdbBatch({
      gdb,
      elf: elfPath,
      timeoutMs: GDB_TIMEOUT_MS,
      commands: [
        `target remote 127.0.0.1:${qemu.port}`,
        `break *${hex(finished.address)}`,
        'continue',
        'printf "@@PC=%08x\\n", $pc',
        `x/1wx ${hex(done.address)}`,
        `x/${count}wx ${hex(results.address)}`,
      ],
    });
    const transcript = `gdb stdout:\n${run.stdout}\ngdb stderr:\n${run.stderr}\nQEMU:\n${qemu.log}`;
    assert.ok(
      !run.timedOut,
      `${level}: cpu_suite_finished not reached within ${GDB_TIMEOUT_MS} ms (firmware hung or faulted?)\n${transcript}`,
    );
    const pc = /@@PC=([0-9a-f]+)/.exec(run.stdout)?.[1];
    assert.equal(
      pc === undefined ? undefined : parseInt(pc, 16),
      finished.address,
      `${level}: gdb did not stop at cpu_suite_finished\n${transcript}`,
    );
    const words = parseWordDump(run.stdout);
    const doneValue = words.get(done.address);
    assert.equal(
      doneValue === undefined ? 'missing' : hex(doneValue),
      hex(DONE_MAGIC),
      `${level}: cpu_done at cpu_suite_finished\n${transcript}`,
    );
    const values: number[] = [];
    for (let i = 0; i < count; i++) {
      const value = words.get(results.address + 4 * i);
      assert.ok(value !== undefined, `${level}: gdb printed no value for cpu_results[${i}]\n${transcript}`);
      values.push(value);
    }
    return { level, results: values, durationMs: performance.now() - started };
  } finally {
    await qemu.stop();
  }
}

/** A readable list of the first slots where `actual` differs from `expected`. */
function differences(expected: readonly number[], actual: readonly number[], limit = 12): string {
  const lines: string[] = [];
  let total = 0;
  for (let i = 0; i < Math.max(expected.length, actual.length); i++) {
    if (expected[i] === actual[i]) continue;
    total++;
    if (lines.length < limit) {
      const show = (v: number | undefined): string => (v === undefined ? '(absent)' : hex(v));
      lines.push(`  [${i}] expected ${show(expected[i])}, got ${show(actual[i])}`);
    }
  }
  if (total > lines.length) lines.push(`  … ${total - lines.length} more`);
  return `${total} slot(s) differ:\n${lines.join('\n')}`;
}

function readFixture(): number[] {
  const fixture = JSON.parse(readFileSync(FIXTURE, 'utf8')) as Fixture;
  assert.equal(fixture.results.length, fixture.count, `${FIXTURE}: count does not match results`);
  return fixture.results.map((v) => {
    assert.match(v, /^0x[0-9a-f]{8}$/, `${FIXTURE}: bad result ${v}`);
    return parseInt(v, 16);
  });
}

function writeFixture(qemuPath: string, results: readonly number[]): void {
  const version = execFileSync(qemuPath, ['--version'], { encoding: 'utf8' }).split('\n')[0]?.trim();
  const fixture = {
    description:
      'cpu_results of the cpu-suite firmware run to cpu_suite_finished on QEMU; identical at -O0, -O2, -Os and -O3. Regenerate with UPDATE_FIXTURES=1 npm run test:peers.',
    source: `${version ?? 'qemu-system-arm'}, -M netduinoplus2, driven by gdb-multiarch`,
    firmware: LEVELS.map((level) => relative(repoRoot, firmwareElf(`cpu-suite-${level}`))),
    count: results.length,
    results: results.map(hex),
  };
  mkdirSync(dirname(FIXTURE), { recursive: true });
  writeFileSync(FIXTURE, `${JSON.stringify(fixture, null, 2)}\n`);
}

/**
 * One QEMU run per level for the whole file, started by whichever test needs it first: the per-level
 * tests and the agreement test each ask for the runs they check, so any of them runs alone (the
 * agreement test then runs all four levels itself), and run together no level runs twice.
 */
const suiteRuns = new Map<Level, Promise<SuiteRun>>();

function suiteRun(qemu: string, gdb: string, level: Level, elf: string): Promise<SuiteRun> {
  let run = suiteRuns.get(level);
  if (run === undefined) {
    run = runSuite(qemu, gdb, level, elf);
    suiteRuns.set(level, run);
  }
  return run;
}

const FIRMWARE_HINT = 'build the test firmware with `make -C firmware` (needs gcc-arm-none-eabi)';

describe('QEMU cpu-suite (netduinoplus2 via gdb-multiarch)', { timeout: 10 * 60_000 }, () => {
  for (const level of LEVELS) {
    it(`-${level}: reaches cpu_suite_finished with cpu_done = 0xD0E0D0E0`, async (t) => {
      const found = peers(t);
      if (found === undefined) return;
      const elf = requireFile(t, firmwareElf(`cpu-suite-${level}`), FIRMWARE_HINT);
      if (elf === undefined) return;
      const run = await suiteRun(found.qemu, found.gdb, level, elf);
      t.diagnostic(`-${level}: ${run.results.length} results in ${run.durationMs.toFixed(0)} ms`);
    });
  }

  it('all levels agree, are non-trivial, and match test/fixtures/cpu-suite-results.json', async (t) => {
    const found = peers(t);
    if (found === undefined) return;
    const qemuPath = found.qemu;
    // Every level whose firmware exists (a missing one fails its own test under CI).
    const levels = LEVELS.filter((level) => existsSync(firmwareElf(`cpu-suite-${level}`)));
    if (levels.length === 0) {
      requireFile(t, firmwareElf(`cpu-suite-${LEVELS[0]}`), FIRMWARE_HINT);
      return;
    }
    const runs = new Map<Level, SuiteRun>();
    for (const level of levels)
      runs.set(level, await suiteRun(found.qemu, found.gdb, level, firmwareElf(`cpu-suite-${level}`)));
    const [first, ...rest] = [...runs.values()];
    assert.ok(first !== undefined);
    for (const run of rest) {
      assert.ok(
        run.results.length === first.results.length &&
          run.results.every((value, i) => value === first.results[i]),
        `-${run.level} differs from -${first.level}: ${differences(first.results, run.results)}`,
      );
    }

    const results = first.results;
    const nonZero = results.filter((v) => v !== 0).length;
    const distinct = new Set(results).size;
    t.diagnostic(`${results.length} slots, ${nonZero} non-zero, ${distinct} distinct values`);
    assert.ok(results.length >= 16, `only ${results.length} result slots`);
    assert.ok(
      nonZero >= Math.max(16, results.length / 4),
      `only ${nonZero} of ${results.length} results are non-zero: the suite looks trivial`,
    );
    assert.ok(distinct >= 8, `only ${distinct} distinct result values: the suite looks trivial`);

    const allLevels = runs.size === LEVELS.length;
    const rel = relative(repoRoot, FIXTURE);
    if (process.env['UPDATE_FIXTURES'] === '1') {
      assert.ok(allLevels, `UPDATE_FIXTURES=1 needs all of ${LEVELS.join(', ')} to have run`);
      writeFixture(qemuPath, results);
      t.diagnostic(`wrote ${rel}`);
      return;
    }
    if (!existsSync(FIXTURE)) {
      assert.ok(
        !isCi(),
        `${rel} is missing; create it with UPDATE_FIXTURES=1 npm run test:peers and commit it`,
      );
      if (allLevels && process.env['SWDKIT_FIRMWARE_DIR'] === undefined) {
        writeFixture(qemuPath, results);
        t.diagnostic(`${rel} did not exist: wrote it from this run; review and commit it`);
      } else {
        t.diagnostic(`${rel} does not exist and not all levels of firmware/bin ran: not written`);
      }
      return;
    }
    const expected = readFixture();
    assert.ok(
      expected.length === results.length && expected.every((value, i) => value === results[i]),
      `QEMU's results differ from ${rel} (${differences(expected, results)}). If the firmware changed ` +
        'on purpose, regenerate the fixture with UPDATE_FIXTURES=1 npm run test:peers.',
    );
  });
});
