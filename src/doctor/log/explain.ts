import type { DiagnosisCode, ToolId } from './codes.js';
import { defaultKnowledgeBase, type Cause, type Entry, type KnowledgeBase } from './knowledge-base.js';
import { LogText, matchesLine, type LogLine } from './log-text.js';

export type { LogLine } from './log-text.js';

/**
 * - failure: a line the knowledge base knows says the run failed there;
 * - unexplained: lines look like errors, but none is known;
 * - success: the run did what it was asked (no failure line, and no hint after the success line);
 * - hint: no failure, but a line says something wrong about the target (e.g. erased flash), with no
 *   success after it;
 * - unknown: nothing in the log is known;
 * - empty: no text at all.
 */
export type LogVerdict = 'failure' | 'unexplained' | 'success' | 'hint' | 'unknown' | 'empty';

export interface DetectedTool {
  readonly id: ToolId;
  readonly name: string;
  /** The first line that shows it. */
  readonly line: LogLine;
}

export interface EntryMatch {
  readonly id: string;
  readonly kind: Entry['kind'];
  readonly rank: number;
  readonly title: string;
  readonly meaning: string;
  readonly source: Entry['source'];
  /** The first few matching lines. */
  readonly lines: readonly LogLine[];
  /** How many lines match in all. */
  readonly count: number;
}

export interface ExplainedCause {
  readonly code: DiagnosisCode | undefined;
  readonly summary: string;
  readonly tell: string;
  readonly command: string;
  /** The entry the cause comes from, and the line that entry matched. */
  readonly entry: string;
  readonly line: LogLine;
  /** A line that makes this cause the likeliest (it was moved to the front), and why. */
  readonly supported?: { readonly line: LogLine; readonly reason: string };
}

export interface RuledOutCause extends ExplainedCause {
  readonly ruledOut: { readonly line: LogLine; readonly reason: string };
}

export interface LogExplanation {
  readonly verdict: LogVerdict;
  /** The tool that wrote the log (a wrapper such as PlatformIO before the tool it ran). */
  readonly tool: DetectedTool | undefined;
  readonly tools: readonly DetectedTool[];
  readonly lineCount: number;
  /** The root-cause line: the highest-ranked known line, not the last one. */
  readonly keyLine: LogLine | undefined;
  /** The entry behind keyLine. */
  readonly key: EntryMatch | undefined;
  /** Every entry that matched, the key first, then by rank. */
  readonly matches: readonly EntryMatch[];
  /** Most likely first. */
  readonly causes: readonly ExplainedCause[];
  /** Causes the log itself makes unlikely. */
  readonly ruledOut: readonly RuledOutCause[];
  /** Error-looking lines that no entry explains (the first few) and how many. */
  readonly unexplainedLines: readonly LogLine[];
  readonly unexplainedCount: number;
  readonly next: { readonly command: string; readonly why: string };
}

const DOCTOR_NEXT = {
  command: 'swdkit doctor',
  why: 'it checks the probe, the target voltage, the SW-DP at several clocks and under reset, and the chip, and names the cause with its evidence',
};

const KIND_ORDER: Record<Entry['kind'], number> = { failure: 0, hint: 1, success: 2 };

/**
 * Explains a pasted log of OpenOCD, PlatformIO, st-flash, STM32CubeProgrammer, pyOCD or probe-rs:
 * which tool wrote it, the line that matters, the known messages, the likely causes in order and the
 * next command. Pure: the text in, the explanation out.
 */
export function explainLog(text: string, kb: KnowledgeBase = defaultKnowledgeBase()): LogExplanation {
  const log = new LogText(text);
  if (text.trim() === '') {
    return {
      verdict: 'empty',
      tool: undefined,
      tools: [],
      lineCount: log.lineCount,
      keyLine: undefined,
      key: undefined,
      matches: [],
      causes: [],
      ruledOut: [],
      unexplainedLines: [],
      unexplainedCount: 0,
      next: {
        command: 'swdkit doctor',
        why: 'the log is empty: paste the whole output of the failing command, or let the doctor look at the board itself',
      },
    };
  }

  const found = kb.entries.flatMap((entry) => {
    const lines: LogLine[] = [];
    let count = 0;
    for (const signature of entry.signatures) {
      const hit = log.find(signature);
      count += hit.count;
      lines.push(...hit.lines);
    }
    lines.sort((a, b) => a.number - b.number);
    const first = lines[0];
    if (count === 0 || first === undefined) return [];
    return [{ entry, first, lines: dedupeLines(lines).slice(0, 5), count }];
  });
  found.sort(
    (a, b) =>
      KIND_ORDER[a.entry.kind] - KIND_ORDER[b.entry.kind] ||
      b.entry.rank - a.entry.rank ||
      a.first.number - b.first.number,
  );
  const matches: EntryMatch[] = found.map(({ entry, lines, count }) => ({
    id: entry.id,
    kind: entry.kind,
    rank: entry.rank,
    title: entry.title,
    meaning: entry.meaning,
    source: entry.source,
    lines,
    count,
  }));

  const tools = detectTools(log, kb, found);
  const { lines: unexplainedLines, count: unexplainedCount } = unexplained(log, kb, tools);

  const failure = found.find((f) => f.entry.kind === 'failure');
  const success = found.find((f) => f.entry.kind === 'success');
  const hint = found.find((f) => f.entry.kind === 'hint');
  // A hint before a success line is about what the run then fixed (a locked-up core before
  // `program` replaced its firmware); a hint after it, or with none, is the news.
  const successAfterHint =
    success !== undefined && (hint === undefined || success.first.number > hint.first.number);
  const verdict: LogVerdict =
    failure !== undefined
      ? 'failure'
      : unexplainedCount > 0
        ? 'unexplained'
        : successAfterHint
          ? 'success'
          : hint !== undefined
            ? 'hint'
            : 'unknown';
  const keyFound =
    verdict === 'failure' ? failure : verdict === 'success' ? success : verdict === 'hint' ? hint : undefined;
  const keyIndex = keyFound === undefined ? -1 : found.indexOf(keyFound);
  const key = keyIndex === -1 ? undefined : matches[keyIndex];
  const keyLine = keyFound?.lines[0] ?? (verdict === 'unexplained' ? unexplainedLines[0] : undefined);

  // Causes: the key entry's first, then the other failures' and hints' by rank; the log's own lines
  // then move a cause forward (supportedBy) or out (ruledOutBy).
  const causes: ExplainedCause[] = [];
  const ruledOut: RuledOutCause[] = [];
  if (verdict === 'failure' || verdict === 'hint') {
    const sources = [
      ...(keyFound === undefined ? [] : [keyFound]),
      ...found.filter((f) => f !== keyFound && f.entry.kind !== 'success'),
    ];
    const seen = new Set<string>();
    const supported: ExplainedCause[] = [];
    for (const { entry, first } of sources) {
      for (const cause of entry.causes) {
        const identity = cause.code ?? cause.summary;
        if (seen.has(identity)) continue;
        seen.add(identity);
        const base = causeOf(cause, entry, first);
        const against = firstEvidence(log, cause.ruledOutBy);
        if (against !== undefined) {
          ruledOut.push({ ...base, ruledOut: against });
          continue;
        }
        const forIt = firstEvidence(log, cause.supportedBy);
        if (forIt !== undefined) supported.push({ ...base, supported: forIt });
        else causes.push(base);
      }
    }
    causes.unshift(...supported);
  }

  const next =
    keyFound !== undefined
      ? keyFound.entry.next
      : verdict === 'unexplained'
        ? {
            command: DOCTOR_NEXT.command,
            why: `swdkit does not know the error on line ${keyLine?.number ?? 0}; ${DOCTOR_NEXT.why}`,
          }
        : { command: DOCTOR_NEXT.command, why: `swdkit does not know this log; ${DOCTOR_NEXT.why}` };

  return {
    verdict,
    tool: tools[0],
    tools,
    lineCount: log.lineCount,
    keyLine,
    key,
    matches: key === undefined ? matches : [key, ...matches.filter((m) => m !== key)],
    causes,
    ruledOut,
    unexplainedLines,
    unexplainedCount,
    next,
  };
}

function causeOf(cause: Cause, entry: Entry, line: LogLine): ExplainedCause {
  return {
    code: cause.code,
    summary: cause.summary,
    tell: cause.tell,
    command: cause.command,
    entry: entry.id,
    line,
  };
}

function firstEvidence(
  log: LogText,
  tests: Cause['ruledOutBy'],
): { line: LogLine; reason: string } | undefined {
  for (const { test, reason } of tests) {
    const line = log.find(test, 1).lines[0];
    if (line !== undefined) return { line, reason };
  }
  return undefined;
}

function dedupeLines(lines: readonly LogLine[]): LogLine[] {
  return lines.filter((line, i) => i === 0 || lines[i - 1]?.number !== line.number);
}

/**
 * Which tools wrote the log: those whose fingerprint lines are in it, and failing that, the tools
 * of the entries that matched. Wrappers (PlatformIO) come first, then in order of appearance.
 */
function detectTools(
  log: LogText,
  kb: KnowledgeBase,
  found: readonly { entry: Entry; first: LogLine }[],
): DetectedTool[] {
  const detected: (DetectedTool & { wrapper: boolean })[] = [];
  for (const tool of kb.tools) {
    const line = log.first(tool.fingerprints);
    if (line !== undefined) detected.push({ id: tool.id, name: tool.name, line, wrapper: tool.wrapper });
  }
  if (detected.length === 0) {
    for (const { entry, first } of found) {
      if (entry.tools.length !== 1) continue;
      const tool = kb.tools.find((t) => t.id === entry.tools[0]);
      if (tool !== undefined && !detected.some((d) => d.id === tool.id))
        detected.push({ id: tool.id, name: tool.name, line: first, wrapper: tool.wrapper });
    }
  }
  detected.sort((a, b) => Number(b.wrapper) - Number(a.wrapper) || a.line.number - b.line.number);
  return detected.map(({ id, name, line }) => ({ id, name, line }));
}

/** Error-looking lines examined for being unknown; past this many the count says "at least". */
const UNEXPLAINED_SCAN = 200;

/**
 * Error-looking lines (per the detected tools, or all tools' when none is) that no entry's signature
 * matches: the first few, and how many distinct ones among the first UNEXPLAINED_SCAN candidates.
 */
function unexplained(
  log: LogText,
  kb: KnowledgeBase,
  tools: readonly DetectedTool[],
): { lines: LogLine[]; count: number } {
  const which = tools.length === 0 ? kb.tools : kb.tools.filter((t) => tools.some((d) => d.id === t.id));
  const unknown = new Map<number, LogLine>();
  for (const tool of which) {
    for (const test of tool.errorLines) {
      for (const line of log.find(test, UNEXPLAINED_SCAN).lines) {
        const isKnown = kb.entries.some((entry) =>
          entry.signatures.some((sig) => matchesLine(sig, line.text)),
        );
        if (!isKnown) unknown.set(line.number, line);
      }
    }
  }
  const lines = [...unknown.values()].sort((a, b) => a.number - b.number);
  return { lines: lines.slice(0, 5), count: lines.length };
}
