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
