/** The Session contract's plain types (issue 12): connecting, consent, flashing, resetting. */
import type { FlashProgress } from '../flash/progress.js';

export type ConnectStrategy = 'normal' | 'under-reset' | 'attach' | 'auto';

export interface ConnectOptions {
  /** Default 'auto': normal, then a slower clock, then under reset. */
  readonly strategy?: ConnectStrategy;
  /** Default 4000 (a V2 takes the nearest divisor at or below: 4000 kHz on V2-1). */
  readonly speedKHz?: number;
  /** Waiting; default wall-clock timers. The virtual board passes one that runs the board. */
  readonly sleep?: (ms: number) => Promise<void>;
  /** Wall ms, monotonic; default performance.now(). */
  readonly now?: () => number;
}

/** One try of the connect ladder, for the report and for `doctor` later. */
export interface ConnectAttempt {
  readonly method: 'normal' | 'slow-clock' | 'under-reset' | 'attach';
  readonly speedKHz: number;
  readonly ok: boolean;
  readonly error?: { readonly code: string; readonly message: string };
}

export interface ConnectReport {
  readonly method: ConnectAttempt['method'];
  readonly speedKHz: number;
  readonly attempts: readonly ConnectAttempt[];
  /**
   * One line for the user when the first attempt failed, e.g. "connected under reset: the SW-DP did
   * not answer at 4000 or 100 kHz (the firmware probably disables SWD or enters a low-power mode)".
   */
  readonly explanation?: string;
  /** NaN when the probe cannot measure it. */
  readonly targetVolts: number;
  /** Whether the core was already halted when swdkit connected (normal and attach; false under reset). */
  readonly coreWasHalted: boolean;
}

/** What the user agreed to. The CLI fills it from --yes, a TTY prompt, and --permanent flags. */
export interface Consent {
  readonly yes: boolean;
  /** Asks on a TTY; absent when there is none (then `yes` decides). */
  readonly ask?: (question: string) => Promise<boolean>;
  /** RDP level 2 only: the chip's unique ID (24 hex digits) typed on the TTY or given with the flag. */
  readonly permanentConfirmation?: (uniqueId: string) => Promise<boolean>;
}

export interface FlashOptions {
  /** Default true. */
  readonly verify?: boolean;
  readonly fullErase?: boolean;
  readonly progress?: FlashProgress;
}

export type ResetMethod = 'auto' | 'nrst' | 'sysresetreq' | 'vectreset';
