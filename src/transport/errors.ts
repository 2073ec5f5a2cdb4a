import { UnavailableError, type SwdkitErrorOptions } from '../util/errors.js';

/**
 * An stlink-server answered TCP_BUSY: another client holds the probe for the moment. The same
 * condition as a WAIT from the probe, one layer out, so probe/retry.ts retries a command that gets it
 * (it tests for this class, never for the code). `unavailable.stlink-server-busy`.
 */
export class StLinkServerBusyError extends UnavailableError {
  override readonly name: string = 'StLinkServerBusyError';
  constructor(message: string, options?: SwdkitErrorOptions) {
    super('stlink-server-busy', message, options);
  }
}

export function closedTransportError(location: string): UnavailableError {
  return new UnavailableError('transport-closed', `The link to ${location} is closed.`, {
    hint: 'Open the probe again.',
  });
}

/** Rejects with `onTimeout()` if `promise` has not settled within `ms`; clears its timer either way. */
export async function withTimeout<T>(promise: Promise<T>, ms: number, onTimeout: () => Error): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(onTimeout());
    }, ms);
  });
  try {
    return await Promise.race([promise, expired]);
  } finally {
    clearTimeout(timer);
  }
}
