/**
 * The swdkit command lines an IDE runs: `swdkit flash FILE` to upload and `swdkit gdbserver` to debug,
 * as argument vectors, and POSIX shell quoting for the IDEs that hand a line to `sh -c`.
 */

/** What the generated commands pass on to swdkit. */
export interface SwdkitInvocation {
  /** The executable; "swdkit" (found on PATH) unless the user says otherwise. */
  readonly program: string;
  /** `--probe` as the user gave it (paths already made relative to the project), or none. */
  readonly probe?: string;
  /** The GDB server's TCP port. */
  readonly port: number;
}

function probeArgs(invocation: SwdkitInvocation): string[] {
  return invocation.probe === undefined ? [] : ['--probe', invocation.probe];
}

/** `swdkit flash [--probe P] FILE`. */
export function flashArgv(invocation: SwdkitInvocation, file: string): string[] {
  return [invocation.program, 'flash', ...probeArgs(invocation), file];
}

/** `swdkit gdbserver --port N [--probe P]`: the command line `swdkit gdbserver` takes. */
export function gdbserverArgv(invocation: SwdkitInvocation): string[] {
  return [invocation.program, 'gdbserver', '--port', String(invocation.port), ...probeArgs(invocation)];
}

/** Words the shell reads as themselves: no quoting needed. */
const PLAIN_WORD = /^[A-Za-z0-9_@%+=:,./-]+$/;

/** One word for `sh -c`: as it is when safe, else in single quotes (a quote inside as '\''). */
export function shellWord(word: string): string {
  if (PLAIN_WORD.test(word)) return word;
  return `'${word.replaceAll("'", `'\\''`)}'`;
}

export function shellLine(argv: readonly string[]): string {
  return argv.map(shellWord).join(' ');
}
