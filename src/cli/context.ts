import type { Command } from 'commander';
import { Output } from './output.js';
import type { CliIo, GlobalOptions } from './program.js';

/** What every command gets: where to print, with the global --json / -v in force. */
export interface CommandContext {
  readonly io: CliIo;
  output(command: Command): Output;
}

export function commandContext(io: CliIo): CommandContext {
  return {
    io,
    output(command: Command): Output {
      const globals = command.optsWithGlobals<GlobalOptions>();
      return new Output({ json: globals.json, verbosity: globals.verbose, ...io });
    },
  };
}
