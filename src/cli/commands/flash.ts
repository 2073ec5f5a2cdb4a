import { Option, type Command } from 'commander';
import type { FlashReport } from '../../flash/program-image.js';
import { SwdkitError, UsageError, asSwdkitError } from '../../util/errors.js';
import { parseAddress, parseSeconds } from '../arguments.js';
import type { CommandContext } from '../context.js';
import { sectors, size } from '../format.js';
import { FORMAT_NAMES, loadFlashImage } from '../image-file.js';
import { watchLeds } from '../leds.js';
import { cliProgressReporter } from '../progress.js';
import type { ConnectReport, ResetMethod } from '../../session.js';
import { withTarget } from '../target-options.js';

interface FlashOptions {
  readonly address?: number;
  readonly verify: boolean;
  readonly reset: boolean;
  readonly halt: boolean;
  readonly fullErase: boolean;
  readonly showLeds?: number;
}

export interface FlashResult {
  readonly event: 'result';
  readonly file: string;
  readonly format: keyof typeof FORMAT_NAMES;
  readonly bytes: number;
  readonly chip: string;
  readonly connect: { readonly method: ConnectReport['method']; readonly explanation?: string };
  readonly flash: FlashReport;
  /** How the core was reset afterwards, or null with --no-reset. */
  readonly reset: { readonly method: Exclude<ResetMethod, 'auto'>; readonly halted: boolean } | null;
}

export function registerFlash(program: Command, context: CommandContext): void {
  program
    .command('flash')
    .description(
      'put an image (ELF, Intel HEX, S-record, or .bin at --address) into flash, verified; then reset',
    )
    .argument('<file>', 'the image')
    .addOption(
      new Option('--address <address>', 'where a raw binary goes (default 0x08000000)').argParser(
        parseAddress,
      ),
    )
    .option('--verify', 'check the flash after programming (default)', true)
    .option('--no-verify', 'skip the check')
    .option('--reset', 'reset and run the new firmware afterwards (default)', true)
    .option('--no-reset', 'leave the core halted where flashing left it')
    .option('--halt', 'reset, and halt at the reset vector', false)
    .option('--full-erase', 'erase all flash first and write every sector, even those that match', false)
    .addOption(
      new Option(
        '--show-leds <seconds>',
        "after the reset, show the STM32F4DISCOVERY's four LEDs (PD12-PD15) live for this long",
      ).argParser(parseSeconds),
    )
    .action(async (file: string, options: FlashOptions, command: Command) => {
      if (options.halt && !options.reset) {
        throw new UsageError('conflicting-options', '--halt and --no-reset contradict each other', {
          hint: '--halt resets and halts at the reset vector; --no-reset does not reset at all.',
        });
      }
      if (options.showLeds !== undefined && (options.halt || !options.reset)) {
        throw new UsageError(
          'conflicting-options',
          '--show-leds needs the firmware running after the reset',
          {
            hint: 'Drop --halt / --no-reset.',
          },
        );
      }
      // The image is read and checked before the probe is touched: a bad file changes nothing.
      const image = loadFlashImage(file, options.address);
      const bytes = image.segments.reduce((n, s) => n + s.data.length, 0);
      await withTarget(
        command,
        context,
        async (target) => {
          const { session, output, probe } = target;
          const report = session.connectReport;
          if (report.explanation !== undefined) {
            output.event(
              { event: 'connect', method: report.method, explanation: report.explanation },
              () => `swdkit: ${report.explanation ?? ''}`,
            );
          }
          // On the virtual board, rates and ETAs are the board's time: what the same flash takes on hardware.
          const progress = cliProgressReporter(context.io, {
            json: output.json,
            ...(probe.clock === undefined ? {} : { now: probe.clock.now }),
          });
          const flashed = await session.flash(image, file, {
            verify: options.verify,
            fullErase: options.fullErase,
            progress,
          });
          let reset: FlashResult['reset'] = null;
          if (options.reset) {
            // The LEDs should blink at their own rate while watched: the virtual board follows the clock.
            if (options.showLeds !== undefined) probe.board?.setPaced(true);
            const done = await session
              .reset({ method: 'auto', halt: options.halt })
              .catch((error: unknown) => {
                throw new ResetAfterFlashError(asSwdkitError(error), flashed);
              });
            reset = { method: done.method, halted: options.halt };
          }
          target.resumeOnExit = options.reset && !options.halt;
          const value: FlashResult = {
            event: 'result',
            file,
            format: image.format,
            bytes,
            chip: session.chip.name,
            connect: {
              method: report.method,
              ...(report.explanation === undefined ? {} : { explanation: report.explanation }),
            },
            flash: flashed,
            reset,
          };
          // Said before the LEDs, so the line under them is the live display.
          output.result(value, renderFlash);
          if (options.showLeds !== undefined) {
            await watchLeds((a, n) => session.readMemory(a, n), output, context.io, {
              seconds: options.showLeds,
            });
          }
        },
        { verdict: true },
      );
    });
}

/**
 * The image went on and was checked, and then the reset failed: the user must not think the flash
 * failed (and rewrite it) nor that the new firmware runs. Keeps the class of what stopped the reset.
 */
export class ResetAfterFlashError extends SwdkitError {
  override readonly name: string = 'ResetAfterFlashError';
  constructor(cause: SwdkitError, report: FlashReport) {
    const verified = report.verified === 'no' ? 'not verified' : 'verified';
    super(
      cause.errorClass,
      'reset-after-flash',
      `the image is on the target (${verified}), but resetting it afterwards failed: ${cause.message}`,
      {
        cause,
        hint: `${cause.hint ?? ''} Then reset with \`swdkit reset\`; flashing again is not needed.`.trim(),
      },
    );
  }
}

export function renderFlash(result: FlashResult): string {
  const { flash } = result;
  const parts: string[] = [];
  if (flash.massErase) parts.push('mass erase');
  if (flash.written.length > 0) parts.push(`${sectors(flash.written)} written (${flash.parallelism})`);
  if (flash.unchanged.length > 0) parts.push(`${sectors(flash.unchanged)} unchanged`);
  if (flash.ramBytes > 0) parts.push(`${size(flash.ramBytes)} to RAM`);
  const verified =
    flash.verified === 'no'
      ? flash.written.length === 0
        ? ''
        : ', not verified'
      : `, verified (${flash.verified === 'crc' ? 'CRC on the target' : 'read back'})`;
  const what = `${result.file} (${FORMAT_NAMES[result.format]}, ${size(result.bytes)})`;
  const lines = [
    flash.written.length === 0 && flash.ramBytes === 0
      ? `${what} is already on the ${result.chip}: nothing to write`
      : `flashed ${what} to the ${result.chip}: ${parts.join(', ')}${verified}`,
  ];
  if (result.reset === null) lines.push('not reset: the core is halted');
  else
    lines.push(
      `reset (${result.reset.method}): ${result.reset.halted ? 'halted at the reset vector' : 'running'}`,
    );
  return lines.join('\n');
}
