import { ERROR_CLASSES, SwdkitError, UnavailableError, type SwdkitErrorOptions } from '../util/errors.js';

/** A transfer or handshake that did not complete in time (`timeout.<code>`). */
export class TransportTimeoutError extends SwdkitError {
  override readonly name = 'TransportTimeoutError';
  constructor(code: string, message: string, options?: SwdkitErrorOptions) {
    super(`timeout.${code}`, ERROR_CLASSES.timeout, message, options);
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
