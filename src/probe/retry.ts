import { StLinkServerBusyError } from '../transport/errors.js';
import { isStatusOk, isStatusRetryable, StLinkStatusError } from '../protocol/status.js';

/**
 * WAIT handling, in exactly one place (docs/stlink-protocol.md §A.2 retry rule): a status of 0x10
 * (SWD_AP_WAIT) or 0x14 (SWD_DP_WAIT) re-sends the whole command — or the whole memory chunk with its
 * GETLASTRWSTATUS(2) — up to `retries` more times, sleeping 1, 2, 4, … ms in between (OpenOCD: 8
 * retries, 1…128 ms). Every other status is final.
 *
 * An stlink-server's TCP_BUSY is the same condition one layer out (D.2: OpenOCD maps it to
 * ERROR_WAIT), so the StLinkServerBusyError the stlink-server client raises for it is retried here too.
 */

export interface WaitRetryPolicy {
  /** How many times a command is re-sent after a WAIT (so at most retries + 1 attempts). */
  readonly retries: number;
  /** The first back-off; each further one doubles. */
  readonly firstDelayMs: number;
}

export const DEFAULT_WAIT_RETRY: WaitRetryPolicy = { retries: 8, firstDelayMs: 1 };

export type Sleep = (ms: number) => Promise<void>;

export const wallClockSleep: Sleep = (ms) =>
  new Promise((resolve) => {
    setTimeout(resolve, ms);
  });

/** One try of a command: the status the probe returned and what to return if it is ok. */
export interface Attempt<T> {
  readonly status: number;
  readonly result: T;
  /** GETLASTRWSTATUS2's fault address, reported with a failed memory command. */
  readonly faultAddress?: number;
}

export async function retryWhileWait<T>(
  what: string,
  attempt: () => Promise<Attempt<T>>,
  policy: WaitRetryPolicy,
  sleep: Sleep,
  /** The outcome of a first try already made (a pipelined one): counted as attempt 1. */
  first?: Attempt<T>,
): Promise<T> {
  let delay = policy.firstDelayMs;
  for (let tries = 1; ; tries++) {
    let outcome: Attempt<T>;
    try {
      outcome = tries === 1 && first !== undefined ? first : await attempt();
    } catch (error) {
      if (!(error instanceof StLinkServerBusyError) || tries > policy.retries) throw error;
      await sleep(delay);
      delay *= 2;
      continue;
    }
    if (isStatusOk(outcome.status)) return outcome.result;
    if (!isStatusRetryable(outcome.status) || tries > policy.retries) {
      throw new StLinkStatusError(outcome.status, what, {
        attempts: tries,
        ...(outcome.faultAddress === undefined ? {} : { faultAddress: outcome.faultAddress }),
      });
    }
    await sleep(delay);
    delay *= 2;
  }
}
