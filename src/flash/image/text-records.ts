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
  if (text.length % 2 !== 0 || !/^[0-9A-Fa-f]*$/.test(text)) return undefined;
  const bytes = new Uint8Array(text.length / 2);
  for (let i = 0; i < bytes.length; i++) bytes[i] = Number.parseInt(text.slice(2 * i, 2 * i + 2), 16);
  return bytes;
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
