import { createInterface } from 'node:readline/promises';
import { ConsentError } from '../util/errors.js';
import type { CliIo } from './context.js';
import type { Consent } from '../session.js';

export interface ConsentOptions {
  /** --yes: agree to every question this command would ask. */
  readonly yes: boolean;
  /** `protect --level 2 --permanent UID`: the chip's unique ID, given on the command line. */
  readonly permanentUid?: string;
}

/** One line from a TTY, the question written to stderr (stdout stays the command's result). */
async function askLine(io: CliIo, question: string): Promise<string> {
  if (io.stdin === undefined) return '';
  const rl = createInterface({ input: io.stdin, output: io.stderr, terminal: false });
  try {
    return (await rl.question(question)).trim();
  } finally {
    rl.close();
  }
}

const normaliseUid = (uid: string): string => uid.replace(/[\s:-]/g, '').toLowerCase();

/**
 * What the user agreed to, for the session's permission gate: --yes, or a question on a TTY. Without
 * a TTY and without --yes nothing is asked and the session refuses (exit status 6). RDP level 2 also
 * needs the chip's unique ID — typed on the TTY, or given with --permanent — so it can only ever be
 * agreed for the chip it is about.
 */
export function consentFrom(options: ConsentOptions, io: CliIo): Consent {
  const tty = io.stdin?.isTTY === true;
  return {
    yes: options.yes,
    ...(tty && !options.yes
      ? {
          ask: async (question: string) => /^(y|yes)$/i.test(await askLine(io, `${question} [y/N] `)),
        }
      : {}),
    permanentConfirmation: async (uniqueId: string) => {
      if (options.permanentUid !== undefined) {
        if (normaliseUid(options.permanentUid) === normaliseUid(uniqueId)) return true;
        throw new ConsentError(
          'unique-id-mismatch',
          `--permanent ${options.permanentUid} is not this chip's unique ID (${uniqueId}); nothing was changed`,
          {
            hint: "RDP level 2 is confirmed for one chip only: pass the unique ID that 'swdkit info' shows for the chip attached now.",
          },
        );
      }
      if (!tty) return false;
      const typed = await askLine(
        io,
        `RDP level 2 is PERMANENT: this chip can never be debugged, read or reprogrammed through SWD again.\n` +
          `Type its unique ID (${uniqueId}) to go ahead: `,
      );
      return normaliseUid(typed) === normaliseUid(uniqueId);
    },
  };
}
