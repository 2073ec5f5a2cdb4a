/**
 * Running swdkit as a user does: in-process through `run(argv, io)` (fast; most tests), or as a real
 * child process of bin/swdkit (exit statuses, signals, what a shell sees).
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { run, type CliEnvironment } from '../../src/cli/program.js';
import { FakeUsb } from './fake-webusb.js';
import { repoRoot } from './paths.js';

export const SWDKIT = join(repoRoot, 'bin', 'swdkit');

export interface CliResult {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface InProcessOptions {
  readonly environment?: CliEnvironment;
  /** What a TTY on stdin answers; absent = no TTY (consent then needs --yes). */
  readonly ttyAnswers?: string;
  /** Pretend stdout/stderr are a terminal. */
  readonly tty?: boolean;
}

/** No USB probes and no server: a search without --probe finds nothing (unless a test says otherwise). */
export const NO_HARDWARE: CliEnvironment = {
  usb: () => Promise.resolve(new FakeUsb([])),
  defaultServer: { host: '127.0.0.1', port: 1 },
};

/** `swdkit ...argv` in this process. */
export async function cli(argv: readonly string[], options: InProcessOptions = {}): Promise<CliResult> {
  const stdout = Object.assign(new PassThrough(), { isTTY: options.tty === true, columns: 100 });
  const stderr = Object.assign(new PassThrough(), { isTTY: options.tty === true });
  let out = '';
  let err = '';
  stdout.on('data', (c: Buffer) => (out += c.toString()));
  stderr.on('data', (c: Buffer) => (err += c.toString()));
  let stdin: (PassThrough & { isTTY: boolean }) | undefined;
  if (options.ttyAnswers !== undefined) {
    stdin = Object.assign(new PassThrough(), { isTTY: true });
    stdin.end(options.ttyAnswers);
  }
  const status = await run(
    argv,
    { stdout, stderr, ...(stdin === undefined ? {} : { stdin }) },
    { ...NO_HARDWARE, ...options.environment },
  );
  return { status, stdout: out, stderr: err };
}

/** `swdkit ...argv` as a child process (stdin not a TTY). */
export function spawnCli(
  argv: readonly string[],
  options: { readonly env?: NodeJS.ProcessEnv; readonly timeoutMs?: number } = {},
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [SWDKIT, ...argv], {
      cwd: repoRoot,
      env: { ...process.env, ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`swdkit ${argv.join(' ')} did not finish in time:\n${stdout}${stderr}`));
    }, options.timeoutMs ?? 60_000);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ status: code ?? (signal === null ? -1 : 128), stdout, stderr });
    });
  });
}

/** The JSON lines of a --json run's stdout. */
export function jsonLines(stdout: string): Record<string, unknown>[] {
  return stdout
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

/** The last JSON document on stdout (the result, or the error). */
export function lastJson(stdout: string): Record<string, unknown> {
  const lines = jsonLines(stdout);
  const last = lines[lines.length - 1];
  if (last === undefined) throw new Error(`no JSON on stdout:\n${stdout}`);
  return last;
}
