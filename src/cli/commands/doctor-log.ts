import { explainLog, explanationJson, formatExplanation } from '../../doctor/log/index.js';
import { BadInputError } from '../../util/errors.js';
import { readInputFile } from '../../util/input-file.node.js';
import type { CommandContext } from '../context.js';
import { Output } from '../output.js';

/** Larger logs are refused unread: a pasted tool output is kilobytes; 64 MiB is a wrong file. */
export const MAX_LOG_BYTES = 64 * 1024 * 1024;

export interface DoctorLogOptions {
  readonly json: boolean;
}

/**
 * `swdkit doctor --log FILE|-`: explains a pasted OpenOCD, PlatformIO, st-flash, STM32CubeProgrammer,
 * pyOCD or probe-rs log (src/doctor/log/). A missing, directory, device or oversized FILE is bad
 * input (exit 3); `-` reads standard input to its end. The command that registers `doctor` calls this.
 */
export async function runDoctorLog(
  ctx: CommandContext,
  source: string,
  options: DoctorLogOptions,
): Promise<void> {
  const text =
    source === '-'
      ? await readStdin(ctx)
      : decode(
          readInputFile(source, {
            what: 'log file',
            maxBytes: MAX_LOG_BYTES,
            maxBytesReason: 'A tool log is kilobytes; check that it is the log you meant.',
          }),
        );
  const explanation = explainLog(text);
  const output = new Output({
    json: options.json,
    verbosity: 0,
    stdout: ctx.io.stdout,
    stderr: ctx.io.stderr,
  });
  if (options.json) output.result(explanationJson(explanation), () => '');
  else output.result(explanation, formatExplanation);
}

function decode(bytes: Uint8Array): string {
  return new TextDecoder('utf-8').decode(bytes);
}

async function readStdin(ctx: CommandContext): Promise<string> {
  const stdin = ctx.io.stdin;
  if (stdin === undefined)
    throw new BadInputError('log-no-stdin', 'There is no standard input to read the log from.', {
      hint: 'Give the log as a file: swdkit doctor --log FILE',
    });
  if (stdin.isTTY === true)
    ctx.io.stderr.write('swdkit: reading the log from standard input (end it with Ctrl-D)\n');
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of stdin) {
    const bytes = typeof chunk === 'string' ? new TextEncoder().encode(chunk) : (chunk as Uint8Array);
    size += bytes.length;
    if (size > MAX_LOG_BYTES)
      throw new BadInputError('log-too-large', `The log on standard input is over ${MAX_LOG_BYTES} bytes.`, {
        hint: 'Paste the output of the failing command only.',
      });
    chunks.push(bytes);
  }
  const all = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    all.set(c, at);
    at += c.length;
  }
  return decode(all);
}
