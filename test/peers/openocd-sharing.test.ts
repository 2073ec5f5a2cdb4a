/**
 * Two unmodified OpenOCD 0.12 instances on one virtual probe at once (issue 5, Proof): the first
 * serves gdb-multiarch, which has the core halted at a breakpoint; while it is halted there, a
 * second OpenOCD connects (its own init, examine and shutdown, EXIT included) and reads memory with
 * `mdw`. Neither may log an error, the second must read what the board holds, the core must still be
 * halted where GDB left it when the second has gone, and GDB must carry on (stepi, resume).
 *
 * gdb runs in batch mode; a `shell` command that waits for a file holds it at the breakpoint while
 * the test runs the second OpenOCD.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, describe, it } from 'node:test';
import { runGdbBatch } from '../support/gdb-batch.js';
import {
  describeRun,
  errorLines,
  freePort,
  requireOpenOcd,
  runOpenOcd,
  startOpenOcd,
  type OpenOcdProcess,
} from '../support/openocd.js';
import { readElf } from '../support/elf.js';
import { firmwareElf } from '../support/paths.js';
import { requireFile, requirePeer } from '../support/peers.js';
import { virtualBoardFor } from '../support/virtual-board-server.js';
import { hex32 as hex } from '../../src/util/bytes.js';

const MS = 1e6;
const blinky = firmwareElf('blinky');

/** The values of gdb's `print` results `$1`, `$2`, … in order. */
function printed(stdout: string): string[] {
  return [...stdout.matchAll(/^\$\d+ = (.*)$/gm)].map((m) => m[1]!.trim());
}

async function waitForFile(path: string, timeoutMs: number, what: string): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!existsSync(path)) {
    if (performance.now() > deadline) throw new Error(`${what} did not happen within ${timeoutMs} ms`);
    await sleep(20);
  }
}

describe('two OpenOCD instances on one virtual probe', { timeout: 120_000 }, () => {
  const started: OpenOcdProcess[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'swdkit-sharing-'));

  after(async () => {
    for (const process of started) await process.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  for (const secondConfig of ['hla', 'dap'] as const) {
    it(`one serves GDB halted at a breakpoint while the other (${secondConfig}) reads memory; no errors in either`, async (t) => {
      const openocd = requireOpenOcd(t);
      if (openocd === undefined) return;
      const gdb = requirePeer(t, 'gdb-multiarch', { package: 'gdb-multiarch' });
      if (gdb === undefined) return;
      if (requireFile(t, blinky, 'build the test firmware with `make -C firmware`') === undefined) return;
      // A board of this test's own: the other test's sessions leave nothing behind for it to meet.
      // (Server errors are asserted at the end, after both OpenOCDs are done.)
      const sim = await virtualBoardFor(t, { firmware: blinky, noServerErrors: false });
      const elf = readElf(blinky);
      const handler = elf.requireSymbol('SysTick_Handler');
      const ticks = elf.requireSymbol('blinky_ticks').address;
      const halted = join(dir, `halted-${secondConfig}`);
      const go = join(dir, `go-${secondConfig}`);

      const gdbPort = await freePort();
      const first = startOpenOcd(openocd, {
        serverPort: sim.port,
        commands: ['init'],
        gdbPort,
        timeoutMs: 100_000,
      });
      started.push(first);
      await first.waitFor(new RegExp(`Listening on port ${gdbPort} for gdb connections`), 30_000);

      const session = runGdbBatch({
        gdb,
        elf: blinky,
        commands: [
          `target extended-remote 127.0.0.1:${gdbPort}`,
          'break SysTick_Handler',
          'continue',
          'print blinky_ticks',
          // Hold here (at most 60 s) until the test has run the second OpenOCD.
          `shell touch '${halted}'; n=0; while [ ! -e '${go}' ] && [ $n -lt 1200 ]; do sleep 0.05; n=$((n+1)); done`,
          'print blinky_ticks',
          'print/x $pc',
          'stepi',
          'print/x $pc',
          'delete',
          'monitor resume',
          'detach',
        ],
        timeoutMs: 90_000,
      });
      let released = false;
      try {
        await Promise.race([
          waitForFile(halted, 60_000, 'GDB reaching the breakpoint'),
          session.then((r) => {
            throw new Error(`gdb ended before the breakpoint:\n${r.stdout}\n${r.stderr}\n${first.output()}`);
          }),
        ]);
        const cpu = sim.board.soc.cpu;
        assert.equal(cpu.halted, true, 'GDB has the core halted');
        assert.equal(hex(cpu.pc), hex(handler.address), 'at the SysTick_Handler breakpoint');
        const ticksAtBreak = sim.read32(ticks);

        const second = await runOpenOcd(openocd, {
          serverPort: sim.port,
          config: secondConfig,
          commands: ['init', `mdw ${hex(ticks)}`, 'mdw 0x08000000 2', 'shutdown'],
          timeoutMs: 30_000,
        });
        assert.equal(second.code, 0, describeRun(second));
        assert.deepEqual(errorLines(second.output), [], describeRun(second));
        assert.match(
          second.output,
          new RegExp(
            `0x${ticks.toString(16).padStart(8, '0')}: ${ticksAtBreak.toString(16).padStart(8, '0')}`,
          ),
          describeRun(second),
        );
        const vectors = [sim.read32(0x0800_0000), sim.read32(0x0800_0004)].map((w) =>
          w.toString(16).padStart(8, '0'),
        );
        assert.match(second.output, new RegExp(`0x08000000: ${vectors.join(' ')}`), describeRun(second));
        // The second's init, examine and EXIT must not have let the core go.
        assert.equal(cpu.halted, true, 'the core is still halted after the second OpenOCD left');
        assert.equal(hex(cpu.pc), hex(handler.address));
        assert.equal(sim.read32(ticks), ticksAtBreak);

        writeFileSync(go, '');
        released = true;
        const result = await session;
        const transcript = `gdb: ${String(result.code)}\n${result.stdout}\n${result.stderr}\n\nfirst OpenOCD:\n${first.output()}`;
        assert.equal(result.code, 0, transcript);
        assert.match(result.stdout, /Breakpoint 1, SysTick_Handler \(\)/, transcript);
        const [before, during, pcAtBreak, pcAfterStep] = printed(result.stdout);
        assert.equal(during, before, `blinky_ticks changed while halted\n${transcript}`);
        assert.equal(Number(before), ticksAtBreak, transcript);
        assert.equal(parseInt(pcAtBreak ?? '', 16), handler.address, transcript);
        const after = parseInt(pcAfterStep ?? '', 16);
        assert.ok(
          after > handler.address && after < handler.address + handler.size,
          `stepi went to ${pcAfterStep}\n${transcript}`,
        );
        assert.doesNotMatch(`${result.stdout}\n${result.stderr}`, /Error|Cannot access memory/, transcript);
      } finally {
        if (!released) writeFileSync(go, '');
      }

      // Resumed: blinky counts again, and the first OpenOCD logged no error through it all.
      const since = sim.board.now;
      const before = sim.read32(ticks);
      await sim.waitFor(() => sim.board.now - since >= 100 * MS, 2000 * MS, '100 ms of virtual time');
      assert.ok(sim.read32(ticks) > before, 'blinky runs again after monitor resume');
      const firstResult = await first.stop();
      assert.deepEqual(errorLines(firstResult.output), [], describeRun(firstResult));
      assert.deepEqual(sim.errors, [], 'the server reported protocol or probe errors');
    });
  }
});
