/**
 * The seed's failure, emerging from the board's rules rather than from a switch (issue 5, Proof):
 * firmware that takes the SWD pins (`swd-off`), or enters Standby or Stop with the debug logic
 * unpowered (`standby`, `stop`), makes unmodified OpenOCD 0.12's `program` fail with "init mode
 * failed (unable to connect to the target)" (docs/stlink-protocol.md §B.3: APIV2_ENTER answers 0x09), while the
 * connect-under-reset variant (`reset_config srst_only srst_nogate connect_assert_srst`, B.4) still
 * connects — the chip is held in reset before its firmware can run — and can program blinky, which
 * then runs.
 *
 * Every test has a board of its own: blinky, or the scenario's firmware run until it has reached its
 * stage, so that each test runs alone and none builds on what another left behind.
 */
import assert from 'node:assert/strict';
import { describe, it, type TestContext } from 'node:test';
import { readImageFile } from '../../src/flash/image/load.node.js';
import { describeRun, errorLines, requireOpenOcd, runOpenOcd } from '../support/openocd.js';
import { firmwareElf } from '../support/paths.js';
import { requireFile } from '../support/peers.js';
import {
  MAIN_FLASH_BASE,
  virtualBoardFor,
  type VirtualBoardServer,
} from '../support/virtual-board-server.js';
import { hex32 as hex } from '../../src/util/bytes.js';

const MS = 1e6;
const RUN_TIMEOUT_MS = 60_000;
const CONNECT_UNDER_RESET = 'reset_config srst_only srst_nogate connect_assert_srst';
const blinky = firmwareElf('blinky');

interface Scenario {
  readonly firmware: string;
  /** What "the firmware has reached its stage" looks like on the board. */
  readonly reached: (sim: VirtualBoardServer, elf: string) => boolean;
  readonly stage: string;
}

const scenarios: readonly Scenario[] = [
  {
    firmware: 'swd-off',
    stage: 'swd_off_stage = 4 (PA13/PA14 are GPIO outputs)',
    reached: (sim, elf) => sim.read32(sim.symbolAddress(elf, 'swd_off_stage')) === 4,
  },
  {
    firmware: 'standby',
    stage: 'Standby entered',
    reached: (sim) => sim.board.soc.lowPower === 'standby',
  },
  {
    firmware: 'stop',
    stage: 'stop_stage = 4 and Stop entered',
    reached: (sim, elf) =>
      sim.read32(sim.symbolAddress(elf, 'stop_stage')) === 4 && sim.board.soc.lowPower === 'stop',
  },
];

function sameAsImage(sim: VirtualBoardServer, path: string): boolean {
  return readImageFile(path).segments.every((segment) => {
    const flash = sim.flash(segment.address - MAIN_FLASH_BASE, segment.data.length);
    return flash.every((b, i) => b === segment.data[i]);
  });
}

describe('OpenOCD 0.12 with board/stm32f4discovery.cfg on blinky', { timeout: 60_000 }, () => {
  /** The peer and a board of the test's own running blinky, or undefined when the test was skipped. */
  async function setup(t: TestContext): Promise<{ openocd: string; sim: VirtualBoardServer } | undefined> {
    const openocd = requireOpenOcd(t);
    if (openocd === undefined) return undefined;
    if (requireFile(t, blinky, 'build the test firmware with `make -C firmware`') === undefined)
      return undefined;
    return { openocd, sim: await virtualBoardFor(t, { firmware: blinky, noServerErrors: false }) };
  }

  it('init with NRST held, reset halt: halted on the reset vector', async (t) => {
    const ctx = await setup(t);
    if (ctx === undefined) return;
    const { openocd, sim } = ctx;
    const result = await runOpenOcd(openocd, {
      serverPort: sim.port,
      config: 'board',
      commands: [CONNECT_UNDER_RESET, 'init', 'reset halt', 'shutdown'],
      timeoutMs: RUN_TIMEOUT_MS,
    });
    assert.equal(result.code, 0, describeRun(result));
    assert.deepEqual(errorLines(result.output), [], describeRun(result));
    assert.match(result.output, /srst_only separate srst_nogate srst_open_drain connect_assert_srst/);
    assert.match(result.output, /Cortex-M4 r0p1 processor detected/);
    const resetHandler = sim.symbolAddress(blinky, 'Reset_Handler');
    assert.match(result.output, new RegExp(`halted due to debug-request[^]*pc: ${hex(resetHandler)}`));
    assert.equal(sim.board.soc.cpu.halted, true);
    assert.equal(hex(sim.board.soc.cpu.pc), hex(resetHandler));
    assert.equal(sim.board.nrstLow, false, 'the reset released NRST');
  });

  it('program through the board file (resets by NRST): Verified OK, blinky runs', async (t) => {
    const ctx = await setup(t);
    if (ctx === undefined) return;
    const { openocd, sim: s } = ctx;
    const result = await runOpenOcd(openocd, {
      serverPort: s.port,
      config: 'board',
      commands: [`program ${blinky} verify reset exit`],
      timeoutMs: RUN_TIMEOUT_MS,
    });
    assert.equal(result.code, 0, describeRun(result));
    assert.deepEqual(errorLines(result.output), [], describeRun(result));
    assert.match(result.output, /srst_only separate srst_nogate srst_open_drain connect_deassert_srst/);
    assert.match(result.output, /\*\* Verified OK \*\*/);
    assert.equal(s.board.nrstLow, false);
    const ticks = s.symbolAddress(blinky, 'blinky_ticks');
    const before = s.read32(ticks);
    const since = s.board.now;
    await s.waitFor(() => s.board.now - since >= 300 * MS, 3000 * MS, '300 ms of virtual time');
    const grown = s.read32(ticks) - before;
    const elapsed = (s.board.now - since) / MS;
    assert.ok(
      Math.abs(grown - elapsed) <= 0.02 * elapsed + 2,
      `blinky_ticks grew by ${grown} in ${elapsed} ms`,
    );
  });
});

for (const scenario of scenarios) {
  describe(`the seed's failure with the ${scenario.firmware} firmware`, { timeout: 90_000 }, () => {
    const elf = firmwareElf(scenario.firmware);

    /**
     * The peer and a board of the test's own on which the scenario's firmware has reached its stage,
     * or undefined when the test was skipped.
     */
    async function setup(t: TestContext): Promise<{ openocd: string; sim: VirtualBoardServer } | undefined> {
      const openocd = requireOpenOcd(t);
      if (openocd === undefined) return undefined;
      for (const path of [elf, blinky]) {
        if (requireFile(t, path, 'build the test firmware with `make -C firmware`') === undefined)
          return undefined;
      }
      const sim = await virtualBoardFor(t, { firmware: elf });
      await sim.waitFor(() => scenario.reached(sim, elf), 5000 * MS, scenario.stage);
      return { openocd, sim };
    }

    it(`program fails with "init mode failed" once ${scenario.stage}`, async (t) => {
      const ctx = await setup(t);
      if (ctx === undefined) return;
      assert.ok(
        ctx.sim.board.soc.debugPortSilence !== undefined,
        'by the board rules the SW-DP should not answer now',
      );
      const result = await runOpenOcd(ctx.openocd, {
        serverPort: ctx.sim.port,
        commands: [`program ${blinky} verify reset exit`],
        timeoutMs: RUN_TIMEOUT_MS,
      });
      assert.notEqual(result.code, 0, describeRun(result));
      assert.equal(result.timedOut, false, describeRun(result));
      assert.match(
        result.output,
        /init mode failed \(unable to connect to the target\)/,
        describeRun(result),
      );
      assert.doesNotMatch(result.output, /Programming Started/);
      assert.ok(sameAsImage(ctx.sim, elf), `${scenario.firmware} must still be in flash`);
      assert.ok(scenario.reached(ctx.sim, elf), 'the firmware is still where it was');
    });

    it('connect under reset still connects: init, reset halt on the reset vector', async (t) => {
      const ctx = await setup(t);
      if (ctx === undefined) return;
      const result = await runOpenOcd(ctx.openocd, {
        serverPort: ctx.sim.port,
        config: 'board',
        commands: [CONNECT_UNDER_RESET, 'init', 'reset halt', 'shutdown'],
        timeoutMs: RUN_TIMEOUT_MS,
      });
      assert.equal(result.code, 0, describeRun(result));
      assert.deepEqual(errorLines(result.output), [], describeRun(result));
      const resetHandler = ctx.sim.symbolAddress(elf, 'Reset_Handler');
      assert.match(result.output, new RegExp(`halted due to debug-request[^]*pc: ${hex(resetHandler)}`));
      assert.equal(ctx.sim.board.soc.cpu.halted, true);
      assert.equal(hex(ctx.sim.board.soc.cpu.pc), hex(resetHandler));
    });

    it('connect under reset programs blinky, which then runs', async (t) => {
      const ctx = await setup(t);
      if (ctx === undefined) return;
      const result = await runOpenOcd(ctx.openocd, {
        serverPort: ctx.sim.port,
        config: 'board',
        commands: [CONNECT_UNDER_RESET, `program ${blinky} verify reset exit`],
        timeoutMs: RUN_TIMEOUT_MS,
      });
      assert.equal(result.code, 0, describeRun(result));
      assert.deepEqual(errorLines(result.output), [], describeRun(result));
      assert.match(result.output, /\*\* Verified OK \*\*/);
      assert.ok(sameAsImage(ctx.sim, blinky), 'blinky is in flash');
      const ticks = ctx.sim.symbolAddress(blinky, 'blinky_ticks');
      const before = ctx.sim.read32(ticks);
      const since = ctx.sim.board.now;
      // Long enough for the old firmware to have reached its stage, had it still been there.
      await ctx.sim.waitFor(() => ctx.sim.board.now - since >= 800 * MS, 8000 * MS, '800 ms of virtual time');
      const grown = ctx.sim.read32(ticks) - before;
      const elapsed = (ctx.sim.board.now - since) / MS;
      assert.ok(
        Math.abs(grown - elapsed) <= 0.02 * elapsed + 2,
        `blinky_ticks grew by ${grown} in ${elapsed} ms`,
      );
      assert.equal(ctx.sim.board.soc.debugPortSilence, undefined, 'the SW-DP answers again');
    });
  });
}
