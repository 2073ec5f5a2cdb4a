import { BadInputError } from '../../util/errors.js';
import { parseHexDigits } from '../../util/bytes.js';

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
export const hexBytes = parseHexDigits;

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
