import type { Command } from 'commander';
import { runDoctor } from '../../doctor/ladder.js';
import { elfLocator } from '../../doctor/elf/locate.js';
import type { Diagnosis, DoctorReport } from '../../doctor/report.js';
import { hex32 } from '../../util/bytes.js';
import { readInputFile } from '../../util/input-file.node.js';
import type { CommandContext, GlobalOptions } from '../context.js';
import { runDoctorLog } from './doctor-log.js';
import { openProbe, type OpenedProbe } from '../open-probe.js';
import { probeAccess } from '../target-options.js';

interface DoctorCommandOptions {
  readonly elf?: string;
  readonly log?: string;
}

const MAX_ELF_BYTES = 64 * 1024 * 1024;

export function registerDoctor(program: Command, context: CommandContext): void {
  program
    .command('doctor')
    .description('find out why the target will not connect: every step as evidence, the cause, the fix')
    .option('--elf <file>', 'the firmware on the chip (ELF with -g): name functions and source lines')
    .option(
      '--log <file>',
      "explain a pasted tool's error output (OpenOCD, PlatformIO, st-flash, ...); - for stdin",
    )
    .action(async (options: DoctorCommandOptions, command: Command) => {
      const globals = command.optsWithGlobals<GlobalOptions>();
      if (options.log !== undefined) {
        // The log explainer (src/doctor/log/) reads a pasted tool output, not the board.
        await runDoctorLog(context, options.log, { json: globals.json });
        return;
      }
      const output = context.output(command);
      const locate =
        options.elf === undefined
          ? undefined
          : elfLocator(
              readInputFile(options.elf, { what: 'ELF file', maxBytes: MAX_ELF_BYTES }),
              options.elf,
            );
      let opened: OpenedProbe | undefined;
      try {
        const report = await runDoctor({
          open: async () => {
            opened = await openProbe(globals.probe, probeAccess(context));
            return {
              stlink: opened.stlink,
              description: opened.description,
              ...(opened.clock === undefined ? {} : { clock: opened.clock }),
            };
          },
          ...(globals.speed === undefined ? {} : { speedKHz: globals.speed }),
          ...(locate === undefined ? {} : { locate }),
        });
        output.result(report, (r) =>
          renderReport(r, { verbose: globals.verbose > 0, elf: locate !== undefined }),
        );
      } finally {
        await opened?.close();
      }
    });
}

const indent = (text: string, by: string): string => text.replaceAll('\n', `\n${by}`);

function renderDiagnosis(d: Diagnosis, first: boolean, elf: boolean): string[] {
  const lines = [`${first ? 'cause' : 'also '}     ${d.summary} [${d.code}]`];
  if (d.location !== undefined && !elf) {
    lines.push(`          (pass --elf FILE to name the function and line at ${hex32(d.location.pc)})`);
  }
  d.evidence.forEach((e, i) => lines.push(`${i === 0 ? 'evidence' : '        '}  - ${e.tried}: ${e.result}`));
  if (d.possibilities !== undefined) {
    d.possibilities.forEach((p, i) =>
      lines.push(`${i === 0 ? 'could be' : '        '}  ${i + 1}. ${p.cause} — tell: ${p.tell}`),
    );
  }
  if (d.command !== undefined) lines.push(`fix       ${d.command}`);
  if (d.fix !== undefined) lines.push(`          ${indent(d.fix, '          ')}`);
  return lines;
}

/** The human summary: the cause first, its evidence, the command; then every step with -v. */
export function renderReport(
  report: DoctorReport,
  options: { readonly verbose: boolean; readonly elf: boolean },
): string {
  const { verbose, elf } = options;
  const lines = report.diagnoses.flatMap((d, i) => [
    ...(i > 0 ? [''] : []),
    ...renderDiagnosis(d, i === 0, elf),
  ]);
  if (verbose) {
    lines.push('', `steps (${report.durationMs} ms):`);
    for (const s of report.steps)
      lines.push(`  ${s.ok ? 'ok  ' : 'FAIL'} ${s.step}: ${s.tried}: ${s.result}`);
  }
  return lines.join('\n');
}
