/**
 * Every failure swdkit reports is a SwdkitError: a stable machine-readable `code`, a message that says
 * what went wrong, and a `hint` that says what to do next. The CLI maps the code's class to an exit
 * status (src/cli/exit-status.ts); library callers test the subclass (`instanceof TargetError`) or
 * switch on `code`, never on message text.
 *
 * Codes have one form: `<class-prefix>.<name>`, exactly one dot, both parts kebab-case
 * (`bad-input.elf-truncated`, `unavailable.stlink-server-busy`). The prefix is the class's
 * (CODE_PREFIX); the name is given by the site that raises the error and never contains a dot. Each
 * class has one subclass below, and that subclass is what a site constructs, so the prefix can never
 * disagree with the class.
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

/** The first part of every code of a class. */
export const CODE_PREFIX = {
  usage: 'usage',
  badInput: 'bad-input',
  unavailable: 'unavailable',
  target: 'target',
  consent: 'consent',
  timeout: 'timeout',
  internal: 'internal',
} as const satisfies Record<ErrorClass, string>;

/** The name part of a code: kebab-case, no dot. */
export const CODE_NAME_PATTERN = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

export interface SwdkitErrorOptions {
  /** What the user can do about it, as one or more sentences. */
  readonly hint?: string;
  readonly cause?: unknown;
}

export class SwdkitError extends Error {
  override readonly name: string = 'SwdkitError';
  /** Stable identifier, `<class-prefix>.<name>`, e.g. `usage.unknown-option`. Part of the public interface. */
  readonly code: string;
  readonly hint: string | undefined;

  constructor(
    readonly errorClass: ErrorClass,
    /** The code's name part (kebab-case, no dot); the class supplies the prefix. */
    codeName: string,
    message: string,
    options: SwdkitErrorOptions = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = `${CODE_PREFIX[errorClass]}.${codeName}`;
    this.hint = options.hint;
  }
}

export class UsageError extends SwdkitError {
  override readonly name: string = 'UsageError';
  constructor(codeName: string, message: string, options?: SwdkitErrorOptions) {
    super(ERROR_CLASSES.usage, codeName, message, options);
  }
}

export class BadInputError extends SwdkitError {
  override readonly name: string = 'BadInputError';
  constructor(codeName: string, message: string, options?: SwdkitErrorOptions) {
    super(ERROR_CLASSES.badInput, codeName, message, options);
  }
}

export class UnavailableError extends SwdkitError {
  override readonly name: string = 'UnavailableError';
  constructor(codeName: string, message: string, options?: SwdkitErrorOptions) {
    super(ERROR_CLASSES.unavailable, codeName, message, options);
  }
}

export class TargetError extends SwdkitError {
  override readonly name: string = 'TargetError';
  constructor(codeName: string, message: string, options?: SwdkitErrorOptions) {
    super(ERROR_CLASSES.target, codeName, message, options);
  }
}

export class ConsentError extends SwdkitError {
  override readonly name: string = 'ConsentError';
  constructor(codeName: string, message: string, options?: SwdkitErrorOptions) {
    super(ERROR_CLASSES.consent, codeName, message, options);
  }
}

export class TimeoutError extends SwdkitError {
  override readonly name: string = 'TimeoutError';
  constructor(codeName: string, message: string, options?: SwdkitErrorOptions) {
    super(ERROR_CLASSES.timeout, codeName, message, options);
  }
}

export class InternalError extends SwdkitError {
  override readonly name: string = 'InternalError';
  constructor(codeName: string, message: string, options?: SwdkitErrorOptions) {
    super(ERROR_CLASSES.internal, codeName, message, options);
  }
}

/** Wraps anything thrown that is not a SwdkitError, so the CLI has one shape to report. */
export function asSwdkitError(error: unknown): SwdkitError {
  if (error instanceof SwdkitError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new InternalError('unexpected', message, {
    cause: error,
    hint: 'This is a bug in swdkit. Run again with -v for a stack trace and report it.',
  });
}
