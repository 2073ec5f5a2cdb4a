import { Option, type Command } from 'commander';
import { BOR_LEVELS, type Stm32f4Options } from '../../flash/stm32f4/option-bytes.js';
import { UsageError } from '../../util/errors.js';
import { parseSectorList } from '../arguments.js';
import type { CommandContext } from '../context.js';
import { hex, sectors } from '../format.js';
import { withTarget } from '../target-options.js';
import { checkSectors } from './sector-check.js';

/** The option bytes as `swdkit options` prints them (JSON: these fields). */
export interface OptionsView {
  readonly optcr: number;
  readonly rdp: number;
  readonly rdpLevel: number;
  readonly writeProtected: readonly number[];
  readonly borLevel: number;
  readonly bor: string;
  readonly watchdog: 'software' | 'hardware';
  readonly resetOnStop: boolean;
  readonly resetOnStandby: boolean;
}

export function optionsView(options: Stm32f4Options): OptionsView {
  return {
    optcr: options.optcr,
    rdp: options.rdp,
    rdpLevel: options.rdpLevel,
    writeProtected: options.writeProtected.flatMap((p, i) => (p ? [i] : [])),
    borLevel: options.borLevel,
    bor: BOR_LEVELS[options.borLevel] ?? `level ${options.borLevel}`,
    watchdog: options.watchdogSoftware ? 'software' : 'hardware',
    resetOnStop: options.resetOnStop,
    resetOnStandby: options.resetOnStandby,
  };
}

const RDP_MEANING = [
  'level 0: no read protection',
  'level 1: flash cannot be read or written by a debugger (`swdkit unlock` erases it and goes back to 0)',
  'level 2: PERMANENT, debug access is disabled for good',
];

export function renderOptions(view: OptionsView): string {
  const wrp = view.writeProtected;
  return [
    `FLASH_OPTCR  ${hex(view.optcr, 8)}`,
    `RDP          ${hex(view.rdp, 2)}, ${RDP_MEANING[view.rdpLevel] ?? ''}`,
    `nWRP         ${wrp.length === 0 ? 'no sector write-protected' : `${sectors(wrp)} write-protected`}`,
    `BOR_LEV      ${view.bor}`,
    `WDG_SW       ${view.watchdog === 'software' ? 'software watchdog (the IWDG starts when firmware starts it)' : 'hardware watchdog (the IWDG runs from reset)'}`,
    `nRST_STOP    ${view.resetOnStop ? 'entering Stop resets the chip' : 'no reset when entering Stop'}`,
    `nRST_STDBY   ${view.resetOnStandby ? 'entering Standby resets the chip' : 'no reset when entering Standby'}`,
  ].join('\n');
}

interface ProtectOptions {
  readonly level: '1' | '2';
  /** `--permanent UID`, or `--permanent` alone (then the UID is typed on the TTY). */
  readonly permanent?: string | true;
}

interface OptionsOptions {
  readonly protectSectors?: number[];
  readonly unprotectSectors?: number[];
}

export function registerProtection(program: Command, context: CommandContext): void {
  program
    .command('protect')
    .description('read-protect the flash (RDP level 1); asks first, or needs --yes')
    .addOption(new Option('--level <level>', 'RDP level; 2 is permanent').choices(['1', '2']).default('1'))
    .option(
      '--permanent [uid]',
      "level 2 only: confirm with the chip's unique ID (see `swdkit info`), or type it when asked",
    )
    .action(async (options: ProtectOptions, command: Command) => {
      const level = options.level === '2' ? 2 : 1;
      if (level === 2 && options.permanent === undefined) {
        throw new UsageError('level-2-needs-permanent', 'RDP level 2 is permanent: it needs --permanent', {
          hint: "Add --permanent UID with the chip's unique ID from 'swdkit info' (or --permanent alone to type it when asked). Level 2 can never be undone.",
        });
      }
      if (level === 1 && options.permanent !== undefined) {
        throw new UsageError('permanent-without-level-2', '--permanent is for --level 2 only', {
          hint: 'Level 1 can be undone with `swdkit unlock`; drop --permanent.',
        });
      }
      await withTarget(command, context, async ({ session, output, consent }) => {
        const uid = typeof options.permanent === 'string' ? options.permanent : undefined;
        const before = await session.readOptions();
        await session.setReadProtection(level, consent(uid === undefined ? {} : { permanentUid: uid }));
        const view = { ...optionsView(await session.readOptions()), changed: before.rdpLevel !== level };
        output.result(view, (v) =>
          v.changed
            ? `read protection set: RDP ${RDP_MEANING[v.rdpLevel] ?? ''}`
            : `already at RDP ${RDP_MEANING[v.rdpLevel] ?? ''}; nothing changed`,
        );
      });
    });

  program
    .command('unlock')
    .description('remove read protection (RDP 1 → 0); this ERASES ALL FLASH; asks first, or needs --yes')
    .action(async (_options: unknown, command: Command) => {
      await withTarget(command, context, async ({ session, output, consent }) => {
        const before = await session.readOptions();
        await session.setReadProtection(0, consent());
        const view = { ...optionsView(await session.readOptions()), changed: before.rdpLevel !== 0 };
        output.result(view, (v) =>
          !v.changed
            ? 'not read-protected (RDP level 0): nothing to unlock, flash untouched'
            : v.rdpLevel === 0
              ? 'read protection removed (RDP level 0); all flash was erased'
              : `RDP is still ${RDP_MEANING[v.rdpLevel] ?? ''}`,
        );
      });
    });

  program
    .command('options')
    .description(
      'print the option bytes; change write protection with --protect-sectors / --unprotect-sectors',
    )
    .option('--protect-sectors <list>', 'write-protect these sectors (nWRP), e.g. 0-1', parseSectorList)
    .option('--unprotect-sectors <list>', 'remove write protection from these sectors', parseSectorList)
    .action(async (options: OptionsOptions, command: Command) => {
      const protect = options.protectSectors ?? [];
      const unprotect = options.unprotectSectors ?? [];
      const both = protect.filter((s) => unprotect.includes(s));
      if (both.length > 0) {
        throw new UsageError(
          'protect-and-unprotect',
          `${sectors(both)} cannot be both protected and unprotected`,
        );
      }
      await withTarget(command, context, async ({ session, output, consent }) => {
        if (protect.length + unprotect.length > 0) {
          checkSectors([...protect, ...unprotect], session.chip, '--protect-sectors/--unprotect-sectors');
          await session.setWriteProtection(
            {
              ...(protect.length > 0 ? { protect } : {}),
              ...(unprotect.length > 0 ? { unprotect } : {}),
            },
            consent(),
          );
        }
        output.result(optionsView(await session.readOptions()), renderOptions);
      });
    });
}
