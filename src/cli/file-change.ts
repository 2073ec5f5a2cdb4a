import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { createTwoFilesPatch } from 'diff';
import { ConsentError } from '../util/errors.js';
import type { Consent } from '../session.js';

/**
 * Writing a configuration file into the user's project: the change shown as a unified diff first,
 * and a file that exists is replaced only with consent (--yes, or yes on a TTY).
 */

export interface FileChange {
  /** Where, as shown to the user (relative to the project). */
  readonly shown: string;
  readonly path: string;
  /** The file as it is now; undefined if there is none. */
  readonly before: string | undefined;
  readonly after: string;
}

/** The file's text, or undefined if there is none. */
export async function readIfExists(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

export function unifiedDiff(change: FileChange): string {
  return createTwoFilesPatch(
    change.before === undefined ? '/dev/null' : `a/${change.shown}`,
    `b/${change.shown}`,
    change.before ?? '',
    change.after,
    undefined,
    undefined,
    { context: 3 },
  )
    .split('\n')
    .filter((line) => !line.startsWith('====='))
    .join('\n');
}

/**
 * Consent to replace an existing file: --yes gives it, a TTY question may, otherwise ConsentError
 * `consent.overwrite` (exit status 6) and nothing is written.
 */
export async function consentToReplace(consent: Consent, change: FileChange): Promise<void> {
  if (consent.yes) return;
  if (consent.ask !== undefined) {
    if (await consent.ask(`Write these changes to ${change.shown}?`)) return;
    throw new ConsentError('overwrite', `${change.shown}: not written, you answered no`, {
      hint: 'The file is as it was.',
    });
  }
  throw new ConsentError(
    'overwrite',
    `${change.shown} exists, and changing it needs your consent (--yes); there is no terminal to ask on`,
    {
      hint: 'Look at the diff above, then pass --yes to write it, or --print to see the whole file. The file is as it was.',
    },
  );
}

/** Writes beside the file and renames over it, so an interrupted write never leaves half a file. */
export async function writeChange(change: FileChange): Promise<void> {
  await mkdir(dirname(change.path), { recursive: true });
  const temporary = join(dirname(change.path), `.${basename(change.path)}.swdkit-${process.pid}`);
  await writeFile(temporary, change.after, 'utf8');
  await rename(temporary, change.path);
}
