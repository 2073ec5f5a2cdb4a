/**
 * Error codes are public interface, in one style: `<class-prefix>.<kebab-name>` with exactly one dot
 * (src/util/errors.ts). The classes supply the prefix, so what can still go wrong is a name with a dot
 * or a capital in it, or a test or the README naming a code of another form. This reads the sources
 * with the TypeScript parser and checks every place a code is written down.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, it } from 'node:test';
import ts from 'typescript';
import { CODE_NAME_PATTERN, CODE_PREFIX } from '../../src/util/errors.js';
import { repoRoot } from '../support/paths.js';

/** The classes whose first constructor argument is a code name. */
const CODE_NAMED = new Set([
  'UsageError',
  'BadInputError',
  'UnavailableError',
  'TargetError',
  'ConsentError',
  'TimeoutError',
  'InternalError',
]);
const PREFIXES = Object.values(CODE_PREFIX);
const CODE_LIKE = new RegExp(`^(${PREFIXES.join('|')})\\.`);
const CODE_PATTERN = new RegExp(`^(${PREFIXES.join('|')})\\.${CODE_NAME_PATTERN.source.slice(1)}`);

function sources(dir: string): string[] {
  return readdirSync(join(repoRoot, dir), { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts'))
    .map((e) => join(e.parentPath, e.name));
}

interface Found {
  readonly where: string;
  readonly text: string;
}

/** Code names given to the error classes, and code-like string literals (tests assert codes). */
function scan(file: string): { names: Found[]; codes: Found[] } {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const names: Found[] = [];
  const codes: Found[] = [];
  const where = (node: ts.Node): string =>
    `${relative(repoRoot, file)}:${source.getLineAndCharacterOfPosition(node.getStart()).line + 1}`;
  const visit = (node: ts.Node): void => {
    if (
      ts.isNewExpression(node) &&
      ts.isIdentifier(node.expression) &&
      CODE_NAMED.has(node.expression.text)
    ) {
      const first = node.arguments?.[0];
      if (first !== undefined && ts.isStringLiteral(first))
        names.push({ where: where(first), text: first.text });
      // A computed name: its fixed parts must fit the pattern too (a dot there would add a level).
      if (first !== undefined && ts.isTemplateExpression(first)) {
        for (const part of [first.head.text, ...first.templateSpans.map((s) => s.literal.text)])
          names.push({ where: where(first), text: part.replace(/^-|-$/g, '') || 'x' });
      }
    }
    if ((ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) && CODE_LIKE.test(node.text)) {
      // `target.js` and the like are file names, not codes.
      if (!/\.(js|ts|json|elf|xml)$/.test(node.text)) codes.push({ where: where(node), text: node.text });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return { names, codes };
}

describe('error codes', () => {
  const all = ['src', 'test', 'bench'].flatMap(sources).map(scan);

  it('every code name given to an error class is kebab-case without a dot', () => {
    const names = all.flatMap((s) => s.names);
    assert.ok(names.length > 50, `found only ${names.length} code names: is the scan still right?`);
    const bad = names.filter((n) => !CODE_NAME_PATTERN.test(n.text));
    assert.deepEqual(bad, []);
  });

  it('every code a test or the sources spell out has the form <class-prefix>.<kebab-name>', () => {
    const codes = all.flatMap((s) => s.codes);
    assert.ok(codes.length > 20, `found only ${codes.length} codes: is the scan still right?`);
    assert.deepEqual(
      codes.filter((c) => !CODE_PATTERN.test(c.text)),
      [],
    );
  });

  it('every code the README names has that form too', () => {
    const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
    const named = [...readme.matchAll(/`([a-z-]+\.[^`\s]*)`/g)]
      .map((m) => m[1] ?? '')
      .filter((text) => CODE_LIKE.test(text) && !text.includes('/'));
    assert.deepEqual(
      named.filter((text) => !CODE_PATTERN.test(text)),
      [],
    );
  });
});
