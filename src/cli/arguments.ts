import { InvalidArgumentError } from 'commander';

/**
 * Parsers for command-line values (commander argParsers): each throws InvalidArgumentError, which
 * the program reports as a usage error (exit status 2) saying what form was expected.
 */

const NUMBER = /^(?:0x[0-9a-f]+|\d+)$/i;

function parseUnsigned(value: string): number | undefined {
  const text = value.trim().replaceAll('_', '');
  if (!NUMBER.test(text)) return undefined;
  return Number(text);
}

/** A 32-bit address: `0x08000000` or decimal. */
export function parseAddress(value: string): number {
  const n = parseUnsigned(value);
  if (n === undefined || n > 0xffff_ffff) {
    throw new InvalidArgumentError(`'${value}' is not a 32-bit address (e.g. 0x20000000).`);
  }
  return n;
}

/** A byte count: decimal, 0x hex, or with a k/K (KiB) suffix; at least 1. */
export function parseLength(value: string): number {
  const match = /^(.*?)(k|kib)?$/i.exec(value.trim());
  const n = parseUnsigned(match?.[1] ?? '');
  const bytes = n === undefined ? undefined : n * (match?.[2] === undefined ? 1 : 1024);
  if (bytes === undefined || bytes < 1 || bytes > 0x1_0000_0000) {
    throw new InvalidArgumentError(`'${value}' is not a length in bytes (e.g. 256, 0x100 or 16K).`);
  }
  return bytes;
}

/** `--speed KHZ`: the SWD clock in kHz. */
export function parseSpeed(value: string): number {
  const n = parseUnsigned(value);
  if (n === undefined || n < 1 || n > 100_000) {
    throw new InvalidArgumentError(
      `'${value}' is not an SWD clock in kHz (e.g. 4000, or 100 for long wires).`,
    );
  }
  return n;
}

/** Seconds, e.g. `--show-leds 3`. */
export function parseSeconds(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0 || n > 3600) {
    throw new InvalidArgumentError(`'${value}' is not a number of seconds (0–3600).`);
  }
  return n;
}

/** A list of sector numbers: `0,1,5` or ranges `0-3,7`; sorted, without repeats. */
export function parseSectorList(value: string): number[] {
  const sectors = new Set<number>();
  for (const part of value.split(',')) {
    const match = /^\s*(\d+)\s*(?:-\s*(\d+)\s*)?$/.exec(part);
    const first = Number(match?.[1]);
    const last = match?.[2] === undefined ? first : Number(match[2]);
    if (match === null || !(last >= first) || last > 255) {
      throw new InvalidArgumentError(`'${value}' is not a list of sectors (e.g. 0-3,7).`);
    }
    for (let s = first; s <= last; s++) sectors.add(s);
  }
  return [...sectors].sort((a, b) => a - b);
}

/** Bytes given as hex on the command line: `deadbeef`, `de ad be ef`, `0xdeadbeef`. */
export function parseHexBytes(value: string): Uint8Array {
  const text = value.replace(/^0x/i, '').replace(/[\s:]/g, '');
  if (text.length === 0 || text.length % 2 !== 0 || !/^[0-9a-f]+$/i.test(text)) {
    throw new InvalidArgumentError(
      `'${value}' is not hex bytes (an even number of hex digits, e.g. 'deadbeef' or 'de ad be ef').`,
    );
  }
  const bytes = new Uint8Array(text.length / 2);
  for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(text.slice(2 * i, 2 * i + 2), 16);
  return bytes;
}
