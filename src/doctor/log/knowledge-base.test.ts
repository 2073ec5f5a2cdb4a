import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BadInputError } from '../../util/errors.js';
import { KNOWLEDGE_BASE } from './knowledge/index.js';
import { defaultKnowledgeBase, loadKnowledgeBase } from './knowledge-base.js';
import { unsafePatternReason } from './regex-safety.js';
import type { EntryData, KnowledgeBaseData } from './schema.js';

/** The built-in data with its first entry replaced by `change(first)`. */
function withFirstEntry(change: (entry: EntryData) => unknown): KnowledgeBaseData {
  const [first, ...rest] = KNOWLEDGE_BASE.entries;
  return { ...KNOWLEDGE_BASE, entries: [change(first!) as EntryData, ...rest] };
}

function rejects(data: unknown, message: RegExp): void {
  assert.throws(
    () => loadKnowledgeBase(data),
    (error: unknown) => {
      assert.ok(error instanceof BadInputError, String(error));
      assert.equal(error.code, 'bad-input.knowledge-base-invalid');
      assert.match(error.message, message);
      return true;
    },
  );
}

describe('the log knowledge base', () => {
  it('the built-in data passes its schema, every entry with examples its patterns match', () => {
    const kb = defaultKnowledgeBase();
    assert.ok(kb.entries.length >= 40, `${kb.entries.length} entries`);
    const tools = new Set(kb.entries.flatMap((e) => e.tools));
    for (const tool of [
      'openocd',
      'platformio',
      'st-flash',
      'stm32cubeprogrammer',
      'pyocd',
      'probe-rs',
    ] as const)
      assert.ok(tools.has(tool), `an entry for ${tool}`);
  });

  it('a pattern that does not compile is refused, with the entry path named', () => {
    rejects(
      withFirstEntry((e) => ({ ...e, signatures: [{ ...e.signatures[0]!, pattern: 'init mode failed (' }] })),
      /entries\.0\.signatures\.0\.pattern: does not compile/,
    );
  });

  it('an example its own pattern does not match is refused', () => {
    rejects(
      withFirstEntry((e) => ({
        ...e,
        signatures: [{ ...e.signatures[0]!, examples: ['Error: something else, too low'] }],
      })),
      /entries\.0\.signatures\.0\.examples\.0: (?:does not contain|is not matched)/,
    );
  });

  it('a nested repetition is refused as unsafe', () => {
    rejects(
      withFirstEntry((e) => ({
        ...e,
        signatures: [{ contains: 'aaa', pattern: '(a+)+b', examples: ['aaab'] }],
      })),
      /unsafe pattern: a quantified group/,
    );
  });

  it('an unknown diagnosis code, a missing field, an extra field and a duplicate id are refused', () => {
    rejects(
      withFirstEntry((e) => ({ ...e, causes: [{ ...e.causes[0]!, code: 'cosmic-rays' }] })),
      /entries\.0\.causes\.0\.code/,
    );
    rejects(
      withFirstEntry((e) => {
        const { next: _next, ...rest } = e;
        return rest;
      }),
      /entries\.0\.next/,
    );
    rejects(
      withFirstEntry((e) => ({ ...e, severity: 'high' })),
      /entries\.0/,
    );
    rejects(
      { ...KNOWLEDGE_BASE, entries: [KNOWLEDGE_BASE.entries[0]!, KNOWLEDGE_BASE.entries[0]!] },
      /duplicate id/,
    );
  });

  it('a failure entry without causes is refused', () => {
    rejects(
      withFirstEntry((e) => ({ ...e, causes: [] })),
      /a failure entry needs at least one cause/,
    );
  });
});

describe('unsafePatternReason', () => {
  it('accepts the flat patterns log signatures need', () => {
    for (const pattern of [
      String.raw`init mode failed \(unable to connect to the target\)`,
      String.raw`xPSR: (?:0x)?[0-9a-f][02468ace][0-9a-f]{6} pc: `,
      String.raw`STLINK V2J(?:[0-9]|1[0-9]|2[0-3])(?:S|M)\d+ `,
      String.raw`[(+*]+ literal`,
    ])
      assert.equal(unsafePatternReason(pattern), undefined, pattern);
  });

  it('refuses nested repetition, repeated alternation and backreferences', () => {
    for (const pattern of [
      '(a+)+',
      String.raw`(\w*x)*y`,
      '(a|ab)*c',
      '(?:(?:a)+)+',
      String.raw`(a)\1`,
      '(x{2,})+',
    ])
      assert.notEqual(unsafePatternReason(pattern), undefined, pattern);
  });
});
