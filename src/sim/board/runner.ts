import { NS_PER_MS } from '../soc/clock.js';

/** What a runner drives: anything with a virtual clock that runs for a while when asked. */
export interface RunnableBoard {
  readonly now: number;
  runFor(ns: number): void;
  /** True while the core cannot execute (halted, held in reset, unpowered, Stop, Standby). */
  readonly idle?: boolean;
}

/**
 * Every knob of the runner, in one place.
 *
 * Unpaced, the board runs `unpacedSliceNs` of virtual time per call and yields to the event loop
 * (setImmediate) after `unpacedWallBudgetMs` of wall time, so a probe command waits at most that long
 * for its turn (OpenOCD sends thousands of them in sequence: 8 ms turns made `program` 5× slower).
 * While the core is idle (halted at a breakpoint, held in reset, in Standby) nothing needs
 * simulating, and racing ahead would put thousands of virtual seconds behind a debugger's pause:
 * virtual time then passes at `unpacedIdleSpeedup` × the wall clock, in `unpacedIdleTickMs` steps —
 * still fast enough that a flash erase the host waits for takes a fraction of its real duration.
 *
 * A probe command's cost (`charge`) is spent the same way: up to `unpacedChargeSliceNs` at once, more
 * in slices of that size for at most `unpacedWallBudgetMs` of wall time per event-loop turn, so a
 * command modelled to take seconds (a 6 KiB read at the 5 kHz clock is ~15 s) holds its reply back
 * for that long without stopping the process from serving other clients and its signals.
 *
 * Paced (`--realtime`), virtual time follows the wall clock: every `pacedTickMs` the board runs up
 * to "virtual start + wall time elapsed", in the same slices and with the same yielding. When it
 * falls behind by more than `pacedMaxLagNs` (a core that cannot keep up with its clock, a host
 * that was suspended) the debt is forgiven rather than paid back in a burst.
 */
export const RUNNER_PARAMETERS = {
  unpacedSliceNs: 1 * NS_PER_MS,
  unpacedWallBudgetMs: 1,
  unpacedIdleSpeedup: 100,
  unpacedIdleTickMs: 1,
  unpacedChargeSliceNs: 10 * NS_PER_MS,
  pacedTickMs: 10,
  pacedSliceNs: 1 * NS_PER_MS,
  pacedWallBudgetMs: 8,
  pacedMaxLagNs: 100 * NS_PER_MS,
} as const;

export type RunnerParameters = { -readonly [K in keyof typeof RUNNER_PARAMETERS]: number };

export interface BoardRunnerOptions {
  /** `--realtime`: virtual time follows the wall clock. Unpaced (false) by default. */
  readonly paced?: boolean;
  readonly parameters?: Partial<RunnerParameters>;
  /** Wall clock in ms (tests inject one); `performance.now` by default. */
  readonly wallClock?: () => number;
  /** A simulator bug thrown out of the board stops the runner and is reported here. */
  readonly onError?: (error: unknown) => void;
}

/**
 * Runs a board continuously on the Node event loop, and charges the modelled cost of probe
 * commands (`charge`, the virtual probe's `ChargeCost`).
 */
/**
 * Resolves once `ms` of wall time (performance.now) has passed: never before, and as little after as
 * the event loop allows. A bare setTimeout fires up to a millisecond early (Node counts whole
 * milliseconds from the loop's cached time: a 16.9 ms reply could go out after 16.1 ms), and
 * rounding its delay up makes it 0.65 ms late on average; so the timer covers all but the last
 * millisecond and setImmediate turns, which let other work run, cover the rest (5 µs late at the
 * median, measured on this host).
 */
function atLeast(ms: number): Promise<void> {
  const due = performance.now() + ms;
  return new Promise((resolve) => {
    const check = (): void => {
      const left = due - performance.now();
      if (left <= 0) resolve();
      else if (left > 1) setTimeout(check, left - 1);
      else setImmediate(check);
    };
    check();
  });
}

export class BoardRunner {
  readonly paced: boolean;
  readonly parameters: Readonly<RunnerParameters>;
  private running = false;
  private timer: NodeJS.Timeout | undefined = undefined;
  private immediate: NodeJS.Immediate | undefined = undefined;
  private readonly wall: () => number;
  private readonly onError: ((error: unknown) => void) | undefined;
  /** Paced: wall time (ms) and virtual time (ns) that correspond. */
  private anchorWallMs = 0;
  private anchorVirtualNs = 0;
  /** Charges still being spent in slices (unpaced), each finished at once by `finishCharges`. */
  private readonly spending = new Set<() => void>();
  /** The error that stopped the runner, if any. */
  failure: unknown = undefined;

  constructor(
    readonly board: RunnableBoard,
    options: BoardRunnerOptions = {},
  ) {
    this.paced = options.paced ?? false;
    this.parameters = { ...RUNNER_PARAMETERS, ...options.parameters };
    this.wall = options.wallClock ?? (() => performance.now());
    this.onError = options.onError;
  }

  get isRunning(): boolean {
    return this.running;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.failure = undefined;
    this.anchorWallMs = this.wall();
    this.anchorVirtualNs = this.board.now;
    this.schedule(0);
  }

  stop(): void {
    this.running = false;
    if (this.timer !== undefined) clearTimeout(this.timer);
    if (this.immediate !== undefined) clearImmediate(this.immediate);
    this.timer = undefined;
    this.immediate = undefined;
  }

  /**
   * Shutting down: every charge still being spent completes now, its reply going out early, so that
   * closing the server does not wait seconds for a command modelled to be slow.
   */
  finishCharges(): void {
    for (const finish of [...this.spending]) finish();
  }

  /**
   * A probe command's modelled cost (virtual ns). Unpaced: the board runs that long before the reply
   * goes out — at once when it is short, in slices between event-loop turns when it is not. Paced:
   * the promise resolves after that much wall time, while the board keeps following the clock.
   */
  readonly charge = (ns: number): void | Promise<void> => {
    if (!(ns > 0)) return undefined;
    if (this.paced) return atLeast(ns / NS_PER_MS);
    const left = { ns };
    if (this.spend(left)) return undefined;
    return new Promise<void>((resolve) => {
      const finish = (): void => {
        this.spending.delete(finish);
        left.ns = 0;
        resolve();
      };
      this.spending.add(finish);
      const step = (): void => {
        if (left.ns <= 0) return; // finished early
        if (this.spend(left)) finish();
        else setImmediate(step);
      };
      setImmediate(step);
    });
  };

  /**
   * Runs the board for `left.ns` (decremented as it goes) in charge slices, for at most one wall
   * budget; true when all of it ran (or the simulator threw, which `runBoard` reports).
   */
  private spend(left: { ns: number }): boolean {
    const p = this.parameters;
    const started = this.wall();
    while (left.ns > 0) {
      const ns = Math.min(left.ns, p.unpacedChargeSliceNs);
      if (!this.runBoard(ns)) return true;
      left.ns -= ns;
      if (left.ns > 0 && this.wall() - started >= p.unpacedWallBudgetMs) return false;
    }
    return true;
  }

  /** Virtual time the board should have reached now (paced). */
  private get pacedTarget(): number {
    return this.anchorVirtualNs + (this.wall() - this.anchorWallMs) * NS_PER_MS;
  }

  private schedule(delayMs: number): void {
    if (!this.running) return;
    if (delayMs <= 0) {
      this.immediate = setImmediate(() => {
        this.immediate = undefined;
        this.slice();
      });
    } else {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.slice();
      }, delayMs);
    }
  }

  private slice(): void {
    if (!this.running) return;
    const p = this.parameters;
    const started = this.wall();
    if (!this.paced) {
      if (this.boardIdle()) {
        if (this.runBoard(p.unpacedIdleTickMs * p.unpacedIdleSpeedup * NS_PER_MS))
          this.schedule(p.unpacedIdleTickMs);
        return;
      }
      do {
        if (!this.runBoard(p.unpacedSliceNs)) return;
      } while (this.wall() - started < p.unpacedWallBudgetMs && !this.boardIdle());
      this.schedule(0);
      return;
    }
    let target = this.pacedTarget;
    if (target - this.board.now > p.pacedMaxLagNs) {
      this.anchorVirtualNs -= target - this.board.now - p.pacedMaxLagNs;
      target = this.pacedTarget;
    }
    while (this.board.now < target) {
      if (!this.runBoard(Math.min(p.pacedSliceNs, target - this.board.now))) return;
      if (this.wall() - started >= p.pacedWallBudgetMs) {
        this.schedule(0); // behind: catch up, but let sockets in between
        return;
      }
    }
    this.schedule(p.pacedTickMs);
  }

  private boardIdle(): boolean {
    return this.board.idle === true;
  }

  /** Runs the board; false (and the runner stopped) if the simulator threw. */
  private runBoard(ns: number): boolean {
    try {
      this.board.runFor(ns);
      return true;
    } catch (error) {
      this.failure = error;
      this.stop();
      this.onError?.(error);
      return false;
    }
  }
}
