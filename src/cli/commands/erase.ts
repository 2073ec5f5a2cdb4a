import type { Command } from 'commander';
import { UsageError } from '../../util/errors.js';
import { parseSectorList } from '../arguments.js';
import type { CommandContext } from '../context.js';
import { sectors } from '../format.js';
import { cliProgressReporter } from '../progress.js';
import { withTarget } from '../target-options.js';
import { checkSectors } from './sector-check.js';

interface EraseOptions {
  readonly mass: boolean;
  readonly sectors?: number[];
}

export interface EraseResult {
  readonly event: 'result';
  readonly erased: 'all' | readonly number[];
}

export function registerErase(program: Command, context: CommandContext): void {
  program
    .command('erase')
    .description('erase all flash (--mass) or some sectors (--sectors 0-3,7); asks first, or needs --yes')
    .option('--mass', 'erase all of main flash', false)
    .option('--sectors <list>', 'erase these sectors, e.g. 0-3,7', parseSectorList)
    .action(async (options: EraseOptions, command: Command) => {
      if (options.mass === (options.sectors !== undefined)) {
        throw new UsageError('erase-what', 'say what to erase: --mass or --sectors LIST (one of them)', {
          hint: 'e.g. swdkit erase --sectors 0-3, or swdkit erase --mass --yes',
        });
      }
      await withTarget(command, context, async ({ session, output, consent, probe }) => {
        const progress = cliProgressReporter(context.io, {
          json: output.json,
          ...(probe.clock === undefined ? {} : { now: probe.clock.now }),
        });
        let result: EraseResult;
        if (options.sectors === undefined) {
          await session.massErase(consent(), progress);
          result = { event: 'result', erased: 'all' };
        } else {
          checkSectors(options.sectors, session.chip, '--sectors');
          await session.eraseSectors(options.sectors, consent(), progress);
          result = { event: 'result', erased: options.sectors };
        }
        output.result(result, (r) =>
          r.erased === 'all' ? 'erased all flash (mass erase)' : `erased ${sectors(r.erased)}`,
        );
      });
    });
}
