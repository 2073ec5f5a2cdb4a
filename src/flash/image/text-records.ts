import { BadInputError } from '../../util/errors.js';

/** One line of a text image format, with its 1-based line number for error messages. */
export interface TextLine {
  readonly text: string;
  readonly number: number;
}

/** Splits into non-empty lines (LF or CRLF, trailing whitespace ignored). */
export function textLines(bytes: Uint8Array): TextLine[] {
  const text = new TextDecoder('latin1').decode(bytes);
  const lines: TextLine[] = [];
  text.split('\n').forEach((raw, index) => {
    const trimmed = raw.trim();
    if (trimmed !== '') lines.push({ text: trimmed, number: index + 1 });
  });
  return lines;
}

/** Decodes a run of hex digit pairs; `undefined` if any character is not a hex digit. */
export function hexBytes(text: string): Uint8Array | undefined {
  if (text.length % 2 !== 0) return undefined;
  const bytes = new Uint8Array(text.length / 2);
  for (let i = 0; i < bytes.length; i++) {
    const high = nibble(text.charCodeAt(2 * i));
    const low = nibble(text.charCodeAt(2 * i + 1));
    if (high < 0 || low < 0) return undefined;
    bytes[i] = (high << 4) | low;
  }
  return bytes;
}

/** 0–15 for a hex digit's character code, -1 for anything else. */
function nibble(code: number): number {
  if (code >= 0x30 && code <= 0x39) return code - 0x30;
  const lower = code | 0x20;
  if (lower >= 0x61 && lower <= 0x66) return lower - 0x61 + 10;
  return -1;
}

export function lineError(
  code: string,
  source: string,
  line: TextLine,
  what: string,
  hint = 'The file is damaged or was edited by hand: regenerate it from the ELF (arm-none-eabi-objcopy).',
): BadInputError {
  return new BadInputError(code, `${source}:${line.number}: ${what}`, { hint });
}

/** A text image that stops before its closing record: names the last line that was there. */
export function truncated(
  code: string,
  source: string,
  last: TextLine | undefined,
  record: string,
): BadInputError {
  const where =
    last === undefined ? `${source}: the file is empty` : `${source}:${last.number}: the file ends`;
  return new BadInputError(code, `${where} without its ${record}: it is truncated`, {
    hint: 'The file was cut short (an interrupted download or copy?): regenerate it from the ELF (arm-none-eabi-objcopy) or copy it again.',
  });
}
