/**
 * The doctor's one-line verdict for a command that could not connect (`flash`, `info`): drawn from
 * what its connect attempts got back, plus one connect under reset if it was not tried. Not the
 * full ladder: it names the likely cause and the command that finds out more.
 */
import type { Clock } from '../arm/debug-access.js';
import type { StLink } from '../probe/stlink.js';
import { ConnectFailedError, Session } from '../session.js';
import type { SwdkitError } from '../util/errors.js';
import type { DiagnosisCode } from './report.js';

export interface QuickVerdict {
  readonly codes: readonly DiagnosisCode[];
  /** One line: the cause. */
  readonly line: string;
  readonly command: string;
}

export async function quickVerdict(
  stlink: StLink,
  error: SwdkitError,
  options: { readonly speedKHz?: number; readonly clock?: Clock } = {},
): Promise<QuickVerdict | undefined> {
  if (error.code === 'target.no-target-power') {
    return {
      codes: ['no-target-power'],
      line: 'the target has no power (check its supply and the probe’s VDD wire)',
      command: 'swdkit doctor',
    };
  }
  if (!(error instanceof ConnectFailedError)) return undefined;
  const triedUnderReset = error.attempts.some((a) => a.method === 'under-reset');
  if (!triedUnderReset) {
    try {
      const session = await Session.connect(stlink, {
        strategy: 'under-reset',
        ...(options.speedKHz === undefined ? {} : { speedKHz: options.speedKHz }),
        ...(options.clock === undefined ? {} : { sleep: options.clock.sleep, now: options.clock.now }),
      });
      const rdp = (await session.readOptions().catch(() => undefined))?.rdpLevel;
      await session.disconnect({ resume: true }).catch(() => undefined);
      return {
        codes: ['firmware-disables-swd-pins', 'firmware-low-power'],
        line: `only a connect under reset reaches the chip: its firmware takes the SWD pins or enters a low-power mode${rdp === 1 ? ' (and read protection level 1 is set)' : ''}; \`swdkit doctor\` finds which, \`swdkit recover\` erases it, \`--connect under-reset\` works meanwhile`,
        command: 'swdkit doctor',
      };
    } catch {
      // Fall through: no answer under reset either.
    }
  }
  return {
    codes: ['swd-no-response'],
    line: 'the SW-DP does not answer even under reset: check SWDIO/SWCLK/GND/NRST wiring and power; a chip at RDP level 2 never answers',
    command: 'swdkit doctor',
  };
}
