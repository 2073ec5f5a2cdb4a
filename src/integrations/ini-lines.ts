/**
 * platformio.ini as lines, read the way Python's configparser (which PlatformIO uses) reads it, so an
 * edit can replace one option's lines and leave every other line — comments, blank lines, spacing,
 * other sections — exactly as the user wrote it. No npm ini library keeps comments through an edit
 * (`ini` drops them on stringify), hence this small reader of section and option extents.
 *
 * Rules followed: a section header is `[name]` at the start of a line; an option is `key = value` or
 * `key: value` at the start of a line (keys compare case-insensitively, as configparser lowercases
 * them); indented lines after it continue its value, across blank and comment lines in between;
 * full-line comments start with `;` or `#`.
 */

export interface IniOption {
  /** As configparser sees it: trimmed, lower case. */
  readonly key: string;
  /** First line of the option. */
  readonly start: number;
  /** One past its last continuation line. */
  readonly end: number;
  /** The value as configparser would give it: continuation lines joined with "\n", comments dropped. */
  readonly value: string;
}

export interface IniSection {
  readonly name: string;
  /** The header's line. */
  readonly header: number;
  /** One past the section's last line (the next header, or the end of the file). */
  readonly end: number;
  readonly options: readonly IniOption[];
}

const HEADER = /^\[([^\]]+)\]\s*(?:[;#].*)?$/;
const OPTION = /^([^\s;#=:[][^=:]*?)\s*[=:]\s?(.*)$/;

const isBlank = (line: string): boolean => line.trim() === '';
const isComment = (line: string): boolean => /^\s*[;#]/.test(line);
const isIndented = (line: string): boolean => /^\s/.test(line);

/** configparser's inline comments: `;` or `#` after whitespace ends the value. */
function withoutInlineComment(text: string): string {
  const at = text.search(/\s[;#]/);
  return (at < 0 ? text : text.slice(0, at)).trim();
}

function readOption(
  lines: readonly string[],
  start: number,
  limit: number,
  match: RegExpExecArray,
): IniOption {
  const values = [withoutInlineComment(match[2] ?? '')];
  let end = start + 1;
  for (let j = start + 1; j < limit; j++) {
    const line = lines[j] ?? '';
    if (isBlank(line) || isComment(line)) continue;
    if (!isIndented(line)) break;
    values.push(withoutInlineComment(line));
    end = j + 1;
  }
  return {
    key: (match[1] ?? '').trim().toLowerCase(),
    start,
    end,
    value: values.filter((v, i) => i > 0 || v !== '').join('\n'),
  };
}

export function readSections(lines: readonly string[]): IniSection[] {
  const headers: { name: string; line: number }[] = [];
  lines.forEach((line, i) => {
    const m = HEADER.exec(line);
    if (m !== null) headers.push({ name: (m[1] ?? '').trim(), line: i });
  });
  return headers.map((h, k) => {
    const end = headers[k + 1]?.line ?? lines.length;
    const options: IniOption[] = [];
    for (let i = h.line + 1; i < end; i++) {
      const line = lines[i] ?? '';
      if (isBlank(line) || isComment(line) || isIndented(line)) continue;
      const m = OPTION.exec(line);
      if (m === null) continue;
      const option = readOption(lines, i, end, m);
      options.push(option);
      i = option.end - 1;
    }
    return { name: h.name, header: h.line, end, options };
  });
}

/** `key = value`, or `key =` with one indented line per element (PlatformIO's multi-line values). */
export function renderOption(key: string, value: string | readonly string[]): string[] {
  if (typeof value === 'string') return [`${key} = ${value}`];
  return [`${key} =`, ...value.map((line) => `  ${line}`)];
}
