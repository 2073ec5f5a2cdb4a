import type { TimerHandle, VirtualClock } from '../clock.js';

/**
 * A clock source with a start-up (or lock) time: asked to run, it becomes ready after its delay in
 * virtual time; stopped, it is not ready at once (RM0090 §7.3.1: the RDY flags clear within a few
 * cycles of the ON bit, which we take as immediate).
 */
export class Oscillator {
  private running = false;
  private isReady = false;
  private timer: TimerHandle | undefined = undefined;

  constructor(
    private readonly clock: VirtualClock,
    private readonly onReady: () => void,
  ) {}

  get ready(): boolean {
    return this.isReady;
  }

  /** Starts (if `on` and not already started) or stops the oscillator. */
  request(on: boolean, startupNs: number): void {
    if (on === this.running) return;
    if (on) {
      this.running = true;
      this.timer = this.clock.scheduleIn(startupNs, () => {
        this.timer = undefined;
        this.isReady = true;
        this.onReady();
      });
    } else {
      this.stop();
    }
  }

  /** Running and ready now, without a start-up (the HSI at reset). */
  forceReady(): void {
    this.timer?.cancel();
    this.timer = undefined;
    this.running = true;
    this.isReady = true;
  }

  stop(): void {
    this.timer?.cancel();
    this.timer = undefined;
    this.running = false;
    this.isReady = false;
  }
}
