import { readFileSync } from 'node:fs';

/** The package version, read from package.json so there is one place to bump it. */
export function packageVersion(): string {
  // dist/src/cli/version.js → package.json is three levels up, as is src/cli/version.ts in the checkout.
  const url = new URL('../../../package.json', import.meta.url);
  const parsed = JSON.parse(readFileSync(url, 'utf8')) as { version?: unknown };
  if (typeof parsed.version !== 'string') throw new Error(`package.json at ${url.pathname} has no version`);
  return parsed.version;
}
