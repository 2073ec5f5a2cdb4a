/**
 * Unmodified OpenOCD 0.12 with the hla driver (`-f interface/stlink.cfg -c "hla_stlink_backend tcp
 * PORT" -f target/stm32f4x.cfg`) against the virtual Discovery served in-process, as `swdkit sim`
 * serves it (issue 5, Proof). Every test asserts on OpenOCD's exit status and log and on the board:
 * the core's state, main flash, the option bytes, the LEDs, blinky's counters in SRAM.
 *
 * Each test has a board of its own in the state it starts from — blinky in flash (init, reset halt,
 * flash info, mass erase, lock), an erased chip (program), a chip locked at RDP level 1 with blinky
 * in it (unlock) — so any of them runs alone and none depends on another's outcome.
 */
import assert from 'node:assert/strict';
import { describe, it, type TestContext } from 'node:test';
import { readImageFile } from '../../src/flash/image/load.node.js';
import { DiscoveryBoard, type LedState } from '../../src/sim/board/discovery.js';
import { FlashStorage } from '../../src/sim/soc/flash/flash-storage.js';
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
  type VirtualBoardServerOptions,
} from '../support/virtual-board-server.js';
import { hex32 as hex } from '../../src/util/bytes.js';

const MS = 1e6;
const FLASH_SIZE = 1024 * 1024;
const RUN_TIMEOUT_MS = 60_000;

const blinky = firmwareElf('blinky');

function assertClean(result: OpenOcdResult): void {
  assert.equal(result.code, 0, describeRun(result));
  assert.deepEqual(errorLines(result.output), [], describeRun(result));
}

function allErased(bytes: Uint8Array): boolean {
  return bytes.every((b) => b === 0xff);
}

describe(
  'OpenOCD 0.12 hla (stlink.cfg + stm32f4x.cfg) on the virtual Discovery',
  { timeout: 240_000 },
  () => {
    /**
     * The peer and this test's own board (blinky in flash unless `board` says otherwise), or undefined
     * when the test was skipped.
     */
    async function setup(
      t: TestContext,
      board: VirtualBoardServerOptions = { firmware: blinky },
    ): Promise<{ openocd: string; sim: VirtualBoardServer } | undefined> {
      const openocd = requireOpenOcd(t);
      if (openocd === undefined) return undefined;
      if (requireFile(t, blinky, 'build the test firmware with `make -C firmware`') === undefined)
        return undefined;
      return { openocd, sim: await virtualBoardFor(t, board) };
    }

    function ticks(s: VirtualBoardServer): number {
      return s.read32(s.symbolAddress(blinky, 'blinky_ticks'));
    }

    /** blinky_ticks counts SysTick's 1 kHz interrupts: over `ns` of virtual time it must grow by about ns/1 ms. */
    async function assertBlinkyRuns(s: VirtualBoardServer, ns = 600 * MS): Promise<void> {
      const startTicks = ticks(s);
      const startNs = s.board.now;
      await s.waitFor(() => s.board.now - startNs >= ns, 10 * ns, 'virtual time to pass');
      const elapsedMs = (s.board.now - startNs) / MS;
      const grown = ticks(s) - startTicks;
      assert.ok(
        Math.abs(grown - elapsedMs) <= 0.02 * elapsedMs + 2,
        `blinky_ticks grew by ${grown} in ${elapsedMs.toFixed(1)} virtual ms (expected about 1 per ms)`,
      );
    }

    it('init: probe opened, Cortex-M4 examined, running firmware left running', async (t) => {
      const ctx = await setup(t);
      if (ctx === undefined) return;
      const result = await runOpenOcd(ctx.openocd, {
        serverPort: ctx.sim.port,
        commands: ['init', 'shutdown'],
        timeoutMs: RUN_TIMEOUT_MS,
      });
      assertClean(result);
      assert.match(result.output, /STLINK V2J\d+M\d+ \(API v2\) VID:PID 0483:374B/);
      assert.match(result.output, /Target voltage: 3\.0/);
      assert.match(result.output, /Cortex-M4 r0p1 processor detected/);
      assert.match(result.output, /target has 6 breakpoints, 4 watchpoints/);
      assert.equal(ctx.sim.board.soc.cpu.halted, false, 'init must not halt the core');
      await assertBlinkyRuns(ctx.sim);
    });

    it('reset halt: halted at the reset vector by a debug request', async (t) => {
      const ctx = await setup(t);
      if (ctx === undefined) return;
      const resetHandler = ctx.sim.symbolAddress(blinky, 'Reset_Handler');
      // The vector table's reset entry (RM0090 §2.4: flash aliased at 0 when BOOT0 is low), Thumb bit set.
      assert.equal(ctx.sim.read32(MAIN_FLASH_BASE + 4), (resetHandler | 1) >>> 0);
      const result = await runOpenOcd(ctx.openocd, {
        serverPort: ctx.sim.port,
        commands: ['init', 'reset halt', 'shutdown'],
        timeoutMs: RUN_TIMEOUT_MS,
      });
      assertClean(result);
      assert.match(result.output, /halted due to debug-request, current mode: Thread/);
      assert.match(result.output, new RegExp(`xPSR: 0x01000000 pc: ${hex(resetHandler)} msp: 0x20020000`));
      const cpu = ctx.sim.board.soc.cpu;
      assert.equal(cpu.halted, true, 'the core stays halted after OpenOCD leaves');
      assert.equal(hex(cpu.pc), hex(resetHandler));
    });

    it('flash info 0: STM32F407 id 0x10076413, 1024 KiB in 12 sectors, Rev 1', async (t) => {
      const ctx = await setup(t);
      if (ctx === undefined) return;
      const result = await runOpenOcd(ctx.openocd, {
        serverPort: ctx.sim.port,
        commands: ['init', 'echo [flash info 0]', 'shutdown'],
        timeoutMs: RUN_TIMEOUT_MS,
      });
      assertClean(result);
      assert.match(result.output, /device id = 0x10076413/);
      assert.match(result.output, /flash size = 1024 KiB/);
      assert.match(result.output, /#0 : stm32f2x at 0x08000000, size 0x00100000/);
      assert.match(result.output, /# {2}0: 0x00000000 \(0x4000 16kB\) not protected/);
      assert.match(result.output, /# {2}4: 0x00010000 \(0x10000 64kB\) not protected/);
      assert.match(result.output, /# 11: 0x000e0000 \(0x20000 128kB\) not protected/);
      assert.match(result.output, /STM32F4xx - Rev: 1/);
    });

    it('stm32f2x mass_erase 0: every byte of main flash reads 0xFF', async (t) => {
      const ctx = await setup(t);
      if (ctx === undefined) return;
      assert.ok(!allErased(ctx.sim.flash(0, FLASH_SIZE)), 'blinky should be in flash before the erase');
      const result = await runOpenOcd(ctx.openocd, {
        serverPort: ctx.sim.port,
        commands: ['init', 'reset halt', 'stm32f2x mass_erase 0', 'mdw 0x08000000 4', 'shutdown'],
        timeoutMs: RUN_TIMEOUT_MS,
      });
      assertClean(result);
      assert.match(result.output, /stm32x mass erase complete/);
      assert.match(result.output, /0x08000000: ffffffff ffffffff ffffffff ffffffff/);
      assert.ok(allErased(ctx.sim.flash(0, FLASH_SIZE)), 'main flash is not erased');
    });

    it('program blinky.elf verify reset exit: RAM loader and CRC on the core, Verified OK, blinky runs', async (t) => {
      // An erased chip (as the mass erase leaves it), so that everything in flash afterwards was written.
      const ctx = await setup(t, {});
      if (ctx === undefined) return;
      assert.ok(allErased(ctx.sim.flash(0, FLASH_SIZE)), 'the chip should start erased');
      const ledChanges: { at: number; leds: LedState }[] = [];
      const board = ctx.sim.board;
      board.onLedChange((leds) => ledChanges.push({ at: board.now, leds }));
      const result = await runOpenOcd(ctx.openocd, {
        serverPort: ctx.sim.port,
        commands: [`program ${blinky} verify reset exit`],
        timeoutMs: RUN_TIMEOUT_MS,
        debugLevel: 3, // the algorithms' register traffic shows that they ran on the core
      });
      assertClean(result);
      assert.match(result.output, /\*\* Programming Finished \*\*/);
      assert.match(result.output, /\*\* Verified OK \*\*/);
      assert.match(result.output, /\*\* Resetting Target \*\*/);
      // OpenOCD falls back to slow host-side paths when an algorithm fails; neither may have happened.
      assert.doesNotMatch(result.output, /falling back|slow memory|no working area/i);

      const log = result.output;
      const finished = log.indexOf('** Programming Finished **');
      const programming = log.slice(0, finished);
      const verifying = log.slice(finished);
      const inSram = '0x2000[0-9a-f]{4}';
      // The stm32f2x loader (C.6): started in the work area, it drains the FIFO — the read pointer
      // it writes back moves — and ends on its BKPT, in SRAM.
      const readPointers = [
        ...programming.matchAll(
          /target_run_flash_async_algorithm\(\): offs 0x\w+ count 0x\w+ wp 0x\w+ rp (0x\w+)/g,
        ),
      ].map((m) => m[1]);
      assert.ok(
        new Set(readPointers).size >= 2,
        `the loader's FIFO read pointer never moved: ${readPointers.join(' ')}`,
      );
      assert.match(
        programming,
        new RegExp(`write pc value ${inSram}[^]*entered debug state in core mode: Thread at PC ${inSram}`),
      );
      // The CRC routine (armv7m_checksum_memory): r0 on its BKPT is the CRC the core computed, and
      // it must be the one OpenOCD computed from the file.
      const checksum = /Calculating checksum done; checksum=(0x[0-9a-f]+)/.exec(verifying)?.[1];
      assert.ok(checksum !== undefined, 'OpenOCD did not verify by checksum');
      assert.match(
        verifying,
        new RegExp(
          `write pc value ${inSram}[^]*read r0 value ${checksum}\n[^]*entered debug state in core mode: Thread at PC ${inSram}`,
        ),
      );

      for (const segment of readImageFile(blinky).segments) {
        const offset = segment.address - MAIN_FLASH_BASE;
        const written = ctx.sim.flash(offset, segment.data.length);
        assert.deepEqual(written, segment.data, `flash at ${hex(segment.address)} differs from the image`);
      }
      assert.equal(ctx.sim.board.soc.cpu.halted, false, 'reset run leaves the core running');
      const since = ctx.sim.board.now;
      await assertBlinkyRuns(ctx.sim, 1100 * MS);
      const lit = new Set(
        ledChanges
          .filter((change) => change.at >= since)
          .map((change) => Object.entries(change.leds).find(([, on]) => on)?.[0] ?? 'none'),
      );
      // 250 ms per LED: in 1.1 s every one of the four lights up in turn.
      assert.deepEqual(
        [...lit].sort(),
        ['blue', 'green', 'orange', 'red'],
        `LEDs seen: ${[...lit].join(', ')}`,
      );
    });

    it('stm32f2x lock 0, reset halt: RDP level 1, the core halts on the reset vector catch', async (t) => {
      const ctx = await setup(t);
      if (ctx === undefined) return;
      assert.equal(ctx.sim.storedRdp, 0xaa, 'the chip should start at RDP level 0');
      const result = await runOpenOcd(ctx.openocd, {
        serverPort: ctx.sim.port,
        commands: ['init', 'reset halt', 'stm32f2x lock 0', 'reset halt', 'shutdown'],
        timeoutMs: RUN_TIMEOUT_MS,
      });
      assert.match(result.output, /stm32f2x locked/, describeRun(result));
      assert.equal(
        hex(ctx.sim.storedRdp),
        hex(0x00),
        'OpenOCD writes RDP = 0x00 for level 1 (reference C.7)',
      );
      assert.equal(ctx.sim.board.soc.devices.flash.rdpLevel, 1, 'level 1 is in force after the reset');
      assert.ok(!allErased(ctx.sim.flash(0, FLASH_SIZE)), 'locking must not erase');
      // A real F4 at level 1 with a debugger attached: flash reads fail for the core too (RM0090
      // §3.7.3), yet VC_CORERESET still halts it — OpenOCD prints "halted due to debug-request …
      // pc: 0xfffffffe msp: 0xfffffffc" (OpenOCD users' logs of locked STM32F4s).
      assert.equal(result.code, 0, describeRun(result));
      assert.equal(ctx.sim.board.soc.cpu.halted, true, 'reset halt must leave the core halted');
      const afterLock = result.output.slice(result.output.indexOf('stm32f2x locked'));
      assert.match(afterLock, /halted due to debug-request, current mode: Thread/, describeRun(result));
      assert.match(afterLock, /xPSR: 0x01000000 pc: 0xfffffffe msp: 0xfffffffc/, describeRun(result));
    });

    it('stm32f2x unlock 0, reset halt: RDP back to 0xAA, main flash mass-erased', async (t) => {
      // Locked as `stm32f2x lock 0` leaves it (RDP 0x00, level 1), with blinky in flash to be erased.
      const ctx = await setup(t, { firmware: blinky, readProtection: 0x00 });
      if (ctx === undefined) return;
      assert.equal(hex(ctx.sim.storedRdp), hex(0x00), 'the chip should start at RDP level 1');
      assert.ok(!allErased(ctx.sim.flash(0, FLASH_SIZE)), 'blinky should be in flash before the unlock');
      // No `reset halt` before the unlock: neither lock nor unlock needs a halted core (docs/stlink-protocol.md §C.7).
      const result = await runOpenOcd(ctx.openocd, {
        serverPort: ctx.sim.port,
        commands: ['init', 'stm32f2x unlock 0', 'reset halt', 'echo [flash info 0]', 'shutdown'],
        timeoutMs: RUN_TIMEOUT_MS,
      });
      assertClean(result);
      assert.match(result.output, /stm32f2x unlocked/);
      assert.equal(hex(ctx.sim.storedRdp), hex(0xaa));
      assert.equal(ctx.sim.board.soc.devices.flash.rdpLevel, 0);
      assert.ok(allErased(ctx.sim.flash(0, FLASH_SIZE)), 'leaving level 1 must mass-erase main flash');
      // An erased chip's vectors read 0xFFFFFFFF: the catch halts with those (as on hardware).
      assert.match(result.output, /halted due to debug-request, current mode: Thread/);
      assert.match(result.output, /pc: 0xfffffffe msp: 0xfffffffc/);
      assert.match(result.output, /STM32F4xx - Rev: 1/);
      // OpenOCD's protection check reports level 1 before it writes the option bytes.
      assert.match(result.output, /Device Security Bit Set\n[^]*stm32f2x unlocked/);
    });
  },
);

/**
 * What the lock test needs, at board level without OpenOCD: a reset with DHCSR.C_DEBUGEN and
 * DEMCR.VC_CORERESET set on a chip at RDP level 1 that a debugger has accessed (RM0090 §3.7.3: flash
 * is unreadable then). Real parts halt with SP/PC from all-ones vectors (OpenOCD users' logs show
 * "pc: 0xfffffffe msp: 0xfffffffc"); the simulator once locked up instead (fixed in ce82cd3).
 */
describe('simulator: reset vector catch on a read-protected chip', () => {
  it('a debugger reset with VC_CORERESET halts the core with SP 0xFFFFFFFC, PC 0xFFFFFFFE', () => {
    const storage = new FlashStorage();
    storage.optionWord = (storage.optionWord & ~0xff00) | (0x00 << 8); // RDP = 0x00: level 1
    storage.preload(MAIN_FLASH_BASE, new Uint8Array([0x00, 0x00, 0x02, 0x20, 0x01, 0x02, 0x00, 0x08]));
    const board = new DiscoveryBoard({ storage });
    const soc = board.soc;
    assert.equal(soc.devices.flash.rdpLevel, 1);
    soc.debugWrite(0xe000edf0, 4, 0xa05f0001); // DHCSR: DBGKEY | C_DEBUGEN
    soc.debugWrite(0xe000edfc, 4, 0x01000001); // DEMCR: TRCENA | VC_CORERESET
    soc.debugWrite(0xe000ed0c, 4, 0x05fa0004); // AIRCR: VECTKEY | SYSRESETREQ
    board.runFor(1e6);
    const cpu = soc.cpu;
    assert.equal(
      cpu.halted,
      true,
      `after the reset: halted=${cpu.halted} lockedUp=${cpu.lockedUp} pc=${hex(cpu.pc)}; DHCSR.S_HALT never sets`,
    );
    assert.equal(cpu.lockedUp, false);
    assert.equal(hex(cpu.pc), hex(0xfffffffe));
    assert.equal(hex(cpu.r[13]!), hex(0xfffffffc));
  });
});
