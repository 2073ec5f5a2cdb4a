/**
 * Every failure swdkit reports is a SwdkitError: a stable machine-readable `code`, a message that says
 * what went wrong, and a `hint` that says what to do next. The CLI maps the code's class to an exit
 * status (src/cli/exit-status.ts); library callers switch on `code`, never on message text.
 */

/** Failure classes. Each has its own exit status so scripts can tell them apart. */
export const ERROR_CLASSES = {
  /** The command line itself was wrong (unknown option, missing argument, bad value). */
  usage: 'usage',
  /** A file, packet or protocol byte sequence given to swdkit was malformed. */
  badInput: 'badInput',
  /** swdkit could not reach what it needs: a probe, a server, a peer program. */
  unavailable: 'unavailable',
  /** The target did not answer or answered wrongly. */
  target: 'target',
  /** A destructive action was refused because consent (--yes) was not given. */
  consent: 'consent',
  /** An operation ran out of time. */
  timeout: 'timeout',
  /** A bug in swdkit: the message is for a bug report. */
  internal: 'internal',
} as const;
export type ErrorClass = (typeof ERROR_CLASSES)[keyof typeof ERROR_CLASSES];

export interface SwdkitErrorOptions {
  /** What the user can do about it, as one or more sentences. */
  readonly hint?: string;
  readonly cause?: unknown;
}

export class SwdkitError extends Error {
  override readonly name: string = 'SwdkitError';
  readonly hint: string | undefined;

  constructor(
    /** Stable identifier, kebab-case, e.g. `usage.unknown-option`. Part of the public interface. */
    readonly code: string,
    readonly errorClass: ErrorClass,
    message: string,
    options: SwdkitErrorOptions = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.hint = options.hint;
  }
}

export class UsageError extends SwdkitError {
  override readonly name = 'UsageError';
  constructor(code: string, message: string, options?: SwdkitErrorOptions) {
    super(`usage.${code}`, ERROR_CLASSES.usage, message, options);
  }
}

export class BadInputError extends SwdkitError {
  override readonly name = 'BadInputError';
  constructor(code: string, message: string, options?: SwdkitErrorOptions) {
    super(`bad-input.${code}`, ERROR_CLASSES.badInput, message, options);
  }
}

export class UnavailableError extends SwdkitError {
  override readonly name = 'UnavailableError';
  constructor(code: string, message: string, options?: SwdkitErrorOptions) {
    super(`unavailable.${code}`, ERROR_CLASSES.unavailable, message, options);
  }
}

/** Wraps anything thrown that is not a SwdkitError, so the CLI has one shape to report. */
export function asSwdkitError(error: unknown): SwdkitError {
  if (error instanceof SwdkitError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new SwdkitError('internal.unexpected', ERROR_CLASSES.internal, message, {
    cause: error,
    hint: 'This is a bug in swdkit. Run again with -v for a stack trace and report it.',
  });
}
