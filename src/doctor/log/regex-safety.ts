/**
 * A cheap static check that a knowledge-base pattern cannot backtrack catastrophically.
 *
 * The explainer runs every pattern on single lines cut to MAX_LINE_CHARS, so even a bad pattern costs
 * at most that line's length to a power; this check keeps the power at one by refusing the shapes that
 * make JavaScript's backtracking engine exponential or polynomial: a quantified group that itself
 * contains a quantifier or an alternation (`(a+)+`, `(\w*x)*`, `(a|ab)*`), and backreferences (which no log signature needs). It is
 * a conservative syntactic test, not a proof: it may refuse a harmless pattern, which can then be
 * written without nesting.
 */
export function unsafePatternReason(pattern: string): string | undefined {
  if (/\\[1-9]|\\k</.test(pattern)) return 'backreferences are not allowed';
  // For every open group, whether a quantifier or an alternation has been seen inside it.
  const riskyInside: boolean[] = [];
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\') {
      i++;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      continue;
    }
    if (c === '[') {
      inClass = true;
      continue;
    }
    if (c === '(') {
      riskyInside.push(false);
      continue;
    }
    if (c === '|' && riskyInside.length > 0) {
      riskyInside[riskyInside.length - 1] = true;
      continue;
    }
    const quantifier = c === '*' || c === '+' || (c === '{' && /^\{\d+(,\d*)?\}/.test(pattern.slice(i)));
    if (c === ')') {
      const inner = riskyInside.pop() ?? false;
      const next = pattern[i + 1];
      const groupQuantified =
        next === '*' || next === '+' || (next === '{' && /^\{\d+(,\d*)?\}/.test(pattern.slice(i + 1)));
      if (inner && groupQuantified)
        return 'a quantified group contains a quantifier or an alternation (nested repetition)';
      // The group's own quantifier counts as a quantifier inside the enclosing group.
      if ((inner || groupQuantified) && riskyInside.length > 0) riskyInside[riskyInside.length - 1] = true;
      continue;
    }
    if (quantifier && riskyInside.length > 0) riskyInside[riskyInside.length - 1] = true;
  }
  return undefined;
}
