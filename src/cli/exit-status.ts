import type { ErrorClass } from '../util/errors.js';

/**
 * Exit statuses, one per failure class, documented in the README. 0 is success; 1 is reserved for
 * internal errors so that a crash is never mistaken for a diagnosis.
 */
export const EXIT_STATUS = {
  ok: 0,
  internal: 1,
  usage: 2,
  badInput: 3,
  unavailable: 4,
  target: 5,
  consent: 6,
  timeout: 7,
  /** Conventional 128 + SIGINT. */
  interrupted: 130,
} as const satisfies Record<ErrorClass | 'ok' | 'interrupted', number>;

export function exitStatusFor(errorClass: ErrorClass): number {
  return EXIT_STATUS[errorClass];
}
