/**
 * The shape of the log explainer's knowledge base, checked when it is loaded (zod): the knowledge is
 * data (knowledge/*.ts export plain objects), so a mistake in it — a pattern that does not compile,
 * an example its own pattern does not match, a cause with an unknown code — must be caught by the
 * loader with the entry named, not discovered as a wrong explanation.
 */
import { z } from 'zod';
import { DIAGNOSIS_CODES, TOOL_IDS } from './codes.js';
import { unsafePatternReason } from './regex-safety.js';

const KEBAB = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

/**
 * How a line is recognised. `contains` is a plain substring every matching line has: the explainer
 * looks for it with a native substring search first, so a 10 MB log costs one scan per signature
 * rather than every pattern on every line; `pattern` (a JavaScript regular expression, run on single
 * lines) then decides. `examples` are real or documented lines the signature must match; the loader
 * checks them, so the data tests itself.
 */
export const LineTestSchema = z
  .object({
    contains: z.string().min(3),
    pattern: z.string().min(1),
    ignoreCase: z.boolean().optional(),
    examples: z.array(z.string().min(1)).min(1),
  })
  .strict()
  .superRefine((test, ctx) => {
    const unsafe = unsafePatternReason(test.pattern);
    if (unsafe !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['pattern'], message: `unsafe pattern: ${unsafe}` });
      return;
    }
    let regex: RegExp;
    try {
      regex = new RegExp(test.pattern, test.ignoreCase === true ? 'i' : '');
    } catch (error) {
      ctx.addIssue({
        code: 'custom',
        path: ['pattern'],
        message: `does not compile: ${error instanceof Error ? error.message : String(error)}`,
      });
      return;
    }
    const fold = (s: string) => (test.ignoreCase === true ? s.toLowerCase() : s);
    test.examples.forEach((example, i) => {
      if (!fold(example).includes(fold(test.contains)))
        ctx.addIssue({
          code: 'custom',
          path: ['examples', i],
          message: `does not contain "${test.contains}"`,
        });
      if (!regex.test(example))
        ctx.addIssue({
          code: 'custom',
          path: ['examples', i],
          message: `is not matched by /${test.pattern}/`,
        });
    });
  });

/** A line elsewhere in the log that changes a cause's likelihood, and why. */
export const EvidenceTestSchema = z.object({ test: LineTestSchema, reason: z.string().min(1) }).strict();

export const CauseSchema = z
  .object({
    /** Issue 14's code, where one fits. */
    code: z.enum(DIAGNOSIS_CODES).optional(),
    /** The cause in one sentence. */
    summary: z.string().min(1),
    /** How to tell this cause from the entry's others. */
    tell: z.string().min(1),
    /** The command (or the other tool's fix) for this cause. */
    command: z.string().min(1),
    /** A matching line makes this cause unlikely: it goes to the end, marked as ruled out. */
    ruledOutBy: z.array(EvidenceTestSchema).optional(),
    /** A matching line makes this cause the likeliest: it moves to the front. */
    supportedBy: z.array(EvidenceTestSchema).optional(),
  })
  .strict();

export const EntrySchema = z
  .object({
    /** Stable: part of the --json output. */
    id: z.string().regex(KEBAB),
    tools: z.array(z.enum(TOOL_IDS)).min(1),
    /**
     * failure: the run failed here; hint: a line that says something about the target or probe
     * without being the failure; success: the run did what it was asked.
     */
    kind: z.enum(['failure', 'hint', 'success']),
    /**
     * How close a match is to the root cause, 0-100: when several entries match, the highest rank's
     * line is the line that matters (e.g. a 0 V target voltage over the `init mode failed` it causes,
     * which itself outranks the later `Unable to reset target`).
     */
    rank: z.number().int().min(0).max(100),
    title: z.string().min(1),
    /** What the message means, in a sentence or two. */
    meaning: z.string().min(1),
    /**
     * captured: these lines were seen in real output captured here (test/fixtures/logs/); documented:
     * taken from the tool's documentation or its users' reports, not from a run here.
     */
    source: z.enum(['captured', 'documented']),
    /** Where a documented message was found. */
    reference: z.string().optional(),
    signatures: z.array(LineTestSchema).min(1),
    /** Most likely first. */
    causes: z.array(CauseSchema),
    next: z.object({ command: z.string().min(1), why: z.string().min(1) }).strict(),
  })
  .strict()
  .superRefine((entry, ctx) => {
    if (entry.kind === 'failure' && entry.causes.length === 0)
      ctx.addIssue({ code: 'custom', path: ['causes'], message: 'a failure entry needs at least one cause' });
  });

export const ToolSchema = z
  .object({
    id: z.enum(TOOL_IDS),
    name: z.string().min(1),
    /** A tool that runs another (PlatformIO runs OpenOCD): named first when both are seen. */
    wrapper: z.boolean(),
    /** Lines only this tool prints. */
    fingerprints: z.array(LineTestSchema).min(1),
    /** Lines that look like an error of this tool, for errors no entry knows. */
    errorLines: z.array(LineTestSchema).min(1),
  })
  .strict();

export const KnowledgeBaseSchema = z
  .object({ tools: z.array(ToolSchema).min(1), entries: z.array(EntrySchema).min(1) })
  .strict()
  .superRefine((kb, ctx) => {
    const seen = new Set<string>();
    kb.entries.forEach((entry, i) => {
      if (seen.has(entry.id))
        ctx.addIssue({ code: 'custom', path: ['entries', i, 'id'], message: `duplicate id ${entry.id}` });
      seen.add(entry.id);
    });
    const tools = new Set(kb.tools.map((t) => t.id));
    kb.entries.forEach((entry, i) => {
      for (const tool of entry.tools)
        if (!tools.has(tool))
          ctx.addIssue({
            code: 'custom',
            path: ['entries', i, 'tools'],
            message: `no tool ${tool} in tools`,
          });
    });
  });

export type LineTestData = z.input<typeof LineTestSchema>;
export type CauseData = z.input<typeof CauseSchema>;
export type EntryData = z.input<typeof EntrySchema>;
export type ToolData = z.input<typeof ToolSchema>;
export type KnowledgeBaseData = z.input<typeof KnowledgeBaseSchema>;
export type KnowledgeBaseValid = z.output<typeof KnowledgeBaseSchema>;
