import type { LineTest } from './knowledge-base.js';

/**
 * Lines longer than this are cut before a pattern sees them: a pasted log can hold a megabyte of
 * binary junk on one line, and no message the explainer knows is that long.
 */
export const MAX_LINE_CHARS = 4096;

export interface LogLine {
  /** 1-based. */
  readonly number: number;
  readonly text: string;
}

/**
 * A log as lines, searched without splitting it: each test's `contains` substring is found with
 * indexOf over the whole text (native and linear), and only the lines holding it are given to the
 * pattern. So the cost is one scan per test plus one pattern run per candidate line, whatever the
 * log's size.
 */
export class LogText {
  private readonly lineStarts: number[] = [0];
  private lowered: string | undefined;

  constructor(readonly text: string) {
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) this.lineStarts.push(i + 1);
    // A final newline ends the last line; it does not start an empty one.
    if (text.endsWith('\n')) this.lineStarts.pop();
  }

  get lineCount(): number {
    return this.text === '' ? 0 : this.lineStarts.length;
  }

  line(number: number): LogLine {
    const start = this.lineStarts[number - 1] ?? this.text.length;
    const next = this.lineStarts[number];
    let end =
      next !== undefined ? next - 1 : this.text.endsWith('\n') ? this.text.length - 1 : this.text.length;
    if (end > start && this.text[end - 1] === '\r') end--;
    return { number, text: this.text.slice(start, Math.min(end, start + MAX_LINE_CHARS)) };
  }

  /** The 1-based number of the line holding character `offset`. */
  private lineAt(offset: number): number {
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((this.lineStarts[mid] ?? 0) <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  }

  /** Lines matching `test`, in order: the first `keep` of them, and how many there are. */
  find(test: LineTest, keep = 5): { lines: LogLine[]; count: number } {
    const haystack = test.ignoreCase ? (this.lowered ??= this.text.toLowerCase()) : this.text;
    const lines: LogLine[] = [];
    let count = 0;
    let from = 0;
    for (;;) {
      const hit = haystack.indexOf(test.contains, from);
      if (hit === -1) break;
      const number = this.lineAt(hit);
      const line = this.line(number);
      if (test.regex.test(line.text)) {
        count++;
        if (lines.length < keep) lines.push(line);
      }
      // The rest of this line has been judged: go on from the next one.
      from = this.lineStarts[number] ?? haystack.length;
    }
    return { lines, count };
  }

  /** The first line matching any of `tests`, or undefined. */
  first(tests: readonly LineTest[]): LogLine | undefined {
    let best: LogLine | undefined;
    for (const test of tests) {
      const found = this.find(test, 1).lines[0];
      if (found !== undefined && (best === undefined || found.number < best.number)) best = found;
    }
    return best;
  }
}

/** Whether one line of text passes `test` (the substring, then the pattern). */
export function matchesLine(test: LineTest, text: string): boolean {
  const line = text.length > MAX_LINE_CHARS ? text.slice(0, MAX_LINE_CHARS) : text;
  return (test.ignoreCase ? line.toLowerCase() : line).includes(test.contains) && test.regex.test(line);
}
