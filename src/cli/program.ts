import { Command, CommanderError, Option } from 'commander';
import { nodeWebUsb } from '../transport/webusb/node-usb.node.js';
import { asSwdkitError, UsageError } from '../util/errors.js';
import { EXIT_STATUS, exitStatusFor } from './exit-status.js';
import { registerList } from './commands/list.js';
import { registerServer } from './commands/server.js';
import { registerSim } from './commands/sim.js';
import type {
  CliIo,
  CommandContext,
  ConnectSession,
  GlobalOptions,
  ServerAddress,
  UsbAccess,
} from './context.js';
import { registerTargetCommands } from './commands/index.js';
import { Interrupted } from './interrupted.js';
import { Output } from './output.js';
import { Session } from '../session.js';
import { addTargetOptions } from './target-options.js';
import { packageVersion } from './version.js';

/** What the CLI reaches besides its streams; tests replace it. */
export interface CliEnvironment {
  /** USB access for `list`, `server` and the target commands; node-usb by default. */
  readonly usb?: UsbAccess;
  /** Where a target command looks for a server without --probe; 127.0.0.1:7184 by default. */
  readonly defaultServer?: ServerAddress;
  /** How a target command connects (Session.connect by default); tests may wrap it. */
  readonly connectSession?: ConnectSession;
  /** Where a busy USB probe's holder is looked up (default /proc). */
  readonly procRoot?: string;
}

function commandContext(io: CliIo, environment: CliEnvironment): CommandContext {
  return {
    io,
    usb: environment.usb ?? nodeWebUsb,
    ...(environment.defaultServer === undefined ? {} : { defaultServer: environment.defaultServer }),
    connectSession: environment.connectSession ?? ((stlink, options) => Session.connect(stlink, options)),
    ...(environment.procRoot === undefined ? {} : { procRoot: environment.procRoot }),
    output(command: Command): Output {
      const globals = command.optsWithGlobals<GlobalOptions>();
      return new Output({ json: globals.json, verbosity: globals.verbose, ...io });
    },
  };
}

/**
 * Builds the command tree. Subcommands register here as they are built; `--help` lists only what is
 * registered, so it never advertises a command that does not exist yet.
 */
export function buildProgram(io: CliIo, environment: CliEnvironment = {}): Command {
  const program = new Command('swdkit')
    .description('Flash, debug, share and diagnose STM32 targets through ST-Link probes.')
    .version(packageVersion(), '-V, --version', 'print the swdkit version and exit')
    .addOption(new Option('--json', 'print results and errors as JSON on stdout').default(false))
    .addOption(
      new Option('-v, --verbose', 'more detail on stderr (repeat for protocol traffic)')
        .argParser((_value: string, previous: number) => previous + 1)
        .default(0),
    )
    .helpOption('-h, --help', 'show help')
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      // Commander's own error text is replaced by ours (see run()); help on stderr is never wanted.
      writeErr: () => undefined,
    });
  addTargetOptions(program);
  const context = commandContext(io, environment);
  registerTargetCommands(program, context);
  registerSim(program, context);
  registerServer(program, context);
  registerList(program, context);
  return program;
}

/** Global options whose next word is their value, not a command. */
const OPTIONS_WITH_VALUES = new Set(['--probe', '--connect', '--speed']);

/** Turns commander's parse errors into UsageErrors with a stable code. */
function fromCommander(error: CommanderError, argv: readonly string[]): UsageError {
  let message = error.message.replace(/^error: /, '');
  // With no matching subcommand, commander reports a stray word as "too many arguments".
  const word = argv.find((a, i) => !a.startsWith('-') && !OPTIONS_WITH_VALUES.has(argv[i - 1] ?? ''));
  if (error.code === 'commander.excessArguments' && word !== undefined) message = `unknown command '${word}'`;
  const code = error.code.replace(/^commander\./, '').replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
  return new UsageError(code, message, { hint: "Run 'swdkit --help' for the commands and options." });
}

/** Runs the CLI on argv (without the node and script paths) and returns the exit status. */
export async function run(
  argv: readonly string[],
  io: CliIo,
  environment: CliEnvironment = {},
): Promise<number> {
  const program = buildProgram(io, environment);
  // Output settings are needed to report a parse error, so read the global flags before commander does.
  const json = argv.includes('--json');
  const verbosity =
    argv.filter((a) => a === '-v' || a === '--verbose').length + (argv.includes('-vv') ? 2 : 0);
  let output = new Output({ json, verbosity, ...io });
  try {
    await program.parseAsync(argv, { from: 'user' });
    const options = program.opts<GlobalOptions>();
    output = new Output({ json: options.json, verbosity: options.verbose, ...io });
    if (
      program.args.length === 0 &&
      argv.every((a, i) => a.startsWith('-') || OPTIONS_WITH_VALUES.has(argv[i - 1] ?? ''))
    ) {
      // No command given: show help rather than silently succeeding.
      program.outputHelp();
    }
    return EXIT_STATUS.ok;
  } catch (thrown) {
    if (thrown instanceof CommanderError) {
      if (thrown.code === 'commander.helpDisplayed' || thrown.code === 'commander.version')
        return EXIT_STATUS.ok;
      const error = fromCommander(thrown, argv);
      output.error(error);
      return exitStatusFor(error.errorClass);
    }
    if (thrown instanceof Interrupted) {
      if (thrown.report !== undefined) output.error(thrown.report);
      return EXIT_STATUS.interrupted;
    }
    const error = asSwdkitError(thrown);
    output.error(error);
    return exitStatusFor(error.errorClass);
  }
}
