/**
 * Two real gdb-multiarch at once on one `swdkit gdbserver` (issue 13, Proof: "with two gdb clients
 * where the server allows it"), the way a second gdb joins an IDE's session: it sees the same halted
 * core, reads flash and RAM, sets and deletes a breakpoint at the address where the first gdb has
 * one (both with `breakpoint always-inserted`, so both are on the target at once; otherwise gdb
 * takes its breakpoints out at every stop), and detaches — and the first gdb's core is still halted
 * where it was, its breakpoint still there. Then a second gdb halting a core the first one is running: the first is told who stopped it.
 *
 * The two gdb take turns through marker files: the first waits in a `shell` loop while the second
 * runs, so the order is fixed without timing guesses.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it, type TestContext } from 'node:test';
import { readElf } from '../support/elf.js';
import { gdbWaitsFor, runGdbBatch, untilFile, type GdbBatchResult } from '../support/gdb-batch.js';
import { firmwareElf } from '../support/paths.js';
import { requireGdbAndFirmware } from '../support/peers.js';
import { startSwdkit, type SwdkitProcess } from '../support/swdkit-process.js';

const running: SwdkitProcess[] = [];
const scratch = mkdtempSync(join(tmpdir(), 'swdkit-two-gdb-'));

after(async () => {
  for (const r of running) await r.stop();
  rmSync(scratch, { recursive: true, force: true });
});

const peers = (t: TestContext): string | undefined => requireGdbAndFirmware(t, ['blinky']);

async function server(): Promise<SwdkitProcess> {
  const s = await startSwdkit([
    '-v',
    'gdbserver',
    '--probe',
    `sim:firmware=${firmwareElf('blinky')}`,
    '--port',
    '0',
  ]);
  running.push(s);
  return s;
}

function transcript(name: string, run: GdbBatchResult): string {
  return `${name}: exited ${String(run.code)}${run.timedOut ? ' (timed out)' : ''}\nstdout:\n${run.stdout}\nstderr:\n${run.stderr}`;
}

/** The values of `print` commands in order (`$1 = 5`, `$2 = 0x8000190`). */
const printed = (text: string): string[] => [...text.matchAll(/^\$\d+ = (.+)$/gm)].map((m) => m[1] ?? '');

describe('two gdb-multiarch at once on one swdkit gdbserver', { timeout: 5 * 60_000 }, () => {
  it('a second gdb sees the halted core, sets and deletes a breakpoint where the first has one, detaches: the first gdb’s core stays halted, its breakpoint still hits', async (t) => {
    const gdb = peers(t);
    if (gdb === undefined) return;
    const s = await server();
    const ready = join(scratch, 'a-ready');
    const go = join(scratch, 'a-go');
    const target = `target extended-remote 127.0.0.1:${s.port}`;
    const a = runGdbBatch({
      gdb,
      elf: firmwareElf('blinky'),
      timeoutMs: 60_000,
      commands: [
        // Breakpoints stay on the target while halted (else gdb takes them out at every stop, and
        // no two gdb would ever hold one at the same time).
        'set breakpoint always-inserted on',
        target,
        'monitor reset halt',
        'break SysTick_Handler',
        'break main',
        'continue',
        'print blinky_ticks',
        'print/x $pc',
        `shell touch '${ready}'`,
        gdbWaitsFor(go),
        'maint flush register-cache',
        'print/x $pc',
        'print blinky_ticks',
        'continue',
        'print blinky_ticks',
        'delete',
        'detach',
      ],
    });
    await untilFile(ready, a);
    const b = await runGdbBatch({
      gdb,
      elf: firmwareElf('blinky'),
      timeoutMs: 60_000,
      commands: [
        'set breakpoint always-inserted on',
        target,
        'print/x $pc',
        'print blinky_ticks',
        'break SysTick_Handler',
        'x/2wx 0x08000000',
        'x/1wx &blinky_ticks',
        'delete',
        'detach',
      ],
    });
    writeFileSync(go, '');
    const first = await a;
    const context = `${transcript('gdb A', first)}\n${transcript('gdb B', b)}\nswdkit:\n${s.output()}`;
    assert.equal(b.code, 0, context);
    assert.equal(first.code, 0, context);
    assert.doesNotMatch(
      `${first.stdout}${first.stderr}${b.stdout}${b.stderr}`,
      /Cannot access memory|Remote failure|error/i,
      context,
    );

    const main = readElf(firmwareElf('blinky')).requireSymbol('main').address & ~1;
    const [ticks1 = '', pc1 = '', pc2 = '', ticks2 = '', ticks3 = ''] = printed(first.stdout);
    const [pcB = '', ticksB = ''] = printed(b.stdout);
    // B joined a halted core: the same place and the same counter A saw.
    assert.equal(pcB, pc1, context);
    assert.equal(ticksB, ticks1, context);
    assert.match(b.stdout, /0x8000000 <[^>]*>:\s+0x2002[0-9a-f]{4}\s+0x080[0-9a-f]{5}/, context);
    assert.match(b.stdout, /\[Inferior 1 \(Remote target\) detached\]/, context);
    // B's detach left the core halted for A: nothing ran meanwhile.
    assert.equal(parseInt(pc1, 16) & ~1, main, context);
    assert.equal(pc2, pc1, context);
    assert.equal(ticks2, ticks1, `the core ran while A believed it halted\n${context}`);
    // B's `delete` of the breakpoint where A has one too did not take A's: the first tick stops A.
    assert.match(first.stdout, /Breakpoint 2, main \(\)/, context);
    assert.match(first.stdout, /Breakpoint 1, SysTick_Handler \(\)/, context);
    assert.equal(ticks3, ticks1, context);
    assert.match(s.output(), /detached; the core stays as it is for the gdb still attached/, context);
    assert.equal(await s.stop(), 0, s.output());
  });

  it('a second gdb halting the core the first one runs: the first stops with SIGINT and is told who', async (t) => {
    const gdb = peers(t);
    if (gdb === undefined) return;
    const s = await server();
    const target = `target extended-remote 127.0.0.1:${s.port}`;
    const a = runGdbBatch({
      gdb,
      elf: firmwareElf('blinky'),
      timeoutMs: 120_000,
      commands: [target, 'continue', 'print blinky_ticks', 'detach'],
    });
    // A is attached and running once the server logs its connection and blinky runs on.
    for (let i = 0; i < 600 && !/connected \(1 connected\)/.test(s.output()); i++)
      await new Promise((r) => setTimeout(r, 50));
    await new Promise((r) => setTimeout(r, 1000));
    const b = await runGdbBatch({
      gdb,
      elf: firmwareElf('blinky'),
      timeoutMs: 60_000,
      commands: [target, 'print blinky_ticks', 'detach'],
    });
    const first = await a;
    const context = `${transcript('gdb A', first)}\n${transcript('gdb B', b)}\nswdkit:\n${s.output()}`;
    assert.equal(b.code, 0, context);
    assert.equal(first.code, 0, context);
    assert.match(first.stdout, /Program received signal SIGINT, Interrupt\./, context);
    assert.match(first.stderr, /swdkit: the gdb at 127\.0\.0\.1:\d+ halted the core\./, context);
    const [ticksA = ''] = printed(first.stdout);
    const [ticksB = ''] = printed(b.stdout);
    assert.ok(Number(ticksB) > 0, context);
    // Both read the same halted core: B's detach did not let it run under A.
    assert.equal(ticksA, ticksB, context);
    assert.equal(await s.stop(), 0, s.output());
  });
});
