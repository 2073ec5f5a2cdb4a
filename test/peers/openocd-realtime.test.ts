/**
 * `swdkit sim --realtime` with unmodified OpenOCD 0.12 (issue 5, virtual time for benchmarks): the
 * board's clock follows the wall clock and every probe reply is held back by its modelled cost, so
 * a host never sees the target finish sooner than silicon would. `program … verify` must still work,
 * the session's modelled time (`virtualSeconds` of the server's stats) can never exceed the wall time
 * it took, and the board's clock must have kept pace with the wall clock meanwhile.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { describeRun, errorLines, requireOpenOcd, runOpenOcd } from '../support/openocd.js';
import { firmwareElf } from '../support/paths.js';
import { requireFile } from '../support/peers.js';
import { startVirtualBoardServer, type VirtualBoardServer } from '../support/virtual-board-server.js';

const blinky = firmwareElf('blinky');

describe('OpenOCD 0.12 against the virtual Discovery with --realtime', { timeout: 60_000 }, () => {
  let sim: VirtualBoardServer | undefined;
  before(async () => {
    sim = await startVirtualBoardServer({ realtime: true });
  });
  after(async () => {
    await sim?.close();
  });

  it('program blinky.elf verify reset exit takes at least its modelled time', async (t) => {
    const openocd = requireOpenOcd(t);
    if (openocd === undefined) return;
    if (requireFile(t, blinky, 'build the test firmware with `make -C firmware`') === undefined) return;
    assert.ok(sim !== undefined);
    const virtualStart = sim.board.now;
    const wallStart = performance.now();
    const result = await runOpenOcd(openocd, {
      serverPort: sim.port,
      commands: [`program ${blinky} verify reset exit`],
      timeoutMs: 45_000,
    });
    const wallMs = performance.now() - wallStart;
    const virtualMs = (sim.board.now - virtualStart) / 1e6;
    assert.equal(result.code, 0, describeRun(result));
    assert.deepEqual(errorLines(result.output), [], describeRun(result));
    assert.match(result.output, /\*\* Verified OK \*\*/);

    await sim.server.close(); // flushes the session's stats
    const session = sim.sessions.at(-1);
    assert.ok(session !== undefined, 'the server reported no session');
    t.diagnostic(
      `wall ${session.wallSeconds.toFixed(3)} s, modelled ${session.virtualSeconds.toFixed(3)} s, ${session.commands} commands; board clock ${virtualMs.toFixed(0)} ms in ${wallMs.toFixed(0)} ms`,
    );
    assert.ok(session.virtualSeconds > 0, 'the virtual probe modelled no time');
    assert.ok(
      session.wallSeconds >= session.virtualSeconds,
      `OpenOCD saw ${session.virtualSeconds} s of probe time pass in ${session.wallSeconds} s of wall time`,
    );
    // Paced, the board never runs ahead of the wall clock (and forgives lag rather than racing).
    assert.ok(virtualMs <= wallMs + 20, `the board ran ${virtualMs} virtual ms in ${wallMs} wall ms`);
  });
});
