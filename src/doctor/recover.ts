/**
 * `swdkit recover` (issue 14): what finally brought the seed user's board back, in one guarded step.
 * Connect under reset (the firmware never runs), halt at the reset vector, back up the readable
 * flash when asked, RDP 1 → 0 when needed (the chip erases itself), mass erase, put back the debug
 * settings that were changed, release reset and let go, then check that a plain connect works again.
 * It refuses on RDP level 2, and it says what it is about to destroy before it asks.
 */
import { WALL_CLOCK, type Clock } from '../arm/debug-access.js';
import { SILENT_PROGRESS, type FlashProgress } from '../flash/progress.js';
import type { StLink } from '../probe/stlink.js';
import { Session, type Consent } from '../session.js';
import { mainFlashBase } from '../target/chip.js';
import { requireConsent } from '../session/consent.js';
import { hex32 } from '../util/bytes.js';
import { BadInputError, TargetError } from '../util/errors.js';
import { checkVectorTable } from './vector-table.js';

const KIB = 1024;

export interface RecoverOptions {
  readonly consent: Consent;
  /** Called with the whole flash before anything is erased (`--backup FILE`). */
  readonly backup?: (flash: Uint8Array, base: number) => Promise<void>;
  readonly speedKHz?: number;
  readonly clock?: Clock;
  readonly progress?: FlashProgress;
  /** Each step as it happens, for the user. */
  readonly say?: (line: string) => void;
}

export interface RecoverReport {
  readonly chip: string;
  readonly uniqueId: string;
  readonly rdpBefore: 0 | 1;
  readonly backedUp: boolean;
  readonly erasedBytes: number;
  /** What a plain (normal) connect found afterwards. */
  readonly connectsNormally: boolean;
  readonly steps: readonly string[];
}

export async function recover(stlink: StLink, options: RecoverOptions): Promise<RecoverReport> {
  const clock = options.clock ?? WALL_CLOCK;
  const steps: string[] = [];
  const say = (line: string): void => {
    steps.push(line);
    options.say?.(line);
  };
  const connect = (strategy: 'under-reset' | 'attach'): Promise<Session> =>
    Session.connect(stlink, {
      strategy,
      sleep: clock.sleep,
      now: clock.now,
      ...(options.speedKHz === undefined ? {} : { speedKHz: options.speedKHz }),
    });

  let session = await connect('under-reset');
  say(
    `connected under reset to the ${session.chip.name} (unique ID ${session.chip.uniqueId}); the core is halted at the reset vector`,
  );
  const { chip } = session;
  const base = mainFlashBase(chip.description);
  let rdpBefore: 0 | 1 = 0;
  let backedUp = false;
  try {
    const opts = await session.readOptions();
    if (opts.rdpLevel === 2) {
      throw new TargetError(
        'permanently-protected',
        `the ${chip.name} (unique ID ${chip.uniqueId}) is at read protection level 2: nothing can erase or unlock it, so recover did nothing`,
        {
          hint: 'Level 2 is permanent by design (RM0090 3.7.3): the chip cannot be reprogrammed through SWD again. Flash and option bytes were not touched.',
        },
      );
    }
    rdpBefore = opts.rdpLevel;
    const table = await checkVectorTable(session.stlink, chip).catch(() => undefined);
    const contents =
      table === undefined
        ? 'its contents cannot be read (read protection)'
        : table.erased
          ? 'it already reads erased'
          : `it holds a program (reset vector ${hex32(table.reset)})`;
    const what = `all ${chip.flashSize / KIB} KiB of flash on the ${chip.name} (unique ID ${chip.uniqueId}) will be ERASED — ${contents}${rdpBefore === 1 ? '; read protection goes from level 1 to 0, which itself erases the flash' : ''}`;
    say(`about to destroy: ${what}`);
    if (options.backup !== undefined && table === undefined) {
      throw new BadInputError(
        'backup-unreadable',
        'the flash is read-protected: there is nothing readable to back up, so recover did nothing',
        {
          hint: 'Drop --backup to recover anyway (RDP level 1 flash cannot be read by any debugger).',
        },
      );
    }
    await requireConsent(
      options.consent,
      'mass-erase',
      `recover (${what})`,
      `Recover the board: ${what}. Go ahead?`,
    );
    if (options.backup !== undefined) {
      const flash = await session.readMemory(base, chip.flashSize);
      await options.backup(flash, base);
      backedUp = true;
      say(`backed up ${chip.flashSize / KIB} KiB of flash from ${hex32(base)}`);
    }
    const agreed: Consent = { yes: true };
    if (rdpBefore === 1) {
      await session.setReadProtection(0, agreed);
      say(
        'read protection set to level 0 (the chip erased its flash doing so); resetting to load the option bytes',
      );
      await session.disconnect({ resume: false }).catch(() => undefined);
      session = await connect('under-reset');
    }
    const after = await checkVectorTable(session.stlink, chip).catch(() => undefined);
    if (after?.erased !== true) {
      await session.massErase(agreed, options.progress ?? SILENT_PROGRESS);
      say(`mass erase of ${chip.flashSize / KIB} KiB done`);
    } else {
      say('the flash reads erased');
    }
    // Out of reset with nothing to run; the session puts back DBGMCU and the watchdog freezes.
    await session.reset({ method: 'nrst' });
    say('reset released; the debug settings swdkit changed are put back');
  } finally {
    await session.disconnect({ resume: true }).catch(() => undefined);
  }
  let connectsNormally = false;
  try {
    const check = await connect('attach');
    connectsNormally = check.connectReport.method === 'attach';
    await check.disconnect({ resume: true });
  } catch {
    connectsNormally = false;
  }
  say(
    connectsNormally
      ? 'a plain connect (no reset) works again: OpenOCD and IDEs can connect'
      : 'a plain connect still fails: run `swdkit doctor`',
  );
  return {
    chip: chip.name,
    uniqueId: chip.uniqueId,
    rdpBefore,
    backedUp,
    erasedBytes: chip.flashSize,
    connectsNormally,
    steps,
  };
}
