/**
 * gdb-multiarch through unmodified OpenOCD 0.12 (hla) to the virtual Discovery (issue 5, Proof):
 * `target extended-remote`, `load` (OpenOCD's flash loader on the virtual core), a breakpoint at
 * main (an FPB comparator: flash is read-only to GDB), continue, next, stepi, print. The board starts
 * factory-fresh, so what runs afterwards is what GDB loaded.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { readImageFile } from '../../src/flash/image/load.node.js';
import { runGdbBatch } from '../support/gdb-batch.js';
import {
  describeRun,
  errorLines,
  freePort,
  requireOpenOcd,
  startOpenOcd,
  type OpenOcdProcess,
} from '../support/openocd.js';
import { readElf } from '../support/elf.js';
import { firmwareElf } from '../support/paths.js';
import { requireFile, requirePeer } from '../support/peers.js';
import {
  MAIN_FLASH_BASE,
  startVirtualBoardServer,
  type VirtualBoardServer,
} from '../support/virtual-board-server.js';

const MS = 1e6;
const blinky = firmwareElf('blinky');

/** The values of gdb's `print` results `$1`, `$2`, … in order. */
function printed(stdout: string): string[] {
  return [...stdout.matchAll(/^\$\d+ = (.*)$/gm)].map((m) => m[1]!.trim());
}

describe('gdb-multiarch through OpenOCD 0.12 on the virtual Discovery', { timeout: 120_000 }, () => {
  let sim: VirtualBoardServer | undefined;
  let openocd: OpenOcdProcess | undefined;

  before(async () => {
    sim = await startVirtualBoardServer();
  });
  after(async () => {
    await openocd?.stop();
    await sim?.close();
  });

  it('load, break main, continue, next, stepi, print; then blinky runs on its own', async (t) => {
    const program = requireOpenOcd(t);
    if (program === undefined) return;
    const gdb = requirePeer(t, 'gdb-multiarch', { package: 'gdb-multiarch' });
    if (gdb === undefined) return;
    if (requireFile(t, blinky, 'build the test firmware with `make -C firmware`') === undefined) return;
    assert.ok(sim !== undefined);
    const elf = readElf(blinky);
    const main = elf.requireSymbol('main');
    const inMain = (pc: number): boolean => pc >= main.address && pc < main.address + main.size;

    const gdbPort = await freePort();
    openocd = startOpenOcd(program, { serverPort: sim.port, commands: ['init'], gdbPort, timeoutMs: 90_000 });
    await openocd.waitFor(new RegExp(`Listening on port ${gdbPort} for gdb connections`), 30_000);

    const result = await runGdbBatch({
      gdb,
      elf: blinky,
      commands: [
        `target extended-remote 127.0.0.1:${gdbPort}`,
        'monitor reset halt',
        'load',
        'break main',
        'continue',
        'print/x $pc',
        'next',
        'print/x $pc',
        'stepi',
        'print/x $pc',
        'print blinky_loop_count',
        'print &blinky_ticks',
        'monitor resume',
        'detach',
      ],
      timeoutMs: 60_000,
    });
    const transcript = `gdb exited with ${String(result.code)}\nstdout:\n${result.stdout}\nstderr:\n${result.stderr}\n\n${describeRun({ code: null, signal: null, output: openocd.output(), timedOut: false })}`;
    assert.equal(result.timedOut, false, transcript);
    assert.equal(result.code, 0, transcript);
    assert.match(result.stdout, /Loading section \.isr_vector, size 0x188 lma 0x8000000/, transcript);
    assert.match(result.stdout, /Loading section \.text, size 0x[0-9a-f]+ lma 0x8000188/, transcript);
    assert.match(result.stdout, /Start address 0x0*8000[0-9a-f]{3}, load size \d+/, transcript);
    const breakpoint = /Breakpoint 1 at 0x([0-9a-f]+): file src\/blinky\.c, line (\d+)\./.exec(result.stdout);
    assert.ok(breakpoint !== null, transcript);
    assert.match(result.stdout, /Breakpoint 1, main \(\) at src\/blinky\.c:\d+/, transcript);
    assert.doesNotMatch(
      `${result.stdout}\n${result.stderr}`,
      /Error|error while|Cannot access memory/,
      transcript,
    );

    const [atBreak, afterNext, afterStepi, loopCount, ticksAddress] = printed(result.stdout);
    const pc = (text: string | undefined): number => parseInt(text ?? 'NaN', 16);
    assert.equal(pc(atBreak), parseInt(breakpoint[1]!, 16), `continue stopped at ${atBreak}\n${transcript}`);
    assert.ok(
      inMain(pc(afterNext)) && pc(afterNext) > pc(atBreak),
      `next went to ${afterNext}\n${transcript}`,
    );
    assert.ok(
      inMain(pc(afterStepi)) && pc(afterStepi) !== pc(afterNext),
      `stepi went to ${afterStepi}\n${transcript}`,
    );
    // Nothing has run main's loop yet (.bss zeroed by Reset_Handler).
    assert.equal(loopCount, '0', transcript);
    const ticks = elf.requireSymbol('blinky_ticks').address;
    assert.match(ticksAddress ?? '', new RegExp(`0x${ticks.toString(16)} <blinky_ticks>`), transcript);

    // What gdb loaded is in flash, and it runs after `monitor resume` and `detach`.
    for (const segment of readImageFile(blinky).segments) {
      assert.deepEqual(sim.flash(segment.address - MAIN_FLASH_BASE, segment.data.length), segment.data);
    }
    assert.equal(sim.board.soc.cpu.halted, false, 'the core should run after monitor resume');
    const before = sim.read32(ticks);
    const since = sim.board.now;
    await sim.waitFor(() => sim!.board.now - since >= 300 * MS, 3000 * MS, '300 ms of virtual time');
    const grown = sim.read32(ticks) - before;
    const elapsed = (sim.board.now - since) / MS;
    assert.ok(
      Math.abs(grown - elapsed) <= 0.02 * elapsed + 2,
      `blinky_ticks grew by ${grown} in ${elapsed} ms`,
    );
    assert.ok(Object.values(sim.board.leds).filter(Boolean).length === 1, 'exactly one LED is lit');
    const log = await openocd.stop();
    assert.deepEqual(errorLines(log.output), [], describeRun(log));
    assert.deepEqual(sim.errors, [], 'the server reported protocol or probe errors');
  });
});
