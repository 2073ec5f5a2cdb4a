/**
 * Real gdb-multiarch against `swdkit gdbserver` on the virtual Discovery (issue 13, Proof): load of
 * the cpu-suite and its results equal to the QEMU reference (test/fixtures/cpu-suite-results.json,
 * which qemu-cpu-suite.test.ts holds to QEMU), every register with the FPU's, step/next/finish/bt, a
 * watchpoint on blinky's counter with its old and new values, x/16wx on flash and RAM, set var,
 * monitor reset halt, ^C (SIGINT to gdb), detach and attach again, a hard fault decoded; then the
 * same server over `swdkit sim` (gdbserver --probe tcp://…) while unmodified OpenOCD reads memory
 * through the same probe.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { after, describe, it, type TestContext } from 'node:test';
import { readImageFile } from '../../src/flash/image/load.node.js';
import { hex32 } from '../../src/util/bytes.js';
import { readElf } from '../support/elf.js';
import { parseWordDump, runGdbBatch, type GdbBatchResult } from '../support/gdb-batch.js';
import { errorLines, requireOpenOcd, runOpenOcd } from '../support/openocd.js';
import { firmwareElf, fixturePath } from '../support/paths.js';
import { requireFile, requirePeer } from '../support/peers.js';
import { startSwdkit as startProcess, type SwdkitProcess } from '../support/swdkit-process.js';

const running: SwdkitProcess[] = [];

/** A swdkit command that prints a JSON ready line with its port, stopped after the suite. */
async function startSwdkit(args: readonly string[]): Promise<SwdkitProcess> {
  const handle = await startProcess(args);
  running.push(handle);
  return handle;
}

function peers(t: TestContext): string | undefined {
  const gdb = requirePeer(t, 'gdb-multiarch', { package: 'gdb-multiarch' });
  if (gdb === undefined) return undefined;
  for (const name of ['cpu-suite-O2', 'blinky', 'hardfault']) {
    if (requireFile(t, firmwareElf(name), 'build the test firmware with `make -C firmware`') === undefined)
      return undefined;
  }
  return gdb;
}

function transcript(run: GdbBatchResult, server?: SwdkitProcess): string {
  return `gdb exited with ${String(run.code)}${run.timedOut ? ' (timed out)' : ''}\nstdout:\n${run.stdout}\nstderr:\n${run.stderr}${server === undefined ? '' : `\nswdkit:\n${server.output()}`}`;
}

function expectClean(run: GdbBatchResult, server?: SwdkitProcess): void {
  assert.equal(run.timedOut, false, transcript(run, server));
  assert.equal(run.code, 0, transcript(run, server));
  assert.doesNotMatch(
    `${run.stdout}\n${run.stderr}`,
    /Cannot access memory|Remote failure|error while/i,
    transcript(run, server),
  );
}

const reference = (): number[] =>
  (
    JSON.parse(readFileSync(fixturePath('cpu-suite-results.json'), 'utf8')) as { results: string[] }
  ).results.map((v) => parseInt(v, 16));

/** load cpu-suite-O2, run to cpu_suite_finished, dump the results: what both setups check. */
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

function checkCpuSuite(run: GdbBatchResult, server?: SwdkitProcess): void {
  const elf = readElf(firmwareElf('cpu-suite-O2'));
  assert.match(run.stdout, /Loading section \.text, size 0x[0-9a-f]+ lma 0x8000188/, transcript(run, server));
  assert.match(run.stdout, /Breakpoint 1, cpu_suite_finished \(\)/, transcript(run, server));
  const words = parseWordDump(run.stdout);
  assert.equal(words.get(elf.requireSymbol('cpu_done').address), 0xd0e0d0e0, transcript(run, server));
  const base = elf.requireSymbol('cpu_results').address;
  const got = reference().map((_, i) => words.get(base + 4 * i));
  assert.deepEqual(
    got,
    reference(),
    `cpu_results differ from the QEMU reference\n${transcript(run, server)}`,
  );
}

after(async () => {
  for (const r of running) await r.stop();
});

describe('gdb-multiarch against swdkit gdbserver --probe sim', { timeout: 10 * 60_000 }, () => {
  it('load cpu-suite-O2, break at cpu_suite_finished: the results equal QEMU’s; `info registers` shows the core, the system registers, d0–d15 and fpscr; s0–s31 agree with d0–d15', async (t) => {
    const gdb = peers(t);
    if (gdb === undefined) return;
    const server = await startSwdkit(['gdbserver', '--probe', 'sim', '--port', '0']);
    const ALL = '--- info all-registers ---';
    const run = await cpuSuiteRun(gdb, server.port, [
      'info registers',
      `echo ${ALL}\\n`,
      'info all-registers',
      'bt',
    ]);
    expectClean(run, server);
    checkCpuSuite(run, server);
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
      assert.match(
        general,
        new RegExp(`^${name}\\s+0x[0-9a-f]+`, 'm'),
        `${name}\n${transcript(run, server)}`,
      );
    const raw = (text: string, name: string): bigint => {
      const m = new RegExp(`^${name}\\s+.*\\(raw (0x[0-9a-f]+)\\)`, 'm').exec(text);
      assert.ok(m?.[1] !== undefined, `${name} with its raw value\n${transcript(run, server)}`);
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
        `d${i} is s${2 * i + 1}:s${2 * i}\n${transcript(run, server)}`,
      );
    }
    assert.ok(
      s.some((value) => value !== 0n),
      `the cpu-suite leaves FPU values to compare\n${transcript(run, server)}`,
    );
    assert.match(
      run.stdout,
      /#0 {2}cpu_suite_finished \(\) at src\/cpu-suite\/main\.c:\d+\n#1 {2}0x[0-9a-f]+ in main \(\)/,
      transcript(run, server),
    );
    assert.equal(await server.stop(), 0, server.output());
  });

  it('cpu-suite-O0: break in a function, bt, next, finish, step into the next one', async (t) => {
    const gdb = peers(t);
    if (gdb === undefined) return;
    if (
      requireFile(t, firmwareElf('cpu-suite-O0'), 'build the test firmware with `make -C firmware`') ===
      undefined
    )
      return;
    const server = await startSwdkit(['gdbserver', '--probe', 'sim', '--port', '0']);
    const run = await runGdbBatch({
      gdb,
      elf: firmwareElf('cpu-suite-O0'),
      timeoutMs: 90_000,
      commands: [
        `target extended-remote 127.0.0.1:${server.port}`,
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
    });
    expectClean(run, server);
    const out = run.stdout;
    const ctx = transcript(run, server);
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
    assert.equal(await server.stop(), 0, server.output());
  });

  it('blinky: a watchpoint with old and new values; x/16wx on flash and RAM; set var; monitor reset halt', async (t) => {
    const gdb = peers(t);
    if (gdb === undefined) return;
    const server = await startSwdkit([
      'gdbserver',
      '--probe',
      `sim:firmware=${firmwareElf('blinky')}`,
      '--port',
      '0',
    ]);
    const run = await runGdbBatch({
      gdb,
      elf: firmwareElf('blinky'),
      timeoutMs: 90_000,
      commands: [
        `target extended-remote 127.0.0.1:${server.port}`,
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
    });
    expectClean(run, server);
    const out = run.stdout;
    const ctx = transcript(run, server);
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
    assert.equal(await server.stop(), 0, server.output());
  });

  it('^C (SIGINT to gdb) interrupts a running target; detach, then attach again; a hard fault is decoded', async (t) => {
    const gdb = peers(t);
    if (gdb === undefined) return;
    const server = await startSwdkit([
      'gdbserver',
      '--probe',
      `sim:firmware=${firmwareElf('blinky')}`,
      '--port',
      '0',
    ]);
    const child = spawn(
      gdb,
      [
        '-q',
        '-nx',
        '-batch',
        '-ex',
        'set pagination off',
        '-ex',
        `target extended-remote 127.0.0.1:${server.port}`,
        '-ex',
        'continue',
        '-ex',
        'print blinky_ticks',
        '-ex',
        'detach',
        '-ex',
        `target extended-remote 127.0.0.1:${server.port}`,
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
    for (let i = 0; i < 200 && !out.includes('Continuing.'); i++) await new Promise((r) => setTimeout(r, 50));
    await new Promise((r) => setTimeout(r, 500));
    child.kill('SIGINT');
    const killer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    assert.equal(await closed, 0, out);
    clearTimeout(killer);
    assert.match(out, /Program received signal SIGINT, Interrupt\./, out);
    const values = [...out.matchAll(/^\$\d+ = (\d+)$/gm)].map((m) => Number(m[1]));
    assert.equal(values.length, 2, out);
    assert.ok(
      (values[0] ?? 0) > 0 && (values[1] ?? 0) > (values[0] ?? 0),
      `blinky ran on after detach: ${values.join(', ')}\n${out}`,
    );
    assert.equal((out.match(/\[Inferior 1 \(Remote target\) detached\]/g) ?? []).length, 2, out);

    const fault = await runGdbBatch({
      gdb,
      elf: firmwareElf('hardfault'),
      timeoutMs: 60_000,
      commands: [
        `target extended-remote 127.0.0.1:${server.port}`,
        'load',
        'monitor reset halt',
        'continue',
        'bt',
        'kill',
      ],
    });
    const ctx = transcript(fault, server);
    assert.equal(fault.code, 0, ctx);
    assert.match(fault.stdout, /Program received signal SIGSEGV, Segmentation fault\./, ctx);
    // gdb prints the server's console messages on stderr in batch mode.
    assert.match(fault.stderr, /The core took a HardFault: HardFault FORCED: .*MemManage IACCVIOL/, ctx);
    assert.match(fault.stderr, /CFSR 0x00000001 {2}HFSR 0x40000000/, ctx);
    assert.match(fault.stdout, /in main \(\) at src\/hardfault\.c/, ctx);
    assert.equal(await server.stop(), 0, server.output());
  });
});

describe(
  'gdb-multiarch through swdkit sim while OpenOCD reads memory through the same probe',
  { timeout: 10 * 60_000 },
  () => {
    it('gdbserver --probe tcp://…: load and the cpu-suite results; OpenOCD mdw at the same time', async (t) => {
      const gdb = peers(t);
      if (gdb === undefined) return;
      const openocd = requireOpenOcd(t);
      if (openocd === undefined) return;
      const sim = await startSwdkit(['sim', '--port', '0', '--firmware', firmwareElf('blinky')]);
      const server = await startSwdkit([
        'gdbserver',
        '--probe',
        `tcp://127.0.0.1:${sim.port}`,
        '--port',
        '0',
      ]);
      const gdbRun = cpuSuiteRun(gdb, server.port);
      const reads = runOpenOcd(openocd, {
        serverPort: sim.port,
        commands: ['init', 'mdw 0x08000000 4', 'mdw 0x1fff7a10 3', 'shutdown'],
        timeoutMs: 90_000,
      });
      const [run, log] = await Promise.all([gdbRun, reads]);
      expectClean(run, server);
      checkCpuSuite(run, server);
      assert.equal(log.code, 0, log.output);
      assert.deepEqual(errorLines(log.output), [], log.output);
      assert.match(log.output, /0x08000000: [0-9a-f]{8} [0-9a-f]{8} [0-9a-f]{8} [0-9a-f]{8}/, log.output);
      assert.match(log.output, /0x1fff7a10: [0-9a-f]{8} [0-9a-f]{8} [0-9a-f]{8}/, log.output);
      assert.equal(await server.stop(), 0, server.output());
      assert.equal(await sim.stop(), 0, sim.output());
    });
  },
);
