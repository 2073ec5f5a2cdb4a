import type { Clock } from './debug-access.js';

/**
 * Polls `check` until it returns a value other than undefined, or `timeoutMs` passes on `clock`.
 * The first look is immediate; then every `intervalMs` (each look is a probe round trip, so a short
 * interval costs little and a halt is usually seen on the first or second look).
 */
export async function pollUntil<T>(
  clock: Clock,
  timeoutMs: number,
  check: () => Promise<T | undefined>,
  intervalMs = 1,
): Promise<T | undefined> {
  const start = clock.now();
  for (;;) {
    const result = await check();
    if (result !== undefined) return result;
    if (clock.now() - start >= timeoutMs) return undefined;
    await clock.sleep(intervalMs);
  }
}
