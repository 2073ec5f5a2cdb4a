import type { DiagnosisCode } from './codes.js';
import type { ExplainedCause, LogExplanation, LogLine } from './explain.js';

/** One piece of evidence, in the shape of the doctor ladder's steps (what was tried, what came back). */
export interface LogEvidence {
  readonly step: 'log';
  readonly tried: string;
  readonly result: string;
  readonly ok: boolean;
  readonly data: { readonly line: number; readonly entry: string };
}

/** Issue 14's --json diagnosis: a stable code, its evidence and the command to run. */
export interface LogDiagnosis {
  readonly code: DiagnosisCode;
  readonly summary: string;
  readonly evidence: readonly LogEvidence[];
  readonly command: string;
  readonly fix: string;
}

/** The --json document of `swdkit doctor --log`: stable field names. */
export interface LogExplanationJson {
  readonly verdict: LogExplanation['verdict'];
  readonly tool: string | null;
  readonly tools: readonly { id: string; name: string; line: number }[];
  readonly lineCount: number;
  readonly line: { number: number; text: string } | null;
  readonly title: string | null;
  readonly meaning: string | null;
  readonly matches: readonly {
    id: string;
    kind: string;
    rank: number;
    title: string;
    source: string;
    count: number;
    lines: readonly { number: number; text: string }[];
  }[];
  readonly causes: readonly {
    code: string | null;
    summary: string;
    tell: string;
    command: string;
    entry: string;
    line: number;
    supportedBy?: { line: number; reason: string };
  }[];
  readonly ruledOut: readonly { code: string | null; summary: string; line: number; reason: string }[];
  readonly unexplained: { count: number; lines: readonly { number: number; text: string }[] };
  readonly next: { command: string; why: string };
  readonly diagnoses: readonly LogDiagnosis[];
}

const lineJson = (line: LogLine) => ({ number: line.number, text: line.text });

function toolName(e: LogExplanation): string {
  if (e.tools.length === 0) return 'log';
  return `${e.tools.map((t) => t.name).join(' / ')} log`;
}

/** The diagnoses: one per code among the causes (most likely first), or `healthy` for a clean run. */
export function logDiagnoses(e: LogExplanation): LogDiagnosis[] {
  const tool = toolName(e);
  const evidence = (line: LogLine, entry: string, ok: boolean): LogEvidence => ({
    step: 'log',
    tried: `read the ${tool}`,
    result: `line ${line.number}: ${line.text.trim()}`,
    ok,
    data: { line: line.number, entry },
  });
  if (e.verdict === 'success' && e.keyLine !== undefined && e.key !== undefined) {
    return [
      {
        code: 'healthy',
        summary: `The ${tool} shows a successful run: ${e.key.title}.`,
        evidence: [evidence(e.keyLine, e.key.id, true)],
        command: e.next.command,
        fix: e.next.why,
      },
    ];
  }
  const seen = new Set<DiagnosisCode>();
  const out: LogDiagnosis[] = [];
  for (const cause of e.causes) {
    if (cause.code === undefined || seen.has(cause.code)) continue;
    seen.add(cause.code);
    const items = [evidence(cause.line, cause.entry, false)];
    if (cause.supported !== undefined) items.push(evidence(cause.supported.line, cause.entry, false));
    out.push({
      code: cause.code,
      summary: cause.summary,
      evidence: items,
      command: cause.command,
      fix: cause.tell,
    });
  }
  return out;
}

export function explanationJson(e: LogExplanation): LogExplanationJson {
  return {
    verdict: e.verdict,
    tool: e.tool?.id ?? null,
    tools: e.tools.map((t) => ({ id: t.id, name: t.name, line: t.line.number })),
    lineCount: e.lineCount,
    line: e.keyLine === undefined ? null : lineJson(e.keyLine),
    title: e.key?.title ?? null,
    meaning: e.key?.meaning ?? null,
    matches: e.matches.map((m) => ({
      id: m.id,
      kind: m.kind,
      rank: m.rank,
      title: m.title,
      source: m.source,
      count: m.count,
      lines: m.lines.map(lineJson),
    })),
    causes: e.causes.map((c) => ({
      code: c.code ?? null,
      summary: c.summary,
      tell: c.tell,
      command: c.command,
      entry: c.entry,
      line: c.line.number,
      ...(c.supported === undefined
        ? {}
        : { supportedBy: { line: c.supported.line.number, reason: c.supported.reason } }),
    })),
    ruledOut: e.ruledOut.map((c) => ({
      code: c.code ?? null,
      summary: c.summary,
      line: c.ruledOut.line.number,
      reason: c.ruledOut.reason,
    })),
    unexplained: { count: e.unexplainedCount, lines: e.unexplainedLines.map(lineJson) },
    next: { command: e.next.command, why: e.next.why },
    diagnoses: logDiagnoses(e),
  };
}

const quote = (line: LogLine) => `  line ${line.number}: ${line.text.trim()}`;

function causeText(cause: ExplainedCause, i: number): string[] {
  const lines = [`  ${i + 1}. ${cause.summary}${cause.code === undefined ? '' : ` [${cause.code}]`}`];
  if (cause.supported !== undefined)
    lines.push(`     Likeliest: line ${cause.supported.line.number} shows ${cause.supported.reason}.`);
  lines.push(`     Tell: ${cause.tell}`, `     Run:  ${cause.command}`);
  return lines;
}

/** The human text: the verdict, the line that matters quoted, the causes numbered, the command to copy. */
export function formatExplanation(e: LogExplanation): string {
  const tool = toolName(e);
  const out: string[] = [];
  switch (e.verdict) {
    case 'empty':
      out.push('The log is empty: there is nothing to explain.');
      break;
    case 'unknown':
      out.push(
        `swdkit does not recognise anything in this ${tool} (${e.lineCount} lines), so it cannot say what went wrong.`,
      );
      break;
    case 'unexplained':
      out.push(`This ${tool} has error lines swdkit does not know; the first:`);
      if (e.keyLine !== undefined) out.push(quote(e.keyLine));
      if (e.unexplainedCount > 1) out.push(`  (${e.unexplainedCount} such lines in all)`);
      break;
    default: {
      const key = e.key;
      const what = e.verdict === 'failure' ? 'failed' : e.verdict === 'success' ? 'succeeded' : 'ran, but';
      out.push(
        `${tool.charAt(0).toUpperCase()}${tool.slice(1)}: ${what}${key === undefined ? '' : ` — ${key.title}`}.`,
      );
      if (e.keyLine !== undefined) out.push(`The line that matters:`, quote(e.keyLine));
      if (key !== undefined) out.push(`  ${key.meaning}`);
    }
  }
  if (e.causes.length > 0) {
    out.push('', 'Likely causes, most likely first:');
    e.causes.forEach((cause, i) => out.push(...causeText(cause, i)));
  }
  if (e.ruledOut.length > 0) {
    out.push('', 'Unlikely, from the log itself:');
    for (const c of e.ruledOut)
      out.push(
        `  - ${c.summary} Line ${c.ruledOut.line.number} shows ${c.ruledOut.reason}: ${c.ruledOut.line.text.trim()}`,
      );
  }
  const others = e.matches.filter((m) => m !== e.key && m.kind !== 'success');
  if (others.length > 0) {
    out.push('', 'Other lines swdkit knows:');
    for (const m of others) {
      const first = m.lines[0];
      if (first !== undefined)
        out.push(`${quote(first)}  (${m.title}${m.count > 1 ? `; ${m.count} such lines` : ''})`);
    }
  }
  out.push('', 'Next, run:', `  ${e.next.command}`, `  (${e.next.why})`);
  return out.join('\n');
}
