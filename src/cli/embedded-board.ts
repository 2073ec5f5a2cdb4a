import { readImageFile } from '../flash/image/load.node.js';
import { placeInFlash } from '../flash/placement.js';
import { DiscoveryBoard } from '../sim/board/discovery.js';
import { FaultyProbe, type FaultPlan } from '../sim/board/faults.js';
import { BoardRunner } from '../sim/board/runner.js';
import { loadState, saveState } from '../sim/board/state-file.node.js';
import type { ProbeModelName } from '../sim/probe/models.js';
import { VirtualStLinkDevice } from '../sim/probe/virtual-stlink.js';
import { MEMORY } from '../sim/soc/memory-map.js';
import { flashExtent, STM32F40X } from '../target/index.js';
import { InProcessTransport } from '../transport/in-process.js';

/** The virtual board's STM32F407VG: the family's flash, as much of it as the part reports. */
const BOARD_FLASH = flashExtent(STM32F40X, MEMORY.FLASH_SIZE, 'STM32F407VG');

export interface EmbeddedBoardOptions {
  /** Flash, OTP and option bytes persist in this file (the `swdkit sim --state` format). */
  readonly state?: string;
  /** In flash at power-on when there is no state yet. */
  readonly firmware?: string;
  readonly model: ProbeModelName;
  readonly powered: boolean;
  /** Virtual time follows the wall clock from the start (`sim:realtime=on`). */
  readonly realtime?: boolean;
  readonly faults?: FaultPlan;
  /**
   * Virtual time the board runs before the command reaches it (default 1 s): a board on a desk has
   * been powered for a while, so firmware that turns SWD off or sleeps soon after reset (swd-off,
   * standby, stop) has done so, as it would have on the user's board.
   */
  readonly uptimeSeconds?: number;
}

export const DEFAULT_UPTIME_SECONDS = 1;

/**
 * `--probe sim`: a virtual STM32F4DISCOVERY inside this process, reached through the same StLink
 * driver as a USB probe, so every command works without hardware or a second terminal. The board
 * runs on the event loop (unpaced, as fast as it can, unless asked to follow the wall clock) and
 * its non-volatile memory is saved to the state file when the command ends, however it ends.
 */
export class EmbeddedBoard {
  readonly board: DiscoveryBoard;
  readonly probe: FaultyProbe;
  readonly transport: InProcessTransport;
  /** Whether the state file existed (the board continues where the last command left it). */
  readonly restored: boolean;
  private runner: BoardRunner;
  private failure: unknown;
  private closed = false;

  constructor(private readonly options: EmbeddedBoardOptions) {
    const storage = options.state === undefined ? undefined : loadState(options.state);
    this.restored = storage !== undefined;
    // A saved chip already holds whatever was flashed into it: firmware= only seeds a fresh one.
    const preload =
      options.firmware === undefined || storage !== undefined
        ? undefined
        : placeInFlash(readImageFile(options.firmware).segments, BOARD_FLASH, options.firmware);
    this.board = new DiscoveryBoard({
      powered: false,
      ...(storage === undefined ? {} : { storage }),
      ...(preload === undefined ? {} : { preload }),
    });
    if (options.powered) {
      this.board.power(true);
      this.board.runFor((options.uptimeSeconds ?? DEFAULT_UPTIME_SECONDS) * 1e9);
    }
    this.runner = this.newRunner(options.realtime ?? false);
    // The probe charges whichever runner is current: `follow the wall clock` swaps it mid-command.
    const device = new VirtualStLinkDevice(this.board, {
      model: options.model,
      charge: (ns) => this.runner.charge(ns),
    });
    this.probe = new FaultyProbe(this.board, device, options.faults);
    this.transport = new InProcessTransport(this.probe);
    this.runner.start();
  }

  get paced(): boolean {
    return this.runner.paced;
  }

  /**
   * Makes virtual time follow the wall clock from now on (or stop following it), e.g. so that
   * blinking LEDs blink at their own rate while someone watches.
   */
  setPaced(paced: boolean): void {
    if (this.closed || paced === this.runner.paced) return;
    this.runner.stop();
    this.runner = this.newRunner(paced);
    this.runner.start();
  }

  /**
   * The session's clock on this board: time is the board's, and waiting lets the board run (unpaced,
   * a 250 ms sector erase is waited out in a few ms of wall time; following the wall clock, waiting
   * is waiting). The session measures its timeouts on the same clock as the target's work.
   */
  readonly clock = {
    now: (): number => this.board.now / 1e6,
    sleep: async (ms: number): Promise<void> => {
      if (this.runner.paced || this.closed) {
        await new Promise((resolve) => setTimeout(resolve, ms));
        return;
      }
      this.board.runFor(ms * 1e6);
      await new Promise((resolve) => setImmediate(resolve));
    },
  };

  /** A simulator bug that stopped the board, if one did. */
  get error(): unknown {
    return this.failure;
  }

  /** Stops the board and saves its state file. Idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.runner.stop();
    if (this.options.state !== undefined) saveState(this.options.state, this.board.soc.devices.flash.storage);
  }

  private newRunner(paced: boolean): BoardRunner {
    return new BoardRunner(this.board, {
      paced,
      onError: (error) => {
        this.failure = error;
      },
    });
  }
}
