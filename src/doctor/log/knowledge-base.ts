import { BadInputError } from '../../util/errors.js';
import type { DiagnosisCode, ToolId } from './codes.js';
import { KNOWLEDGE_BASE } from './knowledge/index.js';
import { KnowledgeBaseSchema, type LineTestData } from './schema.js';

/** A line test ready to run: the substring to look for, then the pattern to confirm. */
export interface LineTest {
  readonly contains: string;
  readonly ignoreCase: boolean;
  readonly regex: RegExp;
}

export interface EvidenceTest {
  readonly test: LineTest;
  readonly reason: string;
}

export interface Cause {
  readonly code: DiagnosisCode | undefined;
  readonly summary: string;
  readonly tell: string;
  readonly command: string;
  readonly ruledOutBy: readonly EvidenceTest[];
  readonly supportedBy: readonly EvidenceTest[];
}

export interface Entry {
  readonly id: string;
  readonly tools: readonly ToolId[];
  readonly kind: 'failure' | 'hint' | 'success';
  readonly rank: number;
  readonly title: string;
  readonly meaning: string;
  readonly source: 'captured' | 'documented';
  readonly reference: string | undefined;
  readonly signatures: readonly LineTest[];
  readonly causes: readonly Cause[];
  readonly next: { readonly command: string; readonly why: string };
}

export interface Tool {
  readonly id: ToolId;
  readonly name: string;
  readonly wrapper: boolean;
  readonly fingerprints: readonly LineTest[];
  readonly errorLines: readonly LineTest[];
}

export interface KnowledgeBase {
  readonly tools: readonly Tool[];
  readonly entries: readonly Entry[];
}

function compile(test: LineTestData): LineTest {
  const ignoreCase = test.ignoreCase === true;
  return {
    contains: ignoreCase ? test.contains.toLowerCase() : test.contains,
    ignoreCase,
    regex: new RegExp(test.pattern, ignoreCase ? 'i' : ''),
  };
}

/**
 * Validates knowledge-base data against the schema and compiles its patterns. Invalid data is bad
 * input naming every problem with its path (`entries.3.signatures.0.pattern: does not compile ...`).
 */
export function loadKnowledgeBase(data: unknown): KnowledgeBase {
  const parsed = KnowledgeBaseSchema.safeParse(data);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new BadInputError(
      'knowledge-base-invalid',
      `The log knowledge base is invalid: ${problems.slice(0, 10).join('; ')}${problems.length > 10 ? `; and ${problems.length - 10} more` : ''}`,
      {
        hint: 'Fix the entries named (src/doctor/log/knowledge/); the schema is in src/doctor/log/schema.ts.',
      },
    );
  }
  const kb = parsed.data;
  return {
    tools: kb.tools.map((tool) => ({
      id: tool.id,
      name: tool.name,
      wrapper: tool.wrapper,
      fingerprints: tool.fingerprints.map(compile),
      errorLines: tool.errorLines.map(compile),
    })),
    entries: kb.entries.map((entry) => ({
      id: entry.id,
      tools: entry.tools,
      kind: entry.kind,
      rank: entry.rank,
      title: entry.title,
      meaning: entry.meaning,
      source: entry.source,
      reference: entry.reference,
      signatures: entry.signatures.map(compile),
      causes: entry.causes.map((cause) => ({
        code: cause.code,
        summary: cause.summary,
        tell: cause.tell,
        command: cause.command,
        ruledOutBy: (cause.ruledOutBy ?? []).map((e) => ({ test: compile(e.test), reason: e.reason })),
        supportedBy: (cause.supportedBy ?? []).map((e) => ({ test: compile(e.test), reason: e.reason })),
      })),
      next: entry.next,
    })),
  };
}

let builtIn: KnowledgeBase | undefined;

/** swdkit's own knowledge base (knowledge/), validated once, on first use. */
export function defaultKnowledgeBase(): KnowledgeBase {
  builtIn ??= loadKnowledgeBase(KNOWLEDGE_BASE);
  return builtIn;
}
