/**
 * A virtual STM32F4DISCOVERY served in-process on an ephemeral port, as `swdkit sim` serves it, for
 * tests that point real host programs (OpenOCD, gdb-multiarch) at it and then look at the board
 * itself: LEDs, SRAM, flash, option bytes.
 *
 *     const sim = await startVirtualBoardServer({ firmware: firmwareElf('blinky') });
 *     // openocd ... -c "hla_stlink_backend tcp ${sim.port}" ...
 *     sim.runFor(300e6); // only while `sim.pause()`d: advance 300 ms of virtual time here
 *     await sim.close();
 */
import assert from 'node:assert/strict';
import type { TestContext } from 'node:test';
import { readImageFile } from '../../src/flash/image/load.node.js';
import { DiscoveryBoard } from '../../src/sim/board/discovery.js';
import { BoardRunner, type RunnerParameters } from '../../src/sim/board/runner.js';
import type { ProbeModelName } from '../../src/sim/probe/models.js';
import { VirtualStLinkDevice } from '../../src/sim/probe/virtual-stlink.js';
import { startServer, type ServerEvent, type StLinkServer } from '../../src/server/server.node.js';
import type { SessionStats } from '../../src/server/stats.node.js';
import { FlashStorage } from '../../src/sim/soc/flash/flash-storage.js';
import { mainFlashBase, STM32F40X } from '../../src/target/index.js';
import { InProcessTransport } from '../../src/transport/in-process.js';
import { readElf, type ElfFile } from './elf.js';

export interface VirtualBoardServerOptions {
  /** An image (ELF, HEX, BIN) in flash before the first power-up (`swdkit sim --firmware`). */
  readonly firmware?: string;
  /** The virtual probe: the Discovery's ST-LINK/V2-A (default) or an STLINK-V3. */
  readonly probeModel?: ProbeModelName;
  /** Target power at start (default on; `--no-power`). */
  readonly powered?: boolean;
  /** `--realtime`: virtual time follows the wall clock (default: as fast as the core runs). */
  readonly realtime?: boolean;
  /**
   * The runner's knobs (src/sim/board/runner.ts). Unpaced, `unpacedWallBudgetMs` is how long the
   * board keeps the event loop between socket turns: every probe command waits for it.
   */
  readonly runnerParameters?: Partial<RunnerParameters>;
  /** Also append the server's per-session stats to this file (`--stats FILE`). */
  readonly statsFile?: string;
  /**
   * The RDP byte of the option bytes at the first power-up (RM0090 §3.7.3): 0xAA, level 0, by default;
   * 0x00 is what OpenOCD's `stm32f2x lock` leaves (level 1), as a `--state` file would keep it.
   */
  readonly readProtection?: number;
}

export interface VirtualBoardServer {
  readonly board: DiscoveryBoard;
  readonly runner: BoardRunner;
  readonly device: VirtualStLinkDevice;
  readonly server: StLinkServer;
  readonly port: number;
  /** Stats of every closed server session so far, in order. */
  readonly sessions: readonly SessionStats[];
  /** Protocol and probe errors the server reported (a test usually asserts there are none). */
  readonly errors: readonly ServerEvent[];
  /** Stops the board's own running (probe commands still charge time); `resume()` restarts it. */
  pause(): void;
  resume(): void;
  /** Advances virtual time by `ns` here and now (use while paused, or between host programs). */
  runFor(ns: number): void;
  /**
   * Lets the runner advance the board until `predicate` holds or `maxVirtualNs` of virtual time has
   * passed (then rejects); the event loop keeps serving clients meanwhile.
   */
  waitFor(predicate: () => boolean, maxVirtualNs: number, what?: string): Promise<void>;
  /** A 32-bit word as the core's bus sees it (SRAM, flash, peripherals; no debugger involved). */
  read32(address: number): number;
  /** The address of a symbol of `elf` (e.g. `blinky_ticks`), for `read32`. */
  symbolAddress(elf: ElfFile | string, name: string): number;
  /** Bytes of main flash at offset `offset` from 0x08000000. */
  flash(offset: number, length: number): Uint8Array;
  /** The RDP byte stored in the option bytes (0xAA = level 0; RM0090 §3.7.3). */
  readonly storedRdp: number;
  /** Stops the server (waiting for clients to finish their sessions) and the runner. */
  close(): Promise<void>;
}

/**
 * Unpaced, the runner keeps the event loop for up to `unpacedWallBudgetMs` per turn and every probe
 * command waits for that turn to end. The default (8 ms) makes an OpenOCD `program` of blinky take
 * 3.5–5 s of wall time; 1 ms takes it under 1 s (bench/openocd.ts) and still lets blinky run several
 * times faster than real time.
 */
export const TEST_RUNNER_PARAMETERS: Partial<RunnerParameters> = { unpacedWallBudgetMs: 1 };

export async function startVirtualBoardServer(
  options: VirtualBoardServerOptions = {},
): Promise<VirtualBoardServer> {
  let storage: FlashStorage | undefined;
  if (options.readProtection !== undefined) {
    storage = new FlashStorage();
    storage.optionWord = (storage.optionWord & ~0xff00) | ((options.readProtection & 0xff) << 8);
  }
  const board = new DiscoveryBoard({ powered: false, ...(storage === undefined ? {} : { storage }) });
  if (options.firmware !== undefined) {
    board.preload(
      readImageFile(options.firmware).segments.map((s) => ({ address: s.address, data: s.data })),
    );
  }
  if (options.powered ?? true) board.power(true);
  let failure: unknown;
  const runner = new BoardRunner(board, {
    paced: options.realtime ?? false,
    parameters: { ...TEST_RUNNER_PARAMETERS, ...options.runnerParameters },
    onError: (error) => {
      failure = error;
    },
  });
  const device = new VirtualStLinkDevice(board, {
    ...(options.probeModel === undefined ? {} : { model: options.probeModel }),
    charge: runner.charge,
  });
  const sessions: SessionStats[] = [];
  const errors: ServerEvent[] = [];
  const server = await startServer({
    devices: [new InProcessTransport(device)],
    port: 0,
    ...(options.statsFile === undefined ? {} : { statsFile: options.statsFile }),
    onEvent: (event) => {
      if (event.kind === 'close') sessions.push(event.stats);
      else if (event.kind !== 'connect') errors.push(event);
    },
  });
  runner.start();
  const elfs = new Map<string, ElfFile>();
  const checkRunner = (): void => {
    if (failure !== undefined) {
      const what = failure instanceof Error ? (failure.stack ?? failure.message) : JSON.stringify(failure);
      throw new Error(`the simulator threw out of the board: ${what}`, { cause: failure });
    }
  };

  return {
    board,
    runner,
    device,
    server,
    port: server.port,
    sessions,
    errors,
    pause: () => {
      runner.stop();
    },
    resume: () => {
      checkRunner();
      runner.start();
    },
    runFor: (ns) => {
      board.runFor(ns);
    },
    async waitFor(predicate, maxVirtualNs, what = 'the condition') {
      const deadline = board.now + maxVirtualNs;
      while (!predicate()) {
        checkRunner();
        if (!runner.isRunning) throw new Error(`waiting for ${what}, but the board is paused`);
        if (board.now > deadline) {
          throw new Error(`${what} did not happen within ${maxVirtualNs / 1e6} ms of virtual time`);
        }
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    },
    read32: (address) => board.soc.bus.read32(address) >>> 0,
    symbolAddress(elf, name) {
      let file: ElfFile | undefined = typeof elf === 'string' ? elfs.get(elf) : elf;
      if (file === undefined && typeof elf === 'string') {
        file = readElf(elf);
        elfs.set(elf, file);
      }
      return file!.requireSymbol(name).address;
    },
    flash: (offset, length) => board.soc.devices.flash.main.slice(offset, offset + length),
    get storedRdp() {
      return (board.soc.devices.flash.storage.optionWord >>> 8) & 0xff;
    },
    async close() {
      await server.close();
      runner.stop();
      checkRunner();
    },
  };
}

/**
 * A virtual board server of the test's own, so that no test depends on what another left on a board:
 * started now, closed when the test ends. With `noServerErrors` (the default) the test also fails if the
 * server reported protocol or probe errors.
 */
export async function virtualBoardFor(
  t: TestContext,
  options: VirtualBoardServerOptions & { readonly noServerErrors?: boolean } = {},
): Promise<VirtualBoardServer> {
  const sim = await startVirtualBoardServer(options);
  t.after(async () => {
    await sim.close();
    if (options.noServerErrors ?? true)
      assert.deepEqual(sim.errors, [], 'the server reported protocol or probe errors');
  });
  return sim;
}

/** Main flash's address (the chip description's), for tests that compare `flash()` with an image. */
export const MAIN_FLASH_BASE = mainFlashBase(STM32F40X);
