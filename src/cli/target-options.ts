import { Option, type Command } from 'commander';
import { quickVerdict } from '../doctor/quick.js';
import { asSwdkitError, InternalError, SwdkitError } from '../util/errors.js';
import { parseSpeed } from './arguments.js';
import { consentFrom, type ConsentOptions } from './consent.js';
import type { CommandContext, GlobalOptions } from './context.js';
import { Interrupted } from './interrupted.js';
import { openProbe, type OpenedProbe, type ProbeAccess } from './open-probe.js';
import type { Output } from './output.js';
import { parseProbeSpec } from './probe-spec.js';
import type { Consent, ConnectReport, Session } from '../session.js';
import { stopRequest } from './signals.js';

/** --probe, --connect, --speed and --yes: global, so they go before or after the command. */
export function addTargetOptions(program: Command): Command {
  return program
    .addOption(
      new Option(
        '--probe <probe>',
        'usb[:SERIAL] | tcp://HOST:PORT | sim[:state=FILE,firmware=FILE,...] (default: the only USB ST-Link, else 127.0.0.1:7184)',
      ).argParser(parseProbeSpec),
    )
    .addOption(
      new Option('--connect <strategy>', 'how to connect to the target')
        .choices(['normal', 'under-reset', 'attach', 'auto'])
        .default('auto'),
    )
    .addOption(new Option('--speed <kHz>', 'SWD clock (default 4000)').argParser(parseSpeed))
    .addOption(new Option('-y, --yes', 'agree to destructive actions without asking').default(false));
}

/** What a target command's body gets. */
export interface Target {
  readonly session: Session;
  readonly probe: OpenedProbe;
  readonly output: Output;
  readonly globals: GlobalOptions;
  readonly consent: (extra?: Omit<ConsentOptions, 'yes'>) => Consent;
  /**
   * Whether the core runs when the command lets go of it. By default it is left as it was found: a
   * core halted by an earlier `swdkit halt` stays halted. Commands that decide (halt, step, resume,
   * reset, flash) set it.
   */
  resumeOnExit: boolean;
}

/** How this command reaches probes: USB, the default server, where to look up a busy probe's holder. */
export function probeAccess(context: CommandContext): ProbeAccess {
  return {
    usb: context.usb,
    ...(context.defaultServer === undefined ? {} : { defaultServer: context.defaultServer }),
    ...(context.procRoot === undefined ? {} : { procRoot: context.procRoot }),
  };
}

/** How long a command that lost its probe to Ctrl-C gets to say what it left behind. */
const INTERRUPT_GRACE_MS = 3000;

function describeAttempts(report: ConnectReport): string {
  return report.attempts
    .map(
      (a) =>
        `  ${a.method} at ${a.speedKHz} kHz: ${a.ok ? 'ok' : `failed (${a.error?.code ?? '?'}: ${a.error?.message ?? ''})`}`,
    )
    .join('\n');
}

/**
 * Opens the probe (--probe or the default search), connects a session (--connect, --speed), runs
 * `body`, and lets go of everything however it ends: the session disconnects (restoring the
 * debug settings it changed), the probe closes, the virtual board's state file is saved. Ctrl-C
 * takes the probe away from the running operation, waits briefly for it to report what it left
 * (a flash names its erased sectors), and ends the command with status 130.
 */
export async function withTarget<T>(
  command: Command,
  context: CommandContext,
  body: (target: Target) => Promise<T>,
  options: { readonly verdict?: boolean } = {},
): Promise<T> {
  const globals = command.optsWithGlobals<GlobalOptions>();
  const output = context.output(command);
  const probe = await openProbe(globals.probe, probeAccess(context));
  output.verbose(1, `probe: ${probe.description}`);
  const stop = stopRequest();
  const signal = { interrupted: false };
  const interruption = stop.stopped.then(async () => {
    signal.interrupted = true;
    await probe.abort();
  });
  const work = (async (): Promise<T> => {
    let session: Session;
    try {
      session = await context.connectSession(probe.stlink, {
        strategy: globals.connect,
        ...(globals.speed === undefined ? {} : { speedKHz: globals.speed }),
        ...(probe.clock === undefined ? {} : { now: probe.clock.now, sleep: probe.clock.sleep }),
      });
    } catch (error) {
      if (options.verdict !== true || signal.interrupted) throw error;
      throw await withVerdict(asSwdkitError(error), probe, globals.speed);
    }
    const report = session.connectReport;
    output.verbose(
      1,
      `connected (${report.method} at ${report.speedKHz} kHz, target ${report.targetVolts.toFixed(2)} V) to ${session.chip.name}:\n${describeAttempts(report)}`,
    );
    const target: Target = {
      session,
      probe,
      output,
      globals,
      consent: (extra = {}) => consentFrom({ yes: globals.yes, ...extra }, context.io),
      resumeOnExit: !report.coreWasHalted,
    };
    let result: T;
    try {
      result = await body(target);
    } catch (error) {
      // The body's error is the one to report; a link that failed under it fails this too.
      await session.disconnect({ resume: target.resumeOnExit }).catch(() => undefined);
      throw error;
    }
    await session.disconnect({ resume: target.resumeOnExit });
    return result;
  })();
  // If Ctrl-C's grace period runs out first, the operation's late failure has nobody to tell.
  work.catch(() => undefined);
  try {
    const outcome = await Promise.race([
      work.then((value) => ({ value })),
      interruption.then(() => ({ interrupted: true as const })),
    ]);
    if ('value' in outcome) return checkBoard(probe, outcome.value);
    throw await interruptedReport(work);
  } catch (error) {
    if (signal.interrupted && !(error instanceof Interrupted)) throw new Interrupted(asSwdkitError(error));
    throw error;
  } finally {
    await probe.close();
    stop.release();
  }
}

/**
 * A failed connect ends with the doctor's quick verdict and the command to run (issue 14): the same
 * error (class and code kept for scripts), its hint followed by the verdict.
 */
async function withVerdict(error: SwdkitError, probe: OpenedProbe, speedKHz?: number): Promise<SwdkitError> {
  const verdict = await quickVerdict(probe.stlink, error, {
    ...(speedKHz === undefined ? {} : { speedKHz }),
    ...(probe.clock === undefined ? {} : { clock: probe.clock }),
  }).catch(() => undefined);
  if (verdict === undefined) return error;
  const name = error.code.slice(error.code.indexOf('.') + 1);
  const hint = `${error.hint === undefined ? '' : `${error.hint}\n`}doctor: ${verdict.line} [${verdict.codes.join(' or ')}]\nrun: ${verdict.command}`;
  return new SwdkitError(error.errorClass, name, error.message, { hint, cause: error });
}

/** Waits a little for the interrupted operation to fail, and keeps what it said. */
async function interruptedReport(work: Promise<unknown>): Promise<Interrupted> {
  let report: SwdkitError | undefined;
  await Promise.race([
    work.then(
      () => undefined,
      (error: unknown) => {
        report = asSwdkitError(error);
      },
    ),
    new Promise((resolve) => setTimeout(resolve, INTERRUPT_GRACE_MS).unref()),
  ]);
  return new Interrupted(report);
}

/** A simulator bug that stopped the embedded board must not pass for the target's behaviour. */
function checkBoard<T>(probe: OpenedProbe, value: T): T {
  const failure = probe.board?.error;
  if (failure !== undefined) {
    throw new InternalError(
      'virtual-board-stopped',
      `the virtual board stopped: ${asSwdkitError(failure).message}`,
      {
        cause: failure,
        hint: 'This is a bug in swdkit’s simulator. Run again with -v for a stack trace and report it.',
      },
    );
  }
  return value;
}
