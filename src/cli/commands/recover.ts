import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { recover, type RecoverReport } from '../../doctor/recover.js';
import { UnavailableError } from '../../util/errors.js';
import { consentFrom } from '../consent.js';
import type { CommandContext, GlobalOptions } from '../context.js';
import { openProbe } from '../open-probe.js';
import { cliProgressReporter } from '../progress.js';
import { probeAccess } from '../target-options.js';

interface RecoverCommandOptions {
  readonly backup?: string;
}

export function registerRecover(program: Command, context: CommandContext): void {
  program
    .command('recover')
    .description(
      'bring back a board no tool can connect to: under reset, RDP 1 → 0, mass erase, clean disconnect (asks first, or --yes)',
    )
    .option('--backup <file>', 'save the whole flash to FILE (raw binary) before erasing')
    .action(async (options: RecoverCommandOptions, command: Command) => {
      const globals = command.optsWithGlobals<GlobalOptions>();
      const output = context.output(command);
      const probe = await openProbe(globals.probe, probeAccess(context));
      try {
        const report = await recover(probe.stlink, {
          consent: consentFrom({ yes: globals.yes }, context.io),
          ...(globals.speed === undefined ? {} : { speedKHz: globals.speed }),
          ...(probe.clock === undefined ? {} : { clock: probe.clock }),
          progress: cliProgressReporter(context.io, {
            json: output.json,
            ...(probe.clock === undefined ? {} : { now: probe.clock.now }),
          }),
          say: (line) => {
            if (!output.json) context.io.stderr.write(`swdkit: ${line}\n`);
          },
          ...(options.backup === undefined
            ? {}
            : {
                backup: (flash: Uint8Array) => {
                  const path = options.backup ?? '';
                  try {
                    writeFileSync(path, flash);
                  } catch (cause) {
                    throw new UnavailableError(
                      'backup-write',
                      `cannot write the backup to ${path}: ${String(cause)}`,
                      {
                        hint: 'Nothing was erased. Choose a writable path for --backup.',
                        cause,
                      },
                    );
                  }
                  return Promise.resolve();
                },
              }),
        });
        output.result({ event: 'result', ...report }, renderRecover);
      } finally {
        await probe.close();
      }
    });
}

export function renderRecover(report: RecoverReport): string {
  return `recovered the ${report.chip}: ${report.erasedBytes / 1024} KiB erased${report.rdpBefore === 1 ? ', read protection removed' : ''}${report.backedUp ? ', backed up first' : ''}; ${report.connectsNormally ? 'it connects normally again' : 'a normal connect still fails (run `swdkit doctor`)'}`;
}
