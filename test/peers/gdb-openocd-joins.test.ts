/**
 * Unmodified OpenOCD connecting to the probe a gdb session already uses, the way the seed user's second
 * IDE did: OpenOCD 0.12's Cortex-M examine zeroes every FPB and DWT comparator, so a breakpoint gdb
 * has in the target would silently never hit again. swdkit's gdb server reads the units back before
 * a continue (and the FPB every quarter second while the core runs), puts back what was its own, and
 * says so on gdb's console. gdb keeps its breakpoint inserted while halted (`breakpoint
 * always-inserted`), so nothing but that check can bring it back.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it, type TestContext } from 'node:test';
import { gdbWaitsFor, runGdbBatch, untilFile } from '../support/gdb-batch.js';
import { errorLines, requireOpenOcd, runOpenOcd } from '../support/openocd.js';
import { firmwareElf } from '../support/paths.js';
import { requireGdbAndFirmware } from '../support/peers.js';
import { startSwdkit, type SwdkitProcess } from '../support/swdkit-process.js';

const running: SwdkitProcess[] = [];
const scratch = mkdtempSync(join(tmpdir(), 'swdkit-openocd-joins-'));

after(async () => {
  for (const r of running) await r.stop();
  rmSync(scratch, { recursive: true, force: true });
});

function peers(t: TestContext): { gdb: string; openocd: string } | undefined {
  const gdb = requireGdbAndFirmware(t, ['blinky']);
  if (gdb === undefined) return undefined;
  const openocd = requireOpenOcd(t);
  if (openocd === undefined) return undefined;
  return { gdb, openocd };
}

describe('OpenOCD joins the probe under a gdb session', { timeout: 5 * 60_000 }, () => {
  it('its examine zeroes the FPB; swdkit puts gdb’s breakpoint back at the continue, says so, and it hits', async (t) => {
    const tools = peers(t);
    if (tools === undefined) return;
    const sim = await startSwdkit(['sim', '--port', '0', '--firmware', firmwareElf('blinky')]);
    running.push(sim);
    const server = await startSwdkit(['gdbserver', '--probe', `tcp://127.0.0.1:${sim.port}`, '--port', '0']);
    running.push(server);
    const ready = join(scratch, 'ready');
    const go = join(scratch, 'go');
    const gdb = runGdbBatch({
      gdb: tools.gdb,
      elf: firmwareElf('blinky'),
      timeoutMs: 60_000,
      commands: [
        'set breakpoint always-inserted on',
        `target extended-remote 127.0.0.1:${server.port}`,
        // Halted at the reset vector: main has not enabled SysTick yet.
        'monitor reset halt',
        'break SysTick_Handler',
        `shell touch '${ready}'`,
        gdbWaitsFor(go),
        'continue',
        'print blinky_ticks',
        'delete',
        'detach',
      ],
    });
    await untilFile(ready, gdb);
    const openocd = await runOpenOcd(tools.openocd, {
      serverPort: sim.port,
      commands: ['init', 'mdw 0xe0002008 1', 'shutdown'],
      timeoutMs: 60_000,
    });
    writeFileSync(go, '');
    const run = await gdb;
    const context = `gdb exited ${String(run.code)}${run.timedOut ? ' (timed out: the breakpoint never hit)' : ''}\nstdout:\n${run.stdout}\nstderr:\n${run.stderr}\nOpenOCD:\n${openocd.output}\nswdkit:\n${server.output()}`;
    assert.equal(openocd.code, 0, context);
    assert.deepEqual(errorLines(openocd.output), [], context);
    // OpenOCD's own read after its examine: the comparator gdb's breakpoint used is zero.
    assert.match(openocd.output, /0xe0002008: 00000000/, context);
    assert.equal(run.code, 0, context);
    assert.match(
      run.stderr,
      /swdkit: another program on this probe cleared the FPB comparator of the breakpoint at 0x0800[0-9a-f]{4}; put back\./,
      context,
    );
    assert.match(run.stdout, /Breakpoint 1, SysTick_Handler \(\)/, context);
    assert.match(run.stdout, /^\$1 = 0$/m, context);
    assert.equal(await server.stop(), 0, server.output());
    assert.equal(await sim.stop(), 0, sim.output());
  });
});
