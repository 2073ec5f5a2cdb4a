/**
 * Unmodified OpenOCD 0.12's dap-direct driver (`-f interface/stlink-dap.cfg -c "st-link backend tcp
 * PORT" -c "transport select dapdirect_swd"`, docs/stlink-protocol.md §A.8) against the virtual Discovery, on both
 * probe models: OpenOCD drives the SW-DP and AHB-AP itself through READ/WRITE_DAP_REG and RW_MISC
 * instead of the HLA memory commands. Plus the hla driver on the STLINK-V3 model.
 */
import assert from 'node:assert/strict';
import { describe, it, type TestContext } from 'node:test';
import type { ProbeModelName } from '../../src/sim/probe/models.js';
import {
  describeRun,
  errorLines,
  requireOpenOcd,
  runOpenOcd,
  type OpenOcdResult,
} from '../support/openocd.js';
import { firmwareElf } from '../support/paths.js';
import { requireFile } from '../support/peers.js';
import {
  MAIN_FLASH_BASE,
  virtualBoardFor,
  type VirtualBoardServer,
} from '../support/virtual-board-server.js';
import { hex32 as hex } from '../../src/util/bytes.js';

const RUN_TIMEOUT_MS = 60_000;
const DBGMCU_IDCODE = 0xe004_2000;
const blinky = firmwareElf('blinky');
const word = (value: number): string => (value >>> 0).toString(16).padStart(8, '0');

const PROBES: Record<ProbeModelName, { banner: RegExp; speedKHz: number }> = {
  // The V2's SWD divisor table tops at 4 MHz; 2000 kHz asked gives 1800 (docs/stlink-protocol.md §A.6).
  'v2-1': { banner: /STLINK V2J\d+M\d+ \(API v2\) VID:PID 0483:374B/, speedKHz: 1800 },
  // The V3 model's GET_COM_FREQ list (sim/probe/models.ts) has 3300 then 1000 kHz: 2000 gives 1000.
  v3: { banner: /STLINK V3J\d+M\d+B\d+S\d+ \(API v3\) VID:PID 0483:374E/, speedKHz: 1000 },
};

function assertClean(result: OpenOcdResult): void {
  assert.equal(result.code, 0, describeRun(result));
  assert.deepEqual(errorLines(result.output), [], describeRun(result));
}

/** The words `mdw ADDRESS N` printed for ADDRESS, lower-case hex without 0x. */
function mdwWords(output: string, address: number): string[] {
  const line = new RegExp(`^0x${word(address)}: ((?:[0-9a-f]{8} ?)+)`, 'm').exec(output);
  return line === null ? [] : line[1]!.trim().split(' ');
}

for (const model of ['v2-1', 'v3'] as const) {
  describe(`OpenOCD 0.12 on the virtual ${model} probe`, { timeout: 60_000 }, () => {
    /** The peer and a board of the test's own running blinky, or undefined when the test was skipped. */
    async function setup(t: TestContext): Promise<{ openocd: string; sim: VirtualBoardServer } | undefined> {
      const openocd = requireOpenOcd(t);
      if (openocd === undefined) return undefined;
      if (requireFile(t, blinky, 'build the test firmware with `make -C firmware`') === undefined)
        return undefined;
      return { openocd, sim: await virtualBoardFor(t, { firmware: blinky, probeModel: model }) };
    }

    it('dap-direct: init (SWD DPIDR), reset halt, memory reads match the board', async (t) => {
      const ctx = await setup(t);
      if (ctx === undefined) return;
      const ticks = ctx.sim.symbolAddress(blinky, 'blinky_ticks');
      const result = await runOpenOcd(ctx.openocd, {
        serverPort: ctx.sim.port,
        config: 'dap',
        commands: [
          'init',
          'reset halt',
          `mdw ${hex(MAIN_FLASH_BASE)} 4`,
          `mdw ${hex(DBGMCU_IDCODE)}`,
          `mdw ${hex(ticks)}`,
          'shutdown',
        ],
        timeoutMs: RUN_TIMEOUT_MS,
      });
      assertClean(result);
      assert.match(result.output, PROBES[model].banner);
      assert.match(result.output, new RegExp(`clock speed ${PROBES[model].speedKHz} kHz`));
      assert.match(result.output, /SWD DPIDR 0x2ba01477/);
      assert.match(result.output, /Cortex-M4 r0p1 processor detected/);
      const resetHandler = ctx.sim.symbolAddress(blinky, 'Reset_Handler');
      assert.match(result.output, new RegExp(`halted due to debug-request[^]*pc: ${hex(resetHandler)}`));
      assert.equal(ctx.sim.board.soc.cpu.halted, true);
      assert.equal(hex(ctx.sim.board.soc.cpu.pc), hex(resetHandler));

      // The core is halted, so what OpenOCD read is what the board holds now.
      const flash = [0, 4, 8, 12].map((offset) => word(ctx.sim.read32(MAIN_FLASH_BASE + offset)));
      assert.deepEqual(mdwWords(result.output, MAIN_FLASH_BASE), flash, describeRun(result));
      assert.deepEqual(mdwWords(result.output, DBGMCU_IDCODE), ['10076413'], describeRun(result));
      assert.deepEqual(mdwWords(result.output, ticks), [word(ctx.sim.read32(ticks))], describeRun(result));
    });

    it('hla: init, reset halt, flash info 0', async (t) => {
      const ctx = await setup(t);
      if (ctx === undefined) return;
      const result = await runOpenOcd(ctx.openocd, {
        serverPort: ctx.sim.port,
        commands: ['init', 'reset halt', 'echo [flash info 0]', 'shutdown'],
        timeoutMs: RUN_TIMEOUT_MS,
      });
      assertClean(result);
      assert.match(result.output, PROBES[model].banner);
      assert.match(result.output, /halted due to debug-request/);
      assert.match(result.output, /device id = 0x10076413/);
      assert.match(result.output, /flash size = 1024 KiB/);
      assert.match(result.output, /STM32F4xx - Rev: 1/);
    });
  });
}
