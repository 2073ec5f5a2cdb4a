import { closeSync, fsyncSync, existsSync, openSync, readSync, renameSync, rmSync, writeSync } from 'node:fs';
import { crc32 } from 'node:zlib';
import { BadInputError, UnavailableError } from '../../util/errors.js';
import { readInputFile } from '../../util/input-file.node.js';
import { FlashStorage } from '../soc/flash/flash-storage.js';
import { optionBytesConsistent } from '../soc/flash/option-bytes.js';

/**
 * `--state FILE`: the board's non-volatile memory (main flash, OTP, option bytes) kept across runs,
 * as a real chip keeps it across power cycles.
 *
 * Format, version 1 — every integer little-endian:
 *
 *   offset  size  field
 *   0       8     magic "SWDKNVM\n"
 *   8       4     format version = 1
 *   12      4     main flash size = 1048576
 *   16      4     OTP size = 528 (512 data bytes, then 16 lock bytes)
 *   20      4     option bytes size = 16
 *   24      4     CRC-32 (zlib/IEEE) of every byte of the file except these four
 *   28      …     main flash, then OTP, then the option bytes (0x1FFFC000–0x1FFFC00F as read)
 *
 * A file that is not exactly this is refused with a BadInputError naming what is wrong; it is never
 * replaced by a fresh board, and `saveState` refuses to overwrite a file that is not a state file.
 */
const MAGIC = Buffer.from('SWDKNVM\n', 'latin1');
export const STATE_FORMAT_VERSION = 1;
const HEADER_SIZE = 28;
const CRC_OFFSET = 24;

function layout(storage: FlashStorage): { main: number; otp: number; options: number; total: number } {
  const main = storage.main.length;
  const otp = storage.otp.length;
  const options = storage.optionBytes.length;
  return { main, otp, options, total: HEADER_SIZE + main + otp + options };
}

function checksum(file: Uint8Array): number {
  return crc32(file.subarray(CRC_OFFSET + 4), crc32(file.subarray(0, CRC_OFFSET))) >>> 0;
}

const HINT_REPLACE =
  'Point --state at another file to start from a factory-fresh board, or delete this one if its contents ' +
  'do not matter.';

/** Reads a state file; undefined when there is none (a board that was never run with it). */
export function loadState(path: string): FlashStorage | undefined {
  if (!existsSync(path)) return undefined;
  // Anything but a regular file of about the right size (a directory, /dev/zero) is refused unread.
  const file = readInputFile(path, {
    what: 'state file',
    maxBytes: 2 * layout(new FlashStorage()).total,
    maxBytesReason: `A state file is ${layout(new FlashStorage()).total} bytes; this is not one.`,
  });
  return decodeState(file, path);
}

/** Parses a state file's bytes (exported for tests and for callers that read the file themselves). */
export function decodeState(file: Uint8Array, path: string): FlashStorage {
  const storage = new FlashStorage();
  const expected = layout(storage);
  const bytes = Buffer.from(file.buffer, file.byteOffset, file.byteLength);
  if (bytes.length < MAGIC.length || !bytes.subarray(0, MAGIC.length).equals(MAGIC)) {
    throw new BadInputError(
      'state-not-a-state-file',
      `${path} is not a swdkit state file (no SWDKNVM header).`,
      {
        hint: `A state file is written by \`swdkit sim --state FILE\`. ${HINT_REPLACE}`,
      },
    );
  }
  if (bytes.length < HEADER_SIZE) {
    throw new BadInputError('state-truncated', `${path} ends inside its header (${bytes.length} bytes).`, {
      hint: `The file was cut short (a full disk or an interrupted copy). ${HINT_REPLACE}`,
    });
  }
  const version = bytes.readUInt32LE(8);
  if (version !== STATE_FORMAT_VERSION) {
    throw new BadInputError(
      'state-unsupported-version',
      `${path} is a version ${version} state file; this swdkit reads version ${STATE_FORMAT_VERSION}.`,
      { hint: `Use the swdkit release that wrote it, or ${HINT_REPLACE.toLowerCase()}` },
    );
  }
  const main = bytes.readUInt32LE(12);
  const otp = bytes.readUInt32LE(16);
  const options = bytes.readUInt32LE(20);
  if (main !== expected.main || otp !== expected.otp || options !== expected.options) {
    throw new BadInputError(
      'state-layout-mismatch',
      `${path} describes ${main} bytes of flash, ${otp} of OTP and ${options} of option bytes; the ` +
        `STM32F407 has ${expected.main}, ${expected.otp} and ${expected.options}.`,
      { hint: `The file belongs to another chip model. ${HINT_REPLACE}` },
    );
  }
  if (bytes.length !== expected.total) {
    const short = bytes.length < expected.total;
    throw new BadInputError(
      short ? 'state-truncated' : 'state-trailing-bytes',
      `${path} has ${bytes.length} bytes; a state file has exactly ${expected.total}.`,
      {
        hint: short
          ? `The file was cut short (a full disk or an interrupted copy). ${HINT_REPLACE}`
          : `Something appended to the file. ${HINT_REPLACE}`,
      },
    );
  }
  const stored = bytes.readUInt32LE(CRC_OFFSET);
  const actual = checksum(bytes);
  if (stored !== actual) {
    throw new BadInputError(
      'state-corrupt',
      `${path} fails its checksum (stored 0x${stored.toString(16).padStart(8, '0')}, ` +
        `computed 0x${actual.toString(16).padStart(8, '0')}).`,
      { hint: `The file was changed or damaged after swdkit wrote it. ${HINT_REPLACE}` },
    );
  }
  let at = HEADER_SIZE;
  storage.main.set(bytes.subarray(at, (at += main)));
  storage.otp.set(bytes.subarray(at, (at += otp)));
  const optionBytes = bytes.subarray(at, at + options);
  if (!optionBytesConsistent(optionBytes)) {
    throw new BadInputError(
      'state-option-bytes',
      `${path} holds option bytes whose values and complements disagree ` +
        `(${optionBytes.toString('hex')}).`,
      { hint: `The file was written by something other than swdkit. ${HINT_REPLACE}` },
    );
  }
  storage.optionBytes.set(optionBytes);
  return storage;
}

/** The bytes `saveState` writes. */
export function encodeState(storage: FlashStorage): Buffer {
  const { main, otp, options, total } = layout(storage);
  const file = Buffer.alloc(total);
  MAGIC.copy(file, 0);
  file.writeUInt32LE(STATE_FORMAT_VERSION, 8);
  file.writeUInt32LE(main, 12);
  file.writeUInt32LE(otp, 16);
  file.writeUInt32LE(options, 20);
  let at = HEADER_SIZE;
  file.set(storage.main, at);
  file.set(storage.otp, (at += main));
  file.set(storage.optionBytes, at + otp);
  file.writeUInt32LE(checksum(file), CRC_OFFSET);
  return file;
}

/**
 * Writes the state atomically: a temporary file beside `path`, flushed, then renamed over it, so a
 * crash leaves either the old state or the new one. Refuses to replace a file that does not start
 * with the state-file magic (a mistyped `--state firmware.elf` must not destroy the firmware).
 */
export function saveState(path: string, storage: FlashStorage): void {
  refuseForeignFile(path);
  const temporary = `${path}.${process.pid}.tmp`;
  try {
    const fd = openSync(temporary, 'w');
    try {
      writeSync(fd, encodeState(storage));
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temporary, path);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw new UnavailableError('state-write-failed', `Cannot write the state file ${path}.`, {
      hint: 'Check that its directory exists, is writable and has room for 1 MiB.',
      cause: error,
    });
  }
}

function refuseForeignFile(path: string): void {
  const head = Buffer.alloc(MAGIC.length);
  let length: number;
  try {
    const fd = openSync(path, 'r');
    try {
      length = readSync(fd, head, 0, head.length, 0);
    } finally {
      closeSync(fd);
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw new UnavailableError('state-unreadable', `Cannot read the state file ${path}.`, {
      hint: 'Check the path and its permissions.',
      cause: error,
    });
  }
  if (length !== MAGIC.length || !head.equals(MAGIC)) {
    throw new BadInputError('state-overwrite-refused', `${path} exists and is not a swdkit state file.`, {
      hint: 'Refusing to overwrite it. Point --state at a new file, or move this one away first.',
    });
  }
}
