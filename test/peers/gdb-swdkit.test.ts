/**
 * Real gdb-multiarch against `swdkit gdbserver` on the virtual Discovery (issue 13, Proof): load of
 * the cpu-suite and its results equal to the QEMU reference (test/fixtures/cpu-suite-results.json,
 * which qemu-cpu-suite.test.ts holds to QEMU), every register with the FPU's, step/next/finish/bt, a
 * watchpoint on blinky's counter with its old and new values, x/16wx on flash and RAM, set var,
 * monitor reset halt, ^C (SIGINT to gdb), detach and attach again, a hard fault decoded.
 *
 * Every flow is written once (`gdbFlows`) and runs in two setups, one describe each:
 * - embedded: `swdkit gdbserver --probe sim[:firmware=…]`, the board inside the gdb server;
 * - shared: `swdkit sim` serving the board's ST-Link, `swdkit gdbserver --probe tcp://…` on it, and
 *   unmodified OpenOCD (hla_stlink_backend tcp) on the same probe reading flash, the unique ID and
 *   RAM several times while gdb works (while blinky runs, for ^C). OpenOCD is given no halt and no
 *   reset; it must exit 0 with no error lines and print every read, at least one of them made while
 *   gdb worked, and gdb must see exactly what it sees in the embedded setup. OpenOCD's `init` is not
 *   read-only (see OPENOCD_READS), so it is over before gdb starts, except under ^C, where gdb has
 *   no breakpoint or watchpoint in the target for it to clear.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { after, describe, it, type TestContext } from 'node:test';
import { readImageFile } from '../../src/flash/image/load.node.js';
import { hex32 } from '../../src/util/bytes.js';
import { readElf } from '../support/elf.js';
import { parseWordDump, runGdbBatch, type GdbBatchResult } from '../support/gdb-batch.js';
import {
  errorLines,
  requireOpenOcd,
  startOpenOcd,
  type OpenOcdProcess,
  type OpenOcdResult,
} from '../support/openocd.js';
import { firmwareElf, fixturePath } from '../support/paths.js';
import { requireGdbAndFirmware } from '../support/peers.js';
import { startSwdkit as startProcess, type SwdkitProcess } from '../support/swdkit-process.js';

const running: SwdkitProcess[] = [];
const openOcds: OpenOcdProcess[] = [];

/** A swdkit command that prints a JSON ready line with its port, stopped after the suite. */
async function startSwdkit(args: readonly string[]): Promise<SwdkitProcess> {
  const handle = await startProcess(args);
  running.push(handle);
  return handle;
}

after(async () => {
  for (const o of openOcds) await o.stop();
  for (const r of running) await r.stop();
});

/** Something at work on the same board beside gdb: OpenOCD in the shared setup. */
interface Companion {
  /** Resolves once it has finished. */
  readonly done: Promise<void>;
  /** How many of its reads it has printed so far. */
  reads(): number;
  /** The assertions on what it did, once done; `readsWhileGdb`: how many reads it made while gdb worked. */
  check(readsWhileGdb: number): void;
}

/** A gdb server on the virtual board, started for one test, and what works beside it. */
interface Rig {
  /** The port gdb connects to. */
  readonly port: number;
  /** What the swdkit processes printed, for assertion messages. */
  output(): string;
  /** Starts the companion; resolves once it is attached (OpenOCD: its `init` is over). */
  beside(): Promise<Companion>;
  /** Stops the swdkit processes; each must exit 0. */
  stop(): Promise<void>;
}

interface Setup {
  /** The describe's title. */
  readonly title: string;
  /** The rig with `firmware` in flash at power-on (none: an erased chip), or undefined after skipping. */
  start(t: TestContext, firmware?: string): Promise<Rig | undefined>;
}

const nobody: Companion = { done: Promise.resolve(), reads: () => 0, check: () => {} };

const embedded: Setup = {
  title: 'gdb-multiarch against swdkit gdbserver --probe sim',
  async start(_t, firmware) {
    const probe = firmware === undefined ? 'sim' : `sim:firmware=${firmware}`;
    const server = await startSwdkit(['gdbserver', '--probe', probe, '--port', '0']);
    return {
      port: server.port,
      output: () => `swdkit gdbserver:\n${server.output()}`,
      beside: () => Promise.resolve(nobody),
      stop: async () => {
        assert.equal(await server.stop(), 0, server.output());
      },
    };
  },
};

const INIT_DONE = 'gdb-swdkit test: OpenOCD init done';

/**
 * OpenOCD's reads, spread over about a second: flash, the unique ID in system memory, RAM. Nothing
 * else: no halt, no reset. Its `init` is not only reads, though: OpenOCD 0.12's Cortex-M examine
 * zeroes the FPB comparators (FP_COMP0–7) and the DWT functions (DWT_FUNCTION0–3), sets DEMCR to
 * TRCENA alone (vector catch off) and writes DBGMCU_CR / DBGMCU_APB1_FZ (stm32f4x.cfg's
 * examine-end). An `init` while gdb has a breakpoint or watchpoint in the target removes it, and
 * gdb's `continue` then never stops. That is OpenOCD's doing, whatever probe or server it reaches the
 * target through, so gdb starts after OpenOCD's `init`, and OpenOCD's reads overlap gdb's work.
 */
const OPENOCD_READS = [
  'init',
  `echo "${INIT_DONE}"`,
  'sleep 100',
  'mdw 0x08000000 4',
  'sleep 150',
  'mdw 0x1fff7a10 3',
  'sleep 150',
  'mdw 0x20000000 4',
  'sleep 150',
  'mdw 0x08000000 4',
  'sleep 150',
  'mdw 0x20000000 4',
  'shutdown',
];

/** A line of `mdw` output: the address, then `words` words. */
const readLine = (address: string, words: number): RegExp =>
  new RegExp(`^${address}: ${Array<string>(words).fill('[0-9a-f]{8}').join(' ')}[ \\r]*$`, 'gm');

const shared: Setup = {
  title: 'gdb-multiarch through swdkit sim while OpenOCD reads memory through the same probe',
  async start(t, firmware) {
    const openocd = requireOpenOcd(t);
    if (openocd === undefined) return undefined;
    const sim = await startSwdkit([
      'sim',
      '--port',
      '0',
      ...(firmware === undefined ? [] : ['--firmware', firmware]),
    ]);
    const server = await startSwdkit(['gdbserver', '--probe', `tcp://127.0.0.1:${sim.port}`, '--port', '0']);
    const output = () => `swdkit gdbserver:\n${server.output()}\nswdkit sim:\n${sim.output()}`;
    return {
      port: server.port,
      output,
      beside: async () => {
        const ocd = startOpenOcd(openocd, {
          serverPort: sim.port,
          commands: OPENOCD_READS,
          timeoutMs: 90_000,
        });
        openOcds.push(ocd);
        await ocd.waitFor(new RegExp(INIT_DONE), 60_000);
        let log: OpenOcdResult | undefined;
        return {
          done: ocd.done.then((result) => {
            log = result;
          }),
          reads: () => ocd.output().match(/^0x[0-9a-f]{8}: /gm)?.length ?? 0,
          check: (readsWhileGdb) => {
            assert.ok(log !== undefined);
            const ctx = `OpenOCD:\n${log.output}\n${output()}`;
            assert.equal(log.timedOut, false, ctx);
            assert.equal(log.code, 0, ctx);
            assert.deepEqual(errorLines(log.output), [], ctx);
            assert.equal(log.output.match(readLine('0x08000000', 4))?.length, 2, ctx);
            assert.equal(log.output.match(readLine('0x1fff7a10', 3))?.length, 1, ctx);
            assert.equal(log.output.match(readLine('0x20000000', 4))?.length, 2, ctx);
            assert.ok(readsWhileGdb >= 1, `no OpenOCD read while gdb worked (${readsWhileGdb})\n${ctx}`);
          },
        };
      },
      stop: async () => {
        assert.equal(await server.stop(), 0, server.output());
        assert.equal(await sim.stop(), 0, sim.output());
      },
    };
  },
};

/**
 * The companion attached first, then gdb's work with the companion's reads going on: gdb's result,
 * and the check on the companion (made after gdb's own, so that a gdb failure is reported first).
 */
async function besideGdb<T>(rig: Rig, gdbWork: () => Promise<T>): Promise<[T, () => void]> {
  const companion = await rig.beside();
  const before = companion.reads();
  const result = await gdbWork();
  const during = companion.reads() - before;
  await companion.done;
  return [
    result,
    () => {
      companion.check(during);
    },
  ];
}

const peers = (t: TestContext): string | undefined =>
  requireGdbAndFirmware(t, ['cpu-suite-O2', 'blinky', 'hardfault']);

function transcript(run: GdbBatchResult, rig?: Rig): string {
  return `gdb exited with ${String(run.code)}${run.timedOut ? ' (timed out)' : ''}\nstdout:\n${run.stdout}\nstderr:\n${run.stderr}${rig === undefined ? '' : `\n${rig.output()}`}`;
}

function expectClean(run: GdbBatchResult, rig?: Rig): void {
  assert.equal(run.timedOut, false, transcript(run, rig));
  assert.equal(run.code, 0, transcript(run, rig));
  assert.doesNotMatch(
    `${run.stdout}\n${run.stderr}`,
    /Cannot access memory|Remote failure|error while/i,
    transcript(run, rig),
  );
}

const reference = (): number[] =>
  (
    JSON.parse(readFileSync(fixturePath('cpu-suite-results.json'), 'utf8')) as { results: string[] }
  ).results.map((v) => parseInt(v, 16));

/** load cpu-suite-O2, run to cpu_suite_finished, dump the results. */
async function cpuSuiteRun(
  gdb: string,
  port: number,
  extra: readonly string[] = [],
): Promise<GdbBatchResult> {
  const elf = readElf(firmwareElf('cpu-suite-O2'));
  const results = elf.requireSymbol('cpu_results');
  return runGdbBatch({
    gdb,
    elf: firmwareElf('cpu-suite-O2'),
    timeoutMs: 90_000,
    commands: [
      `target extended-remote 127.0.0.1:${port}`,
      'load',
      'monitor reset halt',
      'break cpu_suite_finished',
      'continue',
      `x/1wx ${hex32(elf.requireSymbol('cpu_done').address)}`,
      `x/${results.size / 4}wx ${hex32(results.address)}`,
      ...extra,
      'detach',
    ],
  });
}

function checkCpuSuite(run: GdbBatchResult, rig?: Rig): void {
  const elf = readElf(firmwareElf('cpu-suite-O2'));
  assert.match(run.stdout, /Loading section \.text, size 0x[0-9a-f]+ lma 0x8000188/, transcript(run, rig));
  assert.match(run.stdout, /Breakpoint 1, cpu_suite_finished \(\)/, transcript(run, rig));
  const words = parseWordDump(run.stdout);
  assert.equal(words.get(elf.requireSymbol('cpu_done').address), 0xd0e0d0e0, transcript(run, rig));
  const base = elf.requireSymbol('cpu_results').address;
  const got = reference().map((_, i) => words.get(base + 4 * i));
  assert.deepEqual(got, reference(), `cpu_results differ from the QEMU reference\n${transcript(run, rig)}`);
}

/** The four gdb flows of the Proof, on the rigs `setup` starts. */
function gdbFlows(setup: Setup): void {
  describe(setup.title, { timeout: 10 * 60_000 }, () => {
    // blinky already runs when gdb loads over it; the next test loads into an erased chip.
    it('load cpu-suite-O2 over blinky, break at cpu_suite_finished: the results equal QEMU’s; `info registers` shows the core, the system registers, d0–d15 and fpscr; s0–s31 agree with d0–d15', async (t) => {
      const gdb = peers(t);
      if (gdb === undefined) return;
      const rig = await setup.start(t, firmwareElf('blinky'));
      if (rig === undefined) return;
      const ALL = '--- info all-registers ---';
      const [run, checkBeside] = await besideGdb(rig, () =>
        cpuSuiteRun(gdb, rig.port, ['info registers', `echo ${ALL}\\n`, 'info all-registers', 'bt']),
      );
      expectClean(run, rig);
      checkCpuSuite(run, rig);
      const [general = '', all = ''] = run.stdout.split(`${ALL}\n`);
      // `info registers` (gdb's general group): every register the description names, the FPU's too.
      for (const name of [
        'r0',
        'r12',
        'sp',
        'lr',
        'pc',
        'xpsr',
        'msp',
        'psp',
        'primask',
        'basepri',
        'faultmask',
        'control',
        'fpscr',
      ])
        assert.match(general, new RegExp(`^${name}\\s+0x[0-9a-f]+`, 'm'), `${name}\n${transcript(run, rig)}`);
      const raw = (text: string, name: string): bigint => {
        const m = new RegExp(`^${name}\\s+.*\\(raw (0x[0-9a-f]+)\\)`, 'm').exec(text);
        assert.ok(m?.[1] !== undefined, `${name} with its raw value\n${transcript(run, rig)}`);
        return BigInt(m[1]);
      };
      const d = Array.from({ length: 16 }, (_, i) => raw(general, `d${i}`));
      // s0–s31 are gdb's own pseudo registers (made from d0–d15), which gdb keeps out of the general
      // group whatever the description says (src/gdb/registers.ts): they are in `info all-registers`.
      const s = Array.from({ length: 32 }, (_, i) => raw(all, `s${i}`));
      for (let i = 0; i < 16; i++) {
        assert.equal(
          d[i],
          ((s[2 * i + 1] ?? 0n) << 32n) | (s[2 * i] ?? 0n),
          `d${i} is s${2 * i + 1}:s${2 * i}\n${transcript(run, rig)}`,
        );
      }
      assert.ok(
        s.some((value) => value !== 0n),
        `the cpu-suite leaves FPU values to compare\n${transcript(run, rig)}`,
      );
      assert.match(
        run.stdout,
        /#0 {2}cpu_suite_finished \(\) at src\/cpu-suite\/main\.c:\d+\n#1 {2}0x[0-9a-f]+ in main \(\)/,
        transcript(run, rig),
      );
      checkBeside();
      await rig.stop();
    });

    it('cpu-suite-O0: break in a function, bt, next, finish, step into the next one', async (t) => {
      const gdb = requireGdbAndFirmware(t, ['cpu-suite-O0']);
      if (gdb === undefined) return;
      const rig = await setup.start(t);
      if (rig === undefined) return;
      const [run, checkBeside] = await besideGdb(rig, () =>
        runGdbBatch({
          gdb,
          elf: firmwareElf('cpu-suite-O0'),
          timeoutMs: 90_000,
          commands: [
            `target extended-remote 127.0.0.1:${rig.port}`,
            'load',
            'monitor reset halt',
            'break test_arith',
            'continue',
            'bt',
            'next',
            'finish',
            'step',
            'step',
            'bt',
            'detach',
          ],
        }),
      );
      expectClean(run, rig);
      const out = run.stdout;
      const ctx = transcript(run, rig);
      assert.match(out, /Breakpoint 1, test_arith \(\) at src\/cpu-suite\/\w+\.c:\d+/, ctx);
      assert.match(
        out,
        /#0 {2}test_arith \(\) at src\/cpu-suite\/\w+\.c:\d+\n#1 {2}0x[0-9a-f]+ in main \(\) at src\/cpu-suite\/main\.c:\d+/,
        ctx,
      );
      // next stays in test_arith; finish comes back to main (batch mode does not print "Run till exit").
      assert.match(out, /^\d+\tin src\/cpu-suite\/alu\.c\nmain \(\) at src\/cpu-suite\/main\.c:\d+$/m, ctx);
      // step went into test_shift, and on into the group_begin it calls first.
      assert.match(out, /^test_shift \(\) at src\/cpu-suite\/alu\.c:\d+$/m, ctx);
      assert.match(
        out,
        /#1 {2}0x[0-9a-f]+ in test_shift \(\) at src\/cpu-suite\/alu\.c:\d+\n#2 {2}0x[0-9a-f]+ in main \(\)/,
        ctx,
      );
      checkBeside();
      await rig.stop();
    });

    it('blinky: a watchpoint with old and new values; x/16wx on flash and RAM; set var; monitor reset halt', async (t) => {
      const gdb = peers(t);
      if (gdb === undefined) return;
      const rig = await setup.start(t, firmwareElf('blinky'));
      if (rig === undefined) return;
      const [run, checkBeside] = await besideGdb(rig, () =>
        runGdbBatch({
          gdb,
          elf: firmwareElf('blinky'),
          timeoutMs: 90_000,
          commands: [
            `target extended-remote 127.0.0.1:${rig.port}`,
            'monitor reset halt',
            'break main',
            'continue',
            'watch blinky_ticks',
            'continue',
            'continue',
            'delete',
            'x/16wx 0x08000000',
            'x/16wx &blinky_ticks',
            'set var blinky_led = 0x55',
            'print/x blinky_led',
            'monitor reset halt',
            // gdb keeps its register cache across a monitor command (as with OpenOCD): flush it.
            'maint flush register-cache',
            'print/x $pc',
            'detach',
          ],
        }),
      );
      expectClean(run, rig);
      const out = run.stdout;
      const ctx = transcript(run, rig);
      assert.match(out, /Breakpoint 1, main \(\) at src\/blinky\.c:\d+/, ctx);
      const changes = [
        ...out.matchAll(/Hardware watchpoint 2: blinky_ticks\s+Old value = (\d+)\s+New value = (\d+)/g),
      ];
      assert.equal(changes.length, 2, ctx);
      for (const [, before, now] of changes) assert.equal(Number(now), Number(before) + 1, ctx);
      assert.equal(Number(changes[1]?.[1]), Number(changes[0]?.[2]), ctx);
      const dump = parseWordDump(out);
      const vectors = readImageFile(firmwareElf('blinky')).segments[0]?.data ?? new Uint8Array();
      for (let i = 0; i < 16; i++)
        assert.equal(dump.get(0x0800_0000 + 4 * i), Buffer.from(vectors).readUInt32LE(4 * i), `${i}\n${ctx}`);
      const ticks = readElf(firmwareElf('blinky')).requireSymbol('blinky_ticks').address;
      assert.equal(dump.get(ticks), Number(changes[1]?.[2]), ctx);
      assert.equal([...dump.keys()].filter((a) => a >= ticks && a < ticks + 64).length, 16, ctx);
      assert.match(out, /^\$\d+ = 0x55$/m, ctx);
      assert.match(`${out}${run.stderr}`, /reset: halted at the reset vector/, ctx);
      const reset = readElf(firmwareElf('blinky')).requireSymbol('Reset_Handler').address & ~1;
      const pcs = [...out.matchAll(/^\$\d+ = (0x[0-9a-f]+)$/gm)].map((m) => parseInt(m[1] ?? '', 16));
      assert.equal(pcs[pcs.length - 1], reset, ctx);
      checkBeside();
      await rig.stop();
    });

    it('^C (SIGINT to gdb) interrupts a running target; detach, then attach again; a hard fault is decoded', async (t) => {
      const gdb = peers(t);
      if (gdb === undefined) return;
      const rig = await setup.start(t, firmwareElf('blinky'));
      if (rig === undefined) return;
      const CONTINUING = '--- continue ---';
      const child = spawn(
        gdb,
        [
          '-q',
          '-nx',
          '-batch',
          '-ex',
          'set pagination off',
          '-ex',
          `target extended-remote 127.0.0.1:${rig.port}`,
          // gdb says "Continuing." only to a terminal: this marks the `continue` for the wait below.
          '-ex',
          `echo ${CONTINUING}\\n`,
          '-ex',
          'continue',
          '-ex',
          'print blinky_ticks',
          '-ex',
          'detach',
          '-ex',
          `target extended-remote 127.0.0.1:${rig.port}`,
          '-ex',
          'print blinky_ticks',
          '-ex',
          'detach',
          firmwareElf('blinky'),
        ],
        { stdio: ['ignore', 'pipe', 'pipe'] },
      );
      let out = '';
      child.stdout.on('data', (c: Buffer) => (out += c.toString()));
      child.stderr.on('data', (c: Buffer) => (out += c.toString()));
      const closed = new Promise<number | null>((resolve) => child.on('close', resolve));
      for (let i = 0; i < 600 && !out.includes(CONTINUING) && child.exitCode === null; i++)
        await new Promise((r) => setTimeout(r, 50));
      if (!out.includes(CONTINUING)) child.kill('SIGKILL');
      assert.ok(out.includes(CONTINUING), `gdb did not get to its continue\n${out}\n${rig.output()}`);
      // While blinky runs under gdb's `continue`, the companion attaches (OpenOCD's `init` does not
      // matter here: gdb has no breakpoint or watchpoint in the target) and makes all its reads.
      const companion = await rig.beside();
      await new Promise((r) => setTimeout(r, 500));
      await companion.done;
      const readsWhileRunning = companion.reads();
      child.kill('SIGINT');
      const killer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      const code = await closed;
      clearTimeout(killer);
      const runCtx = `${out}\n${rig.output()}`;
      assert.equal(code, 0, runCtx);
      assert.match(out, /Program received signal SIGINT, Interrupt\./, runCtx);
      const values = [...out.matchAll(/^\$\d+ = (\d+)$/gm)].map((m) => Number(m[1]));
      assert.equal(values.length, 2, runCtx);
      assert.ok(
        (values[0] ?? 0) > 0 && (values[1] ?? 0) > (values[0] ?? 0),
        `blinky ran on after detach: ${values.join(', ')}\n${runCtx}`,
      );
      assert.equal((out.match(/\[Inferior 1 \(Remote target\) detached\]/g) ?? []).length, 2, runCtx);
      companion.check(readsWhileRunning);

      const [fault, checkFault] = await besideGdb(rig, () =>
        runGdbBatch({
          gdb,
          elf: firmwareElf('hardfault'),
          timeoutMs: 60_000,
          commands: [
            `target extended-remote 127.0.0.1:${rig.port}`,
            'load',
            'monitor reset halt',
            'continue',
            'bt',
            'kill',
          ],
        }),
      );
      const ctx = transcript(fault, rig);
      assert.equal(fault.code, 0, ctx);
      assert.match(fault.stdout, /Program received signal SIGSEGV, Segmentation fault\./, ctx);
      // gdb prints the server's console messages on stderr in batch mode.
      assert.match(fault.stderr, /The core took a HardFault: HardFault FORCED: .*MemManage IACCVIOL/, ctx);
      assert.match(fault.stderr, /CFSR 0x00000001 {2}HFSR 0x40000000/, ctx);
      assert.match(fault.stdout, /in main \(\) at src\/hardfault\.c/, ctx);
      checkFault();
      await rig.stop();
    });
  });
}

gdbFlows(embedded);
gdbFlows(shared);
