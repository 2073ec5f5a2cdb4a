import { ConsentError } from '../util/errors.js';
import type { Consent } from './types.js';

/** The destructive actions the gate knows; each is its own code, `consent.<action>`. */
export type ConsentAction = 'mass-erase' | 'sector-erase' | 'read-protection' | 'write-protection';

/**
 * Asks for consent to `action`: `--yes` gives it; otherwise a TTY question (`ask`) may; otherwise it
 * is refused with ConsentError `consent.<action>` naming `--yes`.
 */
export async function requireConsent(
  consent: Consent,
  action: ConsentAction,
  what: string,
  question: string,
): Promise<void> {
  if (consent.yes) return;
  if (consent.ask !== undefined) {
    if (await consent.ask(question)) return;
    throw new ConsentError(action, `${what}: not done, you answered no`, {
      hint: 'Nothing was changed on the target.',
    });
  }
  throw new ConsentError(action, `${what} needs your consent (--yes), and there is no terminal to ask on`, {
    hint: 'Pass --yes to do it anyway. Nothing was changed on the target.',
  });
}

/**
 * RDP level 2 is for good: on top of `yes`/ask, the user must confirm it for this chip by its unique
 * ID (typed on a TTY, or given with the flag). ConsentError `consent.permanent-protection` otherwise.
 */
export async function requirePermanentConfirmation(
  consent: Consent,
  uniqueId: string,
  what: string,
): Promise<void> {
  if (consent.permanentConfirmation !== undefined && (await consent.permanentConfirmation(uniqueId))) return;
  throw new ConsentError(
    'permanent-protection',
    `${what}: read protection level 2 disables the debug port of this chip (unique ID ${uniqueId}) for good, so it needs a confirmation bound to this chip`,
    {
      hint: `--yes is not enough: confirm with this chip's unique ID (${uniqueId}), typed when asked or given with the level-2 flag. Nothing was changed on the target.`,
    },
  );
}
