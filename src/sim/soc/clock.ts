/**
 * The board's one clock. Virtual time is a float64 count of nanoseconds since power-on; it advances
 * only when the SoC runs (the core executing cycles at the current HCLK, or sleeping to the next
 * event), never with the wall clock unless the caller paces it (`--realtime`).
 *
 * Timed behaviour (PLL lock, flash erase, IWDG expiry, UART bytes) is expressed as events at an
 * absolute time. The SoC runs the core up to the earliest event, fires it, and goes on.
 */
export type TimerCallback = (now: number) => void;

export interface TimerHandle {
  /** Cancels the event if it has not fired; cancelling twice is harmless. */
  cancel(): void;
}

export interface VirtualClock {
  /** Nanoseconds since power-on. */
  readonly now: number;
  /** Runs `callback` once when virtual time reaches `at` (ns); an `at` in the past fires next. */
  scheduleAt(at: number, callback: TimerCallback): TimerHandle;
  /** `scheduleAt(now + delay, callback)`. */
  scheduleIn(delay: number, callback: TimerCallback): TimerHandle;
}

export const NS_PER_SECOND = 1e9;
export const NS_PER_MS = 1e6;
export const NS_PER_US = 1e3;
