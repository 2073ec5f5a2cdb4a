import { closeSync, constants, fstatSync, openSync, readSync, statSync, type Stats } from 'node:fs';
import { BadInputError, UnavailableError } from './errors.js';

/**
 * Reading a file the user named (`--firmware`, `--state`), with one rule for what goes wrong:
 *
 * - the name is wrong — nothing there, a directory, a device or FIFO (`/dev/zero` would be read
 *   forever), or more bytes than such a file can sensibly have: bad input (exit 3), decided from
 *   stat() before a byte is read;
 * - the file is there but cannot be read (permissions, an I/O error): unavailable (exit 4).
 */
export interface InputFileOptions {
  /** What the file is, for messages: "firmware image", "state file". */
  readonly what: string;
  /** Larger files are refused unread. */
  readonly maxBytes: number;
  /** Why the bound is what it is, for the too-large hint. */
  readonly maxBytesReason?: string;
}

/** The whole file, or a SwdkitError as above. */
export function readInputFile(path: string, options: InputFileOptions): Uint8Array {
  checkKind(path, statOrThrow(path, options), options);
  let fd: number;
  try {
    // O_NONBLOCK: if the path was swapped for a FIFO since stat(), open() must not wait for a writer.
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (cause) {
    throw fileError(path, cause, options);
  }
  try {
    const stats = fstatSync(fd);
    checkKind(path, stats, options);
    const bytes = new Uint8Array(stats.size);
    let filled = 0;
    while (filled < bytes.length) {
      const n = readSync(fd, bytes, filled, bytes.length - filled, filled);
      if (n === 0) break;
      filled += n;
    }
    // A file that grew while being read is taken as stat() saw it; one that shrank, as it is.
    return filled === bytes.length ? bytes : bytes.subarray(0, filled);
  } catch (cause) {
    if (cause instanceof BadInputError) throw cause;
    throw fileError(path, cause, options);
  } finally {
    closeSync(fd);
  }
}

/** stat() of a user-named file; a missing one is bad input (see above). */
export function statOrThrow(path: string, options: Pick<InputFileOptions, 'what'>): Stats {
  try {
    return statSync(path);
  } catch (cause) {
    throw fileError(path, cause, options);
  }
}

function checkKind(path: string, stats: Stats, options: InputFileOptions): void {
  if (stats.isDirectory()) {
    throw new BadInputError('file-is-directory', `The ${options.what} ${path} is a directory, not a file.`, {
      hint: `Give the path of the ${options.what} itself.`,
    });
  }
  if (!stats.isFile()) {
    throw new BadInputError(
      'file-not-regular',
      `The ${options.what} ${path} is not a regular file (a device, FIFO or socket).`,
      { hint: `Give the path of a ${options.what} on disk; swdkit does not read streams.` },
    );
  }
  if (stats.size > options.maxBytes) {
    throw new BadInputError(
      'file-too-large',
      `The ${options.what} ${path} has ${stats.size} bytes; no ${options.what} has more than ${options.maxBytes}.`,
      { hint: options.maxBytesReason ?? `Check that ${path} is the ${options.what} you meant.` },
    );
  }
}

function fileError(path: string, cause: unknown, options: Pick<InputFileOptions, 'what'>): Error {
  const code = (cause as NodeJS.ErrnoException).code;
  if (code === 'ENOENT' || code === 'ENOTDIR') {
    return new BadInputError('file-missing', `The ${options.what} ${path} does not exist.`, {
      hint: 'Check the path (it is relative to the current directory).',
      cause,
    });
  }
  if (code === 'EISDIR') {
    return new BadInputError('file-is-directory', `The ${options.what} ${path} is a directory, not a file.`, {
      hint: `Give the path of the ${options.what} itself.`,
      cause,
    });
  }
  return new UnavailableError(
    'file-unreadable',
    `Cannot read the ${options.what} ${path}: ${(cause as Error).message}.`,
    { hint: 'Check the permissions of the file and of its directories.', cause },
  );
}
