/**
 * How flashing reports progress without knowing who listens: the CLI draws bars on a TTY, prints
 * plain lines otherwise and JSON Lines with --json; a browser UI can do its own. Amounts are bytes.
 */
export type FlashPhase = 'compare' | 'erase' | 'program' | 'verify' | 'ram';

export interface FlashProgress {
  /** A phase begins with `total` bytes of work (for erase: the bytes of the sectors erased). */
  start(phase: FlashPhase, total: number, detail?: string): void;
  /** `done` bytes of the phase are finished (monotonic, at most `total`). */
  update(phase: FlashPhase, done: number): void;
  /** The phase is over (also after a failure, so a bar can be closed). */
  end(phase: FlashPhase): void;
}

export const SILENT_PROGRESS: FlashProgress = {
  start: () => undefined,
  update: () => undefined,
  end: () => undefined,
};
