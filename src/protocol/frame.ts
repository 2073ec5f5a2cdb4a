import { BadInputError } from '../util/errors.js';
import { hexBytes } from '../util/bytes.js';

/** Every ST-Link V2/V3 command is one 16-byte block on the OUT endpoint (A.1); its data phase is link.ts's. */
export const COMMAND_LENGTH = 16;

/** A zeroed command block starting with the given bytes. */
export function commandBlock(...head: number[]): Uint8Array {
  const block = new Uint8Array(COMMAND_LENGTH);
  block.set(head);
  return block;
}

export function checkCommandLength(bytes: Uint8Array): void {
  if (bytes.length !== COMMAND_LENGTH) {
    throw new BadInputError(
      'stlink-command-length',
      `an ST-Link command block is ${COMMAND_LENGTH} bytes, got ${bytes.length} (${hexBytes(bytes.subarray(0, 32))})`,
      { hint: 'The sender framed the command wrongly; every V2/V3 command is exactly 16 bytes.' },
    );
  }
}

export function checkReplyLength(name: string, bytes: Uint8Array, expected: number): void {
  if (bytes.length !== expected) {
    throw new BadInputError(
      'stlink-reply-length',
      `a ${name} reply is ${expected} bytes, got ${bytes.length}`,
      {
        hint: 'The probe or the link in between returned a short or long transfer; retry, then replug the probe.',
      },
    );
  }
}

/** For encoders: a parameter outside its field. */
export function badParameter(name: string, message: string): BadInputError {
  return new BadInputError('stlink-parameter', `${name}: ${message}`, {
    hint: 'This is a caller error: the value cannot be encoded in the ST-Link command.',
  });
}

export function checkUint(name: string, field: string, value: number, bits: number): void {
  if (!Number.isInteger(value) || value < 0 || value >= 2 ** bits) {
    throw badParameter(name, `${field} ${value} does not fit in ${bits} bits`);
  }
}
